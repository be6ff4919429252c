"""The charter: versions, admission criteria, signatures and yearly self-assessments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Organisation


class Charter(models.Model):
    """One version of the instance's charter; the latest published version is the one to sign."""

    version = models.PositiveSmallIntegerField(_("version"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte"))
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("charte")
        verbose_name_plural = _("chartes")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class CharterCriterion(models.Model):
    """An admission criterion of a charter version: a line of its checklist."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.CharField(_("critère"), max_length=500)

    class Meta:
        ordering = ["charter", "position", "pk"]
        verbose_name = _("critère d'admission")
        verbose_name_plural = _("critères d'admission")

    def __str__(self) -> str:
        return self.text


class CharterSignature(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="charter_signatures"
    )
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="signatures")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signée par"),
    )
    signed_at = models.DateTimeField(_("signée le"), auto_now_add=True)

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("signature de la charte")
        verbose_name_plural = _("signatures de la charte")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "charter"], name="one_signature_per_charter_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.charter}"


class SelfAssessment(models.Model):
    """A yearly self-assessment of the organisation's progress on each criterion of the charter."""

    class Level(models.IntegerChoices):
        NOT_YET = 0, _("Pas encore")
        STARTED = 1, _("En chemin")
        ACHIEVED = 2, _("Acquis")
        EXEMPLARY = 3, _("Exemplaire")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="self_assessments"
    )
    charter = models.ForeignKey(Charter, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("année"))
    # [{"criterion": "…text…", "level": 2}, …], the text kept as it was when assessed.
    answers = models.JSONField(_("réponses"), default=list)
    comment = models.TextField(_("commentaire"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("remplie par"),
    )
    created_at = models.DateTimeField(_("remplie le"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("auto-évaluation")
        verbose_name_plural = _("auto-évaluations")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_assessment_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year}"

    @property
    def score(self) -> float:
        """Average level, 0 to 3."""
        if not self.answers:
            return 0.0
        return round(sum(answer["level"] for answer in self.answers) / len(self.answers), 1)
