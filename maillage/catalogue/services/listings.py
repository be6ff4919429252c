"""Publishing offers and needs (B1): create, edit, close, renew, expire, remind before expiry."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.catalogue import emails
from maillage.catalogue.models import DEFAULT_VALIDITY_DAYS, Listing, Side, Status
from maillage.catalogue.search import listing_search_text
from maillage.core.geo import cells_of
from maillage.core.mail import MailBatch
from maillage.core.ratelimit import hit_by_account
from maillage.directory.models import Establishment, Organisation, Sector
from maillage.territory.models import EPCI, Commune, Departement

# Fields a person edits; the others are derived or set by the services.
EDITABLE_FIELDS = [
    "title",
    "description",
    "kind",
    "exchange_mode",
    "price",
    "price_on_quote",
    "cpv_code",
    "quantity",
    "unit",
    "available_from",
    "available_until",
    "recurrence",
    "radius_km",
    "expires_on",
    "reserved_market",
    "preferred_families",
    "establishment",
]
RELATED_FIELDS = ["sectors", "area_communes", "area_epcis", "area_departements", "preferred_labels"]
REMINDER_DAYS = 7
MAX_VALIDITY_DAYS = 366


def _ids(values: Iterable[Any] | None) -> list:
    return [getattr(value, "pk", value) for value in (values or [])]


def _check_related(data: dict[str, Any]) -> dict[str, list]:
    """Sectors and territories must exist; a listing needs a sector and an area served."""
    errors: dict[str, list] = {}
    sector_ids = _ids(data.get("sectors"))
    if not sector_ids:
        errors["sectors"] = [_("Choisissez au moins une filière.")]
    else:
        known = set(Sector.objects.filter(pk__in=sector_ids).values_list("pk", flat=True))
        unknown = [str(pk) for pk in sector_ids if pk not in known]
        if unknown:
            errors["sectors"] = [
                _("Cette filière n'existe pas : %(ids)s.") % {"ids": ", ".join(unknown)}
            ]
    for name, model in (
        ("area_communes", Commune),
        ("area_epcis", EPCI),
        ("area_departements", Departement),
    ):
        wanted = {str(pk) for pk in _ids(data.get(name))}
        known = {str(pk) for pk in model.objects.filter(pk__in=wanted).values_list("pk", flat=True)}
        if wanted - known:
            errors[name] = [
                _("Territoire inconnu : %(codes)s.") % {"codes": ", ".join(sorted(wanted - known))}
            ]
    has_list = any(_ids(data.get(name)) for name in RELATED_FIELDS[1:4])
    if not data.get("radius_km") and not has_list:
        errors["radius_km"] = [
            _(
                "Indiquez la zone desservie : un rayon autour de l'établissement, ou des communes, "
                "EPCI ou départements."
            )
        ]
    return errors


def _place(listing: Listing) -> None:
    """Copy the establishment's point and territory onto the listing, for matching prefilters."""
    establishment = listing.establishment
    commune = establishment.commune
    listing.commune = commune
    listing.epci_id = commune.epci_id
    listing.departement_id = commune.departement_id
    latitude = establishment.latitude if establishment.has_point else commune.latitude
    longitude = establishment.longitude if establishment.has_point else commune.longitude
    listing.latitude, listing.longitude = latitude, longitude
    if latitude is not None and longitude is not None:
        _r3, listing.h3_r5, listing.h3_r7 = cells_of(latitude, longitude)
    else:
        listing.h3_r5 = listing.h3_r7 = None


def _default_establishment(organisation: Organisation) -> Establishment | None:
    return (
        organisation.establishments.select_related("commune")
        .order_by("-is_head_office", "pk")
        .first()
    )


