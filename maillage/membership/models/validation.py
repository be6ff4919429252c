"""Participatory validation: colleges, applications, votes and reminders to reviewers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TimeStampedModel
from maillage.directory.models import Organisation


class College(models.Model):
    """A college of stakeholders (peers, users, local authorities…) whose members review applicants."""

    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    quorum = models.PositiveSmallIntegerField(
        _("quorum"), default=2, help_text=_("Nombre de votes qu'il faut dans ce collège.")
    )
    is_required = models.BooleanField(
        _("requis pour décider"),
        default=True,
        help_text=_("Une décision attend que chaque collège requis ait atteint son quorum."),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="colleges",
        verbose_name=_("membres du collège"),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")

    def __str__(self) -> str:
        return self.name


class Application(TimeStampedModel):
    """An organisation's application to be validated by the colleges (participatory guarantee)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Déposée")
        UNDER_REVIEW = "under_review", _("En cours d'examen")
        CHANGES_REQUESTED = "changes_requested", _("Compléments demandés")
        ACCEPTED = "accepted", _("Acceptée")
        REJECTED = "rejected", _("Refusée")

    OPEN = (Status.SUBMITTED, Status.UNDER_REVIEW)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    motivation = models.TextField(_("présentation de la candidature"))
    round = models.PositiveSmallIntegerField(_("tour d'examen"), default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposée par"),
    )
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    deadline = models.DateField(_("date limite des votes"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    explanation = models.TextField(_("explication de la décision"), blank=True)
    college_count = models.PositiveSmallIntegerField(_("collèges ayant voté"), default=0)
    changes_requested = models.TextField(_("compléments demandés"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["draft", "submitted", "under_review", "changes_requested"]),
                name="one_open_application_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Vote(models.Model):
    class Choice(models.TextChoices):
        APPROVE = "approve", _("Pour")
        REJECT = "reject", _("Contre")
        ABSTAIN = "abstain", _("Abstention")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="votes")
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="votes")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="votes"
    )
    round = models.PositiveSmallIntegerField(_("tour d'examen"))
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        ordering = ["college__position", "created_at"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round", "reviewer"], name="one_vote_per_reviewer_and_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.college} · {self.get_choice_display()}"


class ReviewReminder(models.Model):
    """A reviewer reminded of an application's deadline; unique, so that reruns send nothing twice."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_reminders"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("tour d'examen"))
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rappel de vote")
        verbose_name_plural = _("rappels de vote")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round", "reviewer"], name="one_review_reminder_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.reviewer}"
