"""What happens to a profile: its history, its freshness reminders, suggested corrections."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TimeStampedModel
from maillage.directory.models import Organisation


class ChangeRecord(models.Model):
    """One change of a profile: who, when, from which source, which fields (old → new)."""

    class Source(models.TextChoices):
        USER = "user", _("Saisie d'un membre ou de l'animation")
        SUGGESTION = "suggestion", _("Suggestion acceptée")
        IMPORT = "import", _("Import")
        FRESHNESS = "freshness", _("Confirmation de validité")
        ADMIN = "admin", _("Administration de la plateforme")

    class Subject(models.TextChoices):
        ORGANISATION = "organisation", _("Fiche")
        ESTABLISHMENT = "establishment", _("Établissement")
        MEMBERS = "members", _("Membres")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="change_records"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_records",
        verbose_name=_("auteur"),
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    subject = models.CharField(_("objet"), max_length=15, choices=Subject.choices)
    summary = models.CharField(_("résumé"), max_length=255)
    # [{"field": "website", "label": "site web", "old": "…", "new": "…"}, …]
    changes = models.JSONField(_("champs modifiés"), default=list, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("modification d'une fiche")
        verbose_name_plural = _("historique des fiches")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.summary}"


class FreshnessReminder(models.Model):
    """One reminder sent for one expiry date of a profile; its uniqueness makes reruns send nothing twice."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="freshness_reminders"
    )
    valid_until = models.DateField(_("fiche valide jusqu'au"))
    days_before = models.PositiveSmallIntegerField(_("jours avant l'échéance"))
    recipients = models.JSONField(_("destinataires"), default=list)
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("rappel de mise à jour")
        verbose_name_plural = _("rappels de mise à jour")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "valid_until", "days_before"],
                name="one_reminder_per_expiry_and_delay",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · J-{self.days_before} ({self.valid_until})"


class Suggestion(TimeStampedModel):
    """A correction of a profile proposed by anyone signed in; its keepers accept it field by field."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        PARTIAL = "partial", _("Acceptée en partie")
        REJECTED = "rejected", _("Refusée")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="suggestions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("proposée par"),
    )
    # [{"field": "phone", "label": "téléphone public", "old": "…", "new": "…"}, …]
    changes = models.JSONField(_("modifications proposées"), default=list)
    message = models.TextField(_("explication"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    accepted_fields = models.JSONField(_("champs acceptés"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reason = models.TextField(_("réponse"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggestion de correction")
        verbose_name_plural = _("suggestions de correction")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_status_display()}"
