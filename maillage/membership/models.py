"""Who may do what: members of organisations, claims of a profile, platform roles, change history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TimeStampedModel
from maillage.directory.models import Organisation
from maillage.territory.models import EPCI, Departement, Region


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        MEMBER = "member", _("Membre")
        ADMIN = "admin", _("Administrateur ou administratrice")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        verbose_name = _("membre d'une organisation")
        verbose_name_plural = _("membres des organisations")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Claim(TimeStampedModel):
    """A user asks to manage an existing profile; accepted at once when their e-mail domain matches."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REJECTED = "rejected", _("Refusée")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("organisation"),
    )
    message = models.TextField(_("message à l'équipe d'animation"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    is_automatic = models.BooleanField(_("acceptée par le domaine de l'e-mail"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("revendication")
        verbose_name_plural = _("revendications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status="pending"),
                name="one_pending_claim_per_user_and_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"


class PlatformRole(TimeStampedModel):
    """A role on the whole platform; an animator's role covers one territory.

    Platform administrators are Django superusers: they grant these roles in the admin.
    """

    class Kind(models.TextChoices):
        ANIMATOR = "animator", _("Animation d'un territoire")
        BUYER = "buyer", _("Acheteur")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_roles"
    )
    kind = models.CharField(_("rôle"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("région")
    )
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("département")
    )
    epci = models.ForeignKey(
        EPCI, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("EPCI")
    )

    class Meta:
        ordering = ["user__email", "kind"]
        verbose_name = _("rôle sur la plateforme")
        verbose_name_plural = _("rôles sur la plateforme")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="animator")
                    & (
                        Q(region__isnull=False, departement__isnull=True, epci__isnull=True)
                        | Q(region__isnull=True, departement__isnull=False, epci__isnull=True)
                        | Q(region__isnull=True, departement__isnull=True, epci__isnull=False)
                    )
                )
                | (
                    ~Q(kind="animator")
                    & Q(region__isnull=True, departement__isnull=True, epci__isnull=True)
                ),
                name="animator_has_exactly_one_territory",
            )
        ]

    def __str__(self) -> str:
        territory = self.territory
        label = self.get_kind_display()
        return f"{self.user} · {label}" + (f" ({territory})" if territory else "")

    @property
    def territory(self) -> Region | Departement | EPCI | None:
        return self.region or self.departement or self.epci

    def clean(self) -> None:
        chosen = [t for t in (self.region_id, self.departement_id, self.epci_id) if t]
        if self.kind == self.Kind.ANIMATOR and len(chosen) != 1:
            raise ValidationError(
                _(
                    "Un rôle d'animation couvre un seul territoire : une région, un département ou un EPCI."
                )
            )
        if self.kind != self.Kind.ANIMATOR and chosen:
            raise ValidationError(_("Seul un rôle d'animation est lié à un territoire."))

    def organisation_filter(self) -> Q:
        """The organisations with an establishment in this role's territory."""
        if self.region_id:
            return Q(establishments__commune__departement__region_id=self.region_id)
        if self.departement_id:
            return Q(establishments__commune__departement_id=self.departement_id)
        if self.epci_id:
            return Q(establishments__commune__epci_id=self.epci_id)
        return Q(pk__in=[])


class ChangeRecord(models.Model):
    """One change of a profile: who, when, from which source, which fields (old → new)."""

    class Source(models.TextChoices):
        USER = "user", _("Saisie d'un membre ou de l'animation")
        SUGGESTION = "suggestion", _("Suggestion acceptée")
        IMPORT = "import", _("Import")
        FRESHNESS = "freshness", _("Confirmation de validité")

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
