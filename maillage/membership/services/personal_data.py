"""Personal data: everything about one person as JSON, and the deletion of an account."""

from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _

from maillage.directory.models import Organisation
from maillage.directory.search.changes import directory_changed
from maillage.membership.models import (
    ApiToken,
    ChangeRecord,
    CharterSignature,
    Claim,
    College,
    Membership,
    PlatformRole,
    SelfAssessment,
    Suggestion,
    Vote,
)
from maillage.membership.services.history import diff, record_change, snapshot
from maillage.membership.services.organisations import CREATED_HERE


class AccountDeletionError(Exception):
    """A deletion refused for a reason the user can read (in French)."""


def _date(value) -> str | None:
    return value.isoformat() if value else None


def export_personal_data(user: User) -> dict[str, Any]:
    """What the platform keeps about `user`, in the words of its models; other domains add
    their part through an `export_personal_data(user)` method on their AppConfig."""
    data = _membership_data(user)
    for config in apps.get_app_configs():
        if hasattr(config, "export_personal_data"):
            data.update(config.export_personal_data(user))
    return data


def _membership_data(user: User) -> dict[str, Any]:
    return {
        "compte": {
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "inscrit_le": _date(user.date_joined),
            "derniere_connexion": _date(user.last_login),
        },
        "adresses_email": [
            {"email": address.email, "verifiee": address.verified, "principale": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "roles_plateforme": [
            {"role": role.kind, "territoire": str(role.territory or "")}
            for role in PlatformRole.objects.filter(user=user).select_related(
                "region", "departement", "epci"
            )
        ],
        "organisations": [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "depuis": _date(m.created_at),
            }
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "demandes_de_gestion": [
            {
                "organisation": c.organisation.name,
                "etat": c.status,
                "message": c.message,
                "le": _date(c.created_at),
                "motif": c.reason,
            }
            for c in Claim.objects.filter(user=user).select_related("organisation")
        ],
        "suggestions": [
            {
                "organisation": s.organisation.name,
                "modifications": s.changes,
                "explication": s.message,
                "etat": s.status,
                "le": _date(s.created_at),
            }
            for s in Suggestion.objects.filter(author=user).select_related("organisation")
        ],
        "votes": [
            {
                "organisation": v.application.organisation.name,
                "college": v.college.name,
                "vote": v.choice,
                "commentaire": v.comment,
                "le": _date(v.created_at),
            }
            for v in Vote.objects.filter(reviewer=user).select_related(
                "application__organisation", "college"
            )
        ],
        "colleges": list(College.objects.filter(reviewers=user).values_list("name", flat=True)),
        "signatures_de_charte": [
            {
                "organisation": s.organisation.name,
                "charte": s.charter.version,
                "le": _date(s.signed_at),
            }
            for s in CharterSignature.objects.filter(signed_by=user).select_related(
                "organisation", "charter"
            )
        ],
        "auto_evaluations": [
            {"organisation": a.organisation.name, "annee": a.year, "commentaire": a.comment}
            for a in SelfAssessment.objects.filter(assessed_by=user).select_related("organisation")
        ],
        "jetons_api": [
            {
                "nom": t.name,
                "organisation": t.organisation.name,
                "debut": t.prefix,
                "cree_le": _date(t.created_at),
                "derniere_utilisation": _date(t.last_used_at),
                "revoque_le": _date(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).select_related("organisation")
        ],
        "modifications_de_fiches": [
            {
                "organisation": r.organisation.name,
                "resume": r.summary,
                "source": r.source,
                "champs": r.changes,
                "le": _date(r.created_at),
            }
            for r in ChangeRecord.objects.filter(user=user).select_related("organisation")
        ],
    }


ERASED = "[effacé à la suppression du compte de son auteur]"
# What a profile whose only source was the deleted person loses.
_WITHDRAWN_FIELDS = ["is_published", "email", "phone"]


def _hand_over_organisations(user: User) -> None:
    """The organisations the person was the last administrator of: the longest-standing other
    member takes over; with nobody left, a profile the person created here (its only source) is
    unpublished without its contact details, and a profile from open data stays, claimable."""
    others = Membership.objects.exclude(user=user)
    other_admins = others.filter(organisation=OuterRef("pk"), role=Membership.Role.ADMIN)
    alone = Organisation.objects.filter(memberships__user=user).exclude(Exists(other_admins))
    for organisation in alone:
        successor = others.filter(organisation=organisation).order_by("created_at", "pk").first()
        if successor is not None:
            successor.role = Membership.Role.ADMIN
            successor.save(update_fields=["role", "updated_at"])
            summary = _("Compte de l'administration supprimé : le plus ancien membre administre.")
            changes = []
        elif organisation.source == CREATED_HERE:
            before = snapshot(organisation, _WITHDRAWN_FIELDS)
            organisation.is_published, organisation.email, organisation.phone = False, "", ""
            organisation.save(update_fields=[*_WITHDRAWN_FIELDS, "updated_at"])
            directory_changed([organisation.pk])
            summary = _("Compte de sa seule source supprimé : fiche dépubliée, sans contact.")
            changes = diff(Organisation, before, snapshot(organisation, _WITHDRAWN_FIELDS))
        else:
            summary = _("Compte de l'administration supprimé : la fiche peut être revendiquée.")
            changes = []
        record_change(
            organisation=organisation,
            user=None,
            source=ChangeRecord.Source.USER,
            subject=ChangeRecord.Subject.MEMBERS,
            summary=summary,
            changes=changes,
        )


@transaction.atomic
def delete_account(*, user: User, password: str) -> None:
    """Delete the account: what the person wrote to others is erased, the organisations they
    kept alone are handed over (`_hand_over_organisations`), facts about organisations stay,
    no longer linked to a person. The rules are on the privacy page (/donnees-personnelles/)."""
    if not user.check_password(password):
        raise AccountDeletionError(_("Mot de passe incorrect : le compte n'est pas supprimé."))
    if user.is_superuser:
        raise AccountDeletionError(
            _("Un compte d'administration de la plateforme se retire dans l'administration.")
        )
    gone = _("compte supprimé")
    for address in {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }:
        if address:
            ChangeRecord.objects.filter(summary__contains=address).update(
                summary=Replace("summary", Value(address), Value(gone))
            )
    Suggestion.objects.filter(author=user).exclude(message="").update(message=ERASED)
    _hand_over_organisations(user)
    for config in apps.get_app_configs():  # what other domains keep by address, not by account
        if hasattr(config, "forget_personal_data"):
            config.forget_personal_data(user)
    # ChangeRecord.user, Suggestion.author and the deciders are SET_NULL; memberships, claims
    # and e-mail addresses go with the account.
    user.delete()
