"""Profiles kept by their members: create, edit, establishments; each write validated and recorded."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.ratelimit import hit_by_account
from maillage.core.text import slug_of
from maillage.core.validators import compact_digits
from maillage.directory.models import (
    Establishment,
    Organisation,
    OrganisationSector,
    default_valid_until,
)
from maillage.directory.services.profile import refresh_search_text
from maillage.directory.validation import identity_owner, identity_taken_error
from maillage.membership.models import ChangeRecord, Membership
from maillage.membership.permissions import Action, can
from maillage.membership.services.history import diff, record_change, snapshot

# The fields of a profile its members edit; identifiers of origin and search data stay out.
PROFILE_FIELDS = [
    "name",
    "brand",
    "description",
    "siren",
    "rna",
    "ess_family",
    "is_esus",
    "size_band",
    "website",
    "email",
    "phone",
    "sectors",
    "daily_needs",
]
ESTABLISHMENT_FIELDS = [
    "name",
    "siret",
    "address",
    "postal_code",
    "commune",
    "latitude",
    "longitude",
    "is_head_office",
]
_MANY_TO_MANY = {"sectors", "daily_needs"}
# The `source` of a profile created on the platform by a person (not imported from open data).
CREATED_HERE = "maillage"


class ProfileError(Exception):
    """A write refused for a reason the user can read (in French)."""


def _check_fields(data: dict[str, Any], allowed: list[str]) -> None:
    refused = sorted(set(data) - set(allowed))
    if refused:
        raise ProfileError(
            _("Ces champs ne peuvent pas être modifiés ici : %(fields)s.")
            % {"fields": ", ".join(refused)}
        )


def _set_sectors(organisation: Organisation, sectors) -> None:
    """Sectors chosen by people replace those deduced from the NAF code."""
    chosen = {sector.pk for sector in sectors}
    OrganisationSector.objects.filter(organisation=organisation).exclude(
        sector_id__in=chosen
    ).delete()
    OrganisationSector.objects.filter(organisation=organisation, sector_id__in=chosen).update(
        is_derived=False
    )
    existing = set(
        OrganisationSector.objects.filter(organisation=organisation).values_list(
            "sector_id", flat=True
        )
    )
    OrganisationSector.objects.bulk_create(
        [
            OrganisationSector(organisation=organisation, sector_id=pk, is_derived=False)
            for pk in sorted(chosen - existing)
        ]
    )


def normalise(name: str, value: Any) -> Any:
    """What every writer (page, API, suggestion) stores: text without surrounding spaces, so
    that « » is the blank it looks like; a SIREN without the spaces people type in it."""
    if not isinstance(value, str):
        return value
    return compact_digits(value) if name == "siren" else value.strip()


def _apply(organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    """Set the plain fields; return the many-to-many ones to set after saving."""
    relations = {}
    for name, value in data.items():
        if name in _MANY_TO_MANY:
            relations[name] = value
        else:
            value = "" if value is None and name != "is_esus" else normalise(name, value)
            setattr(organisation, name, value)
    return relations


def _save_relations(organisation: Organisation, relations: dict[str, Any]) -> None:
    for name, values in relations.items():
        if name == "sectors":
            _set_sectors(organisation, values)
        else:
            getattr(organisation, name).set(values)


def check_identity(
    *, organisation: Organisation, siren: str, field: str, user: User | None
) -> None:
    """A SIREN (or a SIRET's) that another profile already holds is refused: taking it over goes
    through a claim that an animator reviews (docs/security.md, « Usurpation d'identité par
    SIRET »). The animators of the profile and platform admins are that review."""
    siren = compact_digits(siren)
    if not siren or siren == organisation.siren:
        return
    owner = identity_owner(siren, exclude_pk=organisation.pk)
    if owner is None:
        return
    if user is not None and organisation.pk and can(user, Action.DECIDE_CLAIM, organisation):
        return
    raise ValidationError({field: identity_taken_error(siren, owner)})


def unique_slug(name: str) -> str:
    base = slug_of(name)[:240] or "organisation"
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def update_organisation(
    *,
    organisation: Organisation,
    user: User | None,
    data: dict[str, Any],
    source: str = ChangeRecord.Source.USER,
) -> ChangeRecord | None:
    """Apply `data` to the profile, validated like everywhere else; saving renews its validity."""
    _check_fields(data, PROFILE_FIELDS)
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    tracked = [*PROFILE_FIELDS, "valid_until"]
    before = snapshot(current, tracked)
    if data.get("siren"):
        check_identity(organisation=current, siren=data["siren"], field="siren", user=user)
    relations = _apply(current, data)
    current.valid_until = max(current.valid_until, default_valid_until())
    current.full_clean()
    current.save()
    _save_relations(current, relations)
    refresh_search_text(current, places_changed=False)
    changes = diff(Organisation, before, snapshot(current, tracked))
    if not [change for change in changes if change["field"] != "valid_until"]:
        return None
    labels = ", ".join(change["label"] for change in changes if change["field"] != "valid_until")
    return record_change(
        organisation=current,
        user=user,
        source=source,
        subject=ChangeRecord.Subject.ORGANISATION,
        summary=_("Fiche modifiée : %(fields)s") % {"fields": labels},
        changes=changes,
    )


@transaction.atomic
def create_organisation(
    *, user: User, data: dict[str, Any], head_office: dict[str, Any]
) -> Organisation:
    """A new profile with its head office; its creator becomes its administrator."""
    _check_fields(data, PROFILE_FIELDS)
    _check_fields(head_office, ESTABLISHMENT_FIELDS)
    organisation = Organisation(source=CREATED_HERE)
    siret = head_office.get("siret") or ""
    check_identity(
        organisation=organisation, siren=data.get("siren") or "", field="siren", user=None
    )
    check_identity(organisation=organisation, siren=siret[:9], field="siret", user=None)
    relations = _apply(organisation, data)
    organisation.slug = unique_slug(organisation.brand or organisation.name)
    organisation.full_clean()
    organisation.save()
    _save_relations(organisation, relations)
    establishment = Establishment(organisation=organisation, is_head_office=True)
    for name, value in head_office.items():
        setattr(establishment, name, value)
    establishment.is_head_office = True
    establishment.full_clean()
    # Counted once valid (a refused form does not count); over the limit, all rolls back (429).
    hit_by_account(user, "create-organisation")
    establishment.save()
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    refresh_search_text(organisation)
    record_change(
        organisation=organisation,
        user=user,
        source=ChangeRecord.Source.USER,
        subject=ChangeRecord.Subject.ORGANISATION,
        summary=_("Fiche créée"),
        changes=diff(Organisation, {}, snapshot(organisation, PROFILE_FIELDS)),
    )
    return organisation


@transaction.atomic
def save_establishment(
    *,
    organisation: Organisation,
    user: User | None,
    data: dict[str, Any],
    establishment: Establishment | None = None,
) -> Establishment:
    """Add or change an establishment; a new head office takes over from the previous one."""
    _check_fields(data, ESTABLISHMENT_FIELDS)
    if establishment is None:
        current, before = Establishment(organisation=organisation), {}
    else:
        current = Establishment.objects.select_for_update().get(
            pk=establishment.pk, organisation=organisation
        )
        before = snapshot(current, ESTABLISHMENT_FIELDS)
    point_before = (current.latitude, current.longitude)
    for name, value in data.items():
        setattr(current, name, "" if value is None and name in ("name", "address") else value)
    if (current.latitude, current.longitude) != point_before:
        current.is_approximate_location = False  # a point a person chose is not the centre
    if current.siret == "":
        current.siret = None
    if current.siret:
        check_identity(organisation=organisation, siren=current.siret[:9], field="siret", user=user)
    if current.is_head_office:
        organisation.establishments.exclude(pk=current.pk).update(is_head_office=False)
    current.full_clean()
    current.save()
    refresh_search_text(organisation)
    changes = diff(Establishment, before, snapshot(current, ESTABLISHMENT_FIELDS))
    if changes:
        place = f"{current.postal_code} {current.commune.name}"
        summary = (
            _("Établissement ajouté : %(place)s")
            if establishment is None
            else _("Établissement modifié : %(place)s")
        )
        record_change(
            organisation=organisation,
            user=user,
            source=ChangeRecord.Source.USER,
            subject=ChangeRecord.Subject.ESTABLISHMENT,
            summary=summary % {"place": place},
            changes=changes,
        )
    return current


@transaction.atomic
def delete_establishment(*, establishment: Establishment, user: User | None) -> None:
    organisation = establishment.organisation
    if organisation.establishments.count() <= 1:
        raise ProfileError(
            _("Une organisation garde au moins un établissement : modifiez-le plutôt.")
        )
    before = snapshot(establishment, ESTABLISHMENT_FIELDS)
    place = f"{establishment.postal_code} {establishment.commune.name}"
    establishment.delete()
    if before["is_head_office"] == "oui":
        first = organisation.establishments.order_by("pk").first()
        organisation.establishments.filter(pk=first.pk).update(is_head_office=True)
    refresh_search_text(organisation)
    record_change(
        organisation=organisation,
        user=user,
        source=ChangeRecord.Source.USER,
        subject=ChangeRecord.Subject.ESTABLISHMENT,
        summary=_("Établissement supprimé : %(place)s") % {"place": place},
        changes=diff(Establishment, before, dict.fromkeys(before, "")),
    )
