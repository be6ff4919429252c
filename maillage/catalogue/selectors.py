"""Reads shared by the catalogue's pages, API and feeds, and the observatory's counts."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from maillage.catalogue.models import ContactMessage, Deal, Listing, NeedReport
from maillage.catalogue.permissions import can_publish, can_qualify, is_party_to
from maillage.core.geo import box_around, cells_covering, haversine_km
from maillage.directory.models import Organisation, Sector
from maillage.directory.search.query import distance_km
from maillage.membership.models import Membership
from maillage.membership.selectors import (
    animator_roles_of,
    organisations_animated_by,
    platform_admin_emails,
)
from maillage.territory.models import Commune

# Around a commune, without a radius given.
DEFAULT_RADIUS_KM = 30


@dataclass
class ListingFilters:
    q: str = ""
    side: str = ""
    kind: str = ""
    mode: str = ""
    sector: Sector | None = None
    departement_id: str = ""
    near: Commune | None = None
    radius_km: int | None = None


def search_listings(filters: ListingFilters) -> QuerySet:
    """Open listings matching the filters, newest first (nearest first around a place)."""
    listings = Listing.objects.open()
    if filters.q:
        listings = listings.search(filters.q)
    if filters.side:
        listings = listings.filter(side=filters.side)
    if filters.kind:
        listings = listings.filter(kind=filters.kind)
    if filters.mode:
        listings = listings.filter(exchange_mode=filters.mode)
    if filters.sector is not None:
        sectors = Q(sector=filters.sector) | Q(sector__parent=filters.sector)
        listings = listings.filter(
            pk__in=Listing.sectors.through.objects.filter(sectors).values("listing_id")
        )
    if filters.departement_id:
        listings = listings.filter(departement_id=filters.departement_id)
    if filters.near is not None:
        listings = within_circle(listings, filters.near, filters.radius_km or DEFAULT_RADIUS_KM)
    return listings.select_related("organisation", "commune").prefetch_related("sectors")


def within_circle(listings: QuerySet, near: Commune, radius_km: int) -> QuerySet:
    """The listings located within `radius_km` of the commune: prefiltered on the H3 cells
    covering the circle and a latitude/longitude box (indexed), then the exact distance in SQL.
    A commune without a point selects nothing rather than everything."""
    if near.latitude is None or near.longitude is None:
        return listings.none()
    lat, lon = near.latitude, near.longitude
    box = box_around(lat, lon, radius_km)
    listings = listings.filter(
        latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon)
    )
    covering = cells_covering(lat, lon, radius_km)
    if covering:
        column, cells = covering
        listings = listings.filter(**{f"{column}__in": cells})
    return listings.alias(distance_km=distance_km("latitude", "longitude", lat, lon)).filter(
        distance_km__lte=radius_km
    )


def with_distances(
    listings: list[Listing], near: Commune | None, radius_km: int | None
) -> list[Listing]:
    """Exact distances from the place, the circle applied, nearest first."""
    if near is None or near.latitude is None:
        return listings
    radius = radius_km or DEFAULT_RADIUS_KM
    kept = []
    for listing in listings:
        if listing.latitude is None:
            continue
        listing.distance_km = haversine_km(
            near.latitude, near.longitude, listing.latitude, listing.longitude
        )
        if listing.distance_km <= radius:
            kept.append(listing)
    return sorted(kept, key=lambda listing: listing.distance_km)


def map_points(listings) -> list[list]:
    """[latitude, longitude, title, url, side] per listing, for the offers/needs map layer."""
    return [
        [round(x.latitude, 5), round(x.longitude, 5), x.title, x.get_absolute_url(), x.side]
        for x in listings
        if x.latitude is not None
    ]


def organisation_recipients(organisation: Organisation) -> list[str]:
    """Its members' addresses; else the public address of the profile."""
    emails = sorted(
        set(
            Membership.objects.filter(organisation=organisation, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    return emails or ([organisation.email] if organisation.email else [])


@dataclass(frozen=True)
class ContactRoute:
    """Where a message to an organisation goes, known before the sender writes it."""

    delivery: str  # ContactMessage.Delivery
    recipients: list[str]
    # The animated territories (« Vienne ») the message goes to; empty for the organisation itself
    # or the platform's administrators.
    territories: list[str]

    @property
    def is_reachable(self) -> bool:
        return bool(self.recipients)

    @property
    def is_direct(self) -> bool:
        return self.delivery == ContactMessage.Delivery.ORGANISATION


def contact_route(organisation: Organisation) -> ContactRoute:
    """Its members, else its public address; else the animators of its territory (région,
    département or EPCI of any establishment); else the platform's administrators; else nobody."""
    direct = organisation_recipients(organisation)
    if direct:
        return ContactRoute(ContactMessage.Delivery.ORGANISATION, direct, [])
    roles = list(animator_roles_of(organisation).exclude(user__email=""))
    if roles:
        emails = sorted({role.user.email for role in roles})
        territories = sorted({str(role.territory) for role in roles})
        return ContactRoute(ContactMessage.Delivery.ANIMATION, emails, territories)
    return ContactRoute(ContactMessage.Delivery.ANIMATION, platform_admin_emails(), [])


def get_listing(pk: int) -> Listing:
    return get_object_or_404(
        Listing.objects.select_related("organisation", "establishment__commune", "commune"), pk=pk
    )


def get_listing_for_user(user: User | AnonymousUser, pk: int) -> Listing:
    """The listing (404) if `user` may edit it (403 otherwise)."""
    listing = get_listing(pk)
    if not can_publish(user, listing.organisation):
        raise PermissionDenied(
            _(
                "Seuls les membres de l'organisation et l'animation de son territoire gèrent ses annonces."
            )
        )
    return listing


def get_contact_for_user(user: User | AnonymousUser, pk: int) -> ContactMessage:
    contact = get_object_or_404(
        ContactMessage.objects.select_related(
            "recipient", "sender_organisation", "listing", "about", "sender"
        ),
        pk=pk,
    )
    if not is_party_to(user, contact):
        raise PermissionDenied(_("Ce message ne se lit que par les personnes qu'il concerne."))
    return contact


def get_report_for_user(user: User | AnonymousUser, pk: int) -> NeedReport:
    report = get_object_or_404(NeedReport.objects.select_related("commune", "sector"), pk=pk)
    if not can_qualify(user, report):
        raise PermissionDenied(
            _("Seule l'animation du territoire de ce signalement peut le qualifier.")
        )
    return report


def contacts_of(user: User) -> QuerySet:
    """Messages a person sent, or received by their organisations (also those sent before they
    joined), and those confided to them as the animation of the recipient's territory."""
    forwarded = Q(
        delivery=ContactMessage.Delivery.ANIMATION,
        recipient__in=organisations_animated_by(user).values("pk"),
    )
    return (
        ContactMessage.objects.filter(
            Q(sender=user)
            | Q(recipient__memberships__user=user)
            | Q(sender_organisation__memberships__user=user)
            | forwarded
        )
        .distinct()
        .select_related("recipient", "sender_organisation", "listing", "deal")
    )


def cooperation_partners(organisation: Organisation) -> list[tuple[Organisation, str]]:
    """Organisations it has worked with, each once, newest first: (partner, its role).

    Confirmed cooperations only: one side's word is not shown on the other's profile."""
    seen, partners = set(), []
    deals = (
        Deal.objects.confirmed()
        .filter(Q(supplier=organisation) | Q(customer=organisation))
        .select_related("supplier", "customer")
    )
    for deal in deals:
        is_supplier = deal.supplier_id == organisation.pk
        partner = deal.customer if is_supplier else deal.supplier
        if partner.pk not in seen:
            seen.add(partner.pk)
            partners.append((partner, _("client") if is_supplier else _("fournisseur")))
    return partners


def cooperation_statistics() -> dict:
    """For the observatory: confirmed deals, and declared amounts (all parties are ESS organisations)."""
    totals = Deal.objects.confirmed().aggregate(count=Count("pk"), amount=Sum("amount"))
    by_departement = list(
        Deal.objects.confirmed()
        .values("customer__establishments__commune__departement_id")
        .annotate(count=Count("pk", distinct=True), amount=Sum("amount"))
        .order_by("customer__establishments__commune__departement_id")
    )
    return {"count": totals["count"], "amount": totals["amount"], "by_departement": by_departement}


def qualified_report_counts() -> list[dict]:
    """Qualified reports (not duplicates nor rejected) by sector × département, for the observatory."""
    excluded = [NeedReport.Status.RECEIVED, NeedReport.Status.DUPLICATE, NeedReport.Status.REJECTED]
    return list(
        NeedReport.objects.exclude(status__in=excluded)
        .filter(sector__isnull=False)
        .values("sector__name", "commune__departement_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "sector__name", "commune__departement_id")
    )
