"""Who may act on a profile: its members, their claims, and the platform roles."""

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

    def commune_filter(self, path: str = "") -> Q:
        """The communes of this role's territory, as a filter through `path`, the lookup that
        leads to a Commune (« commune__ » from a report; "" on Commune itself)."""
        if self.region_id:
            return Q(**{f"{path}departement__region_id": self.region_id})
        if self.departement_id:
            return Q(**{f"{path}departement_id": self.departement_id})
        if self.epci_id:
            return Q(**{f"{path}epci_id": self.epci_id})
        return Q(pk__in=[])

    def organisation_filter(self) -> Q:
        """The organisations with an establishment in this role's territory."""
        return self.commune_filter("establishments__commune__")