def _save(listing: Listing, data: dict[str, Any]) -> Listing:
    data = dict(data)
    related = {name: data.pop(name) for name in RELATED_FIELDS if name in data}
    errors = _check_related({**related, "radius_km": data.get("radius_km")})
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable field of a listing")
        setattr(listing, name, value)
    if listing.establishment_id is None:
        listing.establishment = _default_establishment(listing.organisation)
    if listing.establishment is None:
        errors.setdefault("establishment", []).append(
            _("L'organisation n'a aucun établissement : ajoutez-en un à sa fiche d'abord.")
        )
    elif listing.establishment.organisation_id != listing.organisation_id:
        errors.setdefault("establishment", []).append(
            _("Cet établissement n'appartient pas à l'organisation.")
        )
    if listing.expires_on and (
        listing.expires_on > timezone.localdate() + datetime.timedelta(days=MAX_VALIDITY_DAYS)
    ):
        errors.setdefault("expires_on", []).append(
            _("Une annonce reste ouverte un an au plus : choisissez une date plus proche.")
        )
    try:
        listing.full_clean(exclude=["organisation", "establishment", "created_by"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    _place(listing)
    listing.has_area_list = any(_ids(related.get(name)) for name in RELATED_FIELDS[1:4])
    listing.save()
    for name, values in related.items():
        getattr(listing, name).set(_ids(values))
    refresh_listing_search_text(listing)
    return listing


def refresh_listing_search_text(listing: Listing) -> None:
    names = list(listing.sectors.values_list("name", flat=True))
    place = listing.commune.name if listing.commune_id else ""
    listing.search_text = listing_search_text(listing, sector_names=names, place=place)
    Listing.objects.filter(pk=listing.pk).update(search_text=listing.search_text)


@transaction.atomic
def publish_listing(
    *,
    organisation: Organisation,
    user: User | None,
    side: str,
    data: dict[str, Any],
    is_example: bool = False,
) -> Listing:
    """Publish an offer or a need of the organisation, open for 3 months unless said otherwise."""
    if side not in Side.values:
        raise ValueError(f"unknown side {side}")
    listing = Listing(organisation=organisation, side=side, created_by=user, is_example=is_example)
    listing = _save(listing, data)
    if user is not None:
        # Counted once valid; over the limit, the transaction drops the listing (429).
        hit_by_account(user, "create-listing")
    return listing


@transaction.atomic
def update_listing(*, listing: Listing, user: User, data: dict[str, Any]) -> Listing:
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    return _save(listing, data)


@transaction.atomic
def close_listing(*, listing: Listing, user: User, status: str) -> Listing:
    """Fulfilled or withdrawn: it leaves search and matching, its page stays."""
    if status not in (Status.FULFILLED, Status.WITHDRAWN):
        raise ValidationError({"status": _("Choisissez « pourvue » ou « retirée ».")})
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    listing.status = status
    listing.save(update_fields=["status", "updated_at"])
    return listing


@transaction.atomic
def renew_listing(*, listing: Listing, user: User) -> Listing:
    """Open again for the default period (also after it expired)."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    listing.status = Status.OPEN
    listing.expires_on = timezone.localdate() + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)
    listing.expiry_reminded_on = None
    listing.save(update_fields=["status", "expires_on", "expiry_reminded_on", "updated_at"])
    return listing


def expire_listings() -> int:
    """Mark as expired the open listings past their date (daily)."""
    return Listing.objects.filter(status=Status.OPEN, expires_on__lt=timezone.localdate()).update(
        status=Status.EXPIRED, updated_at=timezone.now()
    )


def send_expiry_reminders() -> list[Listing]:
    """One reminder per listing, a week before it expires, to the organisation's members."""
    today = timezone.localdate()
    due = Listing.objects.filter(
        status=Status.OPEN,
        expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=REMINDER_DAYS),
        expiry_reminded_on__isnull=True,
        is_example=False,
    ).select_related("organisation")
    sent = []
    batch = MailBatch("expiry-reminders")
    for listing in due:
        # A failed reminder is logged and tried again next day; the others still go.
        with batch.isolating(listing.pk), transaction.atomic():
            updated = Listing.objects.filter(pk=listing.pk, expiry_reminded_on__isnull=True).update(
                expiry_reminded_on=today
            )
            if updated:
                emails.send_expiry_reminder(listing)
                sent.append(listing)
    batch.log_summary()
    return sent
