"""Matching (B2): for a need, the ranked offers and organisations that can answer it; for an offer,
the ranked needs. One service for pages, API, needs reports and the benchmark.

Candidates come from the in-memory indexes when the worker has them (match_index.py for
listings, the directory's for organisations): every candidate is scored there, vectorised, and
the best are scored again here and explained. Otherwise they come from SQL with the directory's
geographic prefilter (H3 cells covering the circle and a latitude/longitude box, or the
territories listed) and the related sectors, in bounded circles. Either way `score_pair` gives
the final score and a short French explanation.
"""

import datetime
import functools
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from maillage.catalogue.match_index import current_index
from maillage.catalogue.models import ExchangeMode, Listing, ReservedMarket, Side, Status
from maillage.core.geo import box_around, cells_covering, haversine_km
from maillage.core.text import fold
from maillage.directory.models import (
    EssFamily,
    Establishment,
    Label,
    Organisation,
    OrganisationSector,
    Sector,
    StructureKind,
)
from maillage.directory.querysets import listing_limit
from maillage.directory.search.memory import current_index as directory_index
from maillage.territory.models import Commune

# Rows read from SQL at most; a need in a dense city still has few candidates once the sector
# and the circle apply, but the bound keeps the worst case flat.
CANDIDATE_LIMIT = 1000
ORGANISATION_CANDIDATE_LIMIT = 300
# Candidates are read in growing circles: once a circle holds CIRCLE_ENOUGH times the results
# wanted, farther rows are not read (distance weighs in every score; dense cities stay fast).
CIRCLES_KM = (3, 10, 30)
CIRCLE_ENOUGH = 3
# Without a radius of its own (territories only), distance counts on this scale.
DISTANCE_SCALE_KM = 100

EXACT, FAMILY, SIBLING = 3, 2, 1
SECTOR_POINTS = {EXACT: 40, FAMILY: 25, SIBLING: 15}
DISABILITY_KINDS = frozenset({"EA", "ESAT"})
# The offer modes each need accepts: a free offer suits every need.
ACCEPTED_MODES = {
    ExchangeMode.PRICED: {ExchangeMode.PRICED, ExchangeMode.FREE},
    ExchangeMode.FREE: {ExchangeMode.FREE},
    ExchangeMode.BARTER: {ExchangeMode.BARTER, ExchangeMode.FREE},
    ExchangeMode.TIME_BANK: {ExchangeMode.TIME_BANK, ExchangeMode.FREE},
}


@functools.lru_cache(maxsize=256)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def _(message: str) -> str:
    """gettext, remembered per language: explaining twenty results asks for ~120 messages, and
    Django's lookup costs more than the scoring itself."""
    return _translated(get_language(), message)


def _sector_text(relation: int) -> str:
    return {
        EXACT: _("même filière"),
        FAMILY: _("même famille de filières"),
        SIBLING: _("filière voisine"),
    }[relation]


@dataclass
class Party:
    """What scoring needs to know about one side: a listing, or a needs report."""

    side: str
    organisation_id: int | None
    latitude: float | None
    longitude: float | None
    commune_id: str | None = None
    epci_id: str | None = None
    departement_id: str | None = None
    radius_km: int | None = None
    area_communes: frozenset = frozenset()
    area_epcis: frozenset = frozenset()
    area_departements: frozenset = frozenset()
    sector_ids: frozenset = frozenset()
    kind: str = ""
    exchange_mode: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    available_from: datetime.date | None = None
    available_until: datetime.date | None = None
    price_on_quote: bool = False
    reserved_market: str = ""
    preferred_labels: frozenset = frozenset()
    preferred_families: frozenset = frozenset()
    listing_id: int | None = None
    has_area_list: bool = False

    def serves(
        self,
        latitude: float | None,
        longitude: float | None,
        distance: float | None,
        commune_id: str | None,
        epci_id: str | None,
        departement_id: str | None,
    ) -> bool:
        """Whether a place lies within this party's area served (radius or territories)."""
        if self.radius_km and distance is not None and distance <= self.radius_km:
            return True
        return bool(
            (commune_id and commune_id in self.area_communes)
            or (epci_id and epci_id in self.area_epcis)
            or (departement_id and departement_id in self.area_departements)
        )


@dataclass
class OrganisationFacts:
    kinds: frozenset
    family: str
    valid_until: datetime.date
    labels: frozenset = frozenset()


@dataclass
class Match:
    score: int
    distance_km: float | None
    reasons: list[str]
    organisation_id: int
    listing_id: int | None = None
    listing: Listing | None = None
    organisation: Organisation | None = None
    inputs: dict = field(default_factory=dict, repr=False)

    @property
    def explanation(self) -> str:
        return " · ".join(self.reasons)


@dataclass
class MatchResult:
    listings: list[Match] = field(default_factory=list)
    organisations: list[Match] = field(default_factory=list)


class SectorTree:
    """The two-level taxonomy in memory: which sectors relate to which, and how closely."""

    def __init__(self) -> None:
        rows = Sector.objects.values_list("id", "parent_id", "slug")
        self.parent: dict[int, int | None] = {pk: parent for pk, parent, _slug in rows}
        self.slug: dict[int, str] = {pk: slug for pk, _parent, slug in rows}
        self.children: dict[int, list[int]] = {}
        for sector_id, parent_id in self.parent.items():
            if parent_id:
                self.children.setdefault(parent_id, []).append(sector_id)

    def related(self, sector_ids) -> dict[int, int]:
        """Every sector related to the given ones, with the closest relation."""
        relations: dict[int, int] = {}

        def note(sector_id: int, relation: int) -> None:
            relations[sector_id] = max(relations.get(sector_id, 0), relation)

        for sector_id in sector_ids:
            note(sector_id, EXACT)
            for child in self.children.get(sector_id, []):
                note(child, FAMILY)
            parent = self.parent.get(sector_id)
            if parent:
                note(parent, FAMILY)
                for sibling in self.children.get(parent, []):
                    note(sibling, SIBLING)
        return relations


# The taxonomy and the SIAE kinds change rarely (animators, in the admin): read them at most once
# a minute per process rather than on every match.
_CACHE_SECONDS = 60
_cache: dict[str, tuple[float, object]] = {}


def _cached(key: str, build):
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is None or now - hit[0] > _CACHE_SECONDS:
        hit = (now, build())
        _cache[key] = hit
    return hit[1]


def sector_tree() -> SectorTree:
    return _cached("tree", SectorTree)


def siae_kinds() -> frozenset:
    return _cached(
        "siae",
        lambda: frozenset(
            StructureKind.objects.filter(is_siae=True).values_list("code", flat=True)
        ),
    )


def clear_caches() -> None:
    _cache.clear()


def party_of(listing: Listing) -> Party:
    """The facts of a saved listing, in a fixed number of queries."""
    areas = {
        "area_communes": frozenset(),
        "area_epcis": frozenset(),
        "area_departements": frozenset(),
    }
    if listing.has_area_list:
        areas = {
            "area_communes": frozenset(listing.area_communes.values_list("pk", flat=True)),
            "area_epcis": frozenset(listing.area_epcis.values_list("pk", flat=True)),
            "area_departements": frozenset(listing.area_departements.values_list("pk", flat=True)),
        }
    labels = frozenset()
    if listing.side == Side.NEED:
        labels = frozenset(listing.preferred_labels.values_list("pk", flat=True))
    return Party(
        side=listing.side,
        organisation_id=listing.organisation_id,
        latitude=listing.latitude,
        longitude=listing.longitude,
        commune_id=listing.commune_id,
        epci_id=listing.epci_id,
        departement_id=listing.departement_id,
        radius_km=listing.radius_km,
        sector_ids=frozenset(listing.sectors.values_list("pk", flat=True)),
        kind=listing.kind,
        exchange_mode=listing.exchange_mode,
        quantity=listing.quantity,
        unit=listing.unit,
        available_from=listing.available_from,
        available_until=listing.available_until,
        price_on_quote=listing.price_on_quote,
        reserved_market=listing.reserved_market,
        preferred_labels=labels,
        preferred_families=frozenset(listing.preferred_families or []),
        listing_id=listing.pk,
        **areas,
    )


def reserved_kinds(reserved_market: str) -> frozenset | None:
    """The structure kinds a reservation admits; None when the need reserves nothing."""
    if not reserved_market:
        return None
    siae = siae_kinds()
    return {
        ReservedMarket.DISABILITY: DISABILITY_KINDS,
        ReservedMarket.INSERTION: siae,
        ReservedMarket.INCLUSIVE: DISABILITY_KINDS | siae,
    }[reserved_market]


def _circles(source: Party, *, small: bool = True) -> list[float | None]:
    """Radii to look in, nearest first; [None] for the whole area (territories, or no point).
    Offers, fewer than organisations, skip the smallest circle (`small=False`)."""
    if (
        source.area_communes
        or source.area_epcis
        or source.area_departements
        or not source.radius_km
        or source.latitude is None
    ):
        return [None]
    radii = CIRCLES_KM if small else CIRCLES_KM[1:]
    return [r for r in radii if r < source.radius_km] + [source.radius_km]


def _area_filter(
    source: Party,
    prefix: str,
    *,
    commune: str,
    epci: str,
    departement: str,
    radius: float | None = None,
) -> Q | None:
    """Rows located within the source's area served: its circle (cells + box) or its territories;
    only the circle of `radius` when given."""
    conditions = Q(pk__in=[])
    found = False
    radius = radius or source.radius_km
    if radius and source.latitude is not None:
        box = box_around(source.latitude, source.longitude, radius)
        circle = Q(
            **{
                f"{prefix}latitude__range": (box.min_lat, box.max_lat),
                f"{prefix}longitude__range": (box.min_lon, box.max_lon),
            }
        )
        covering = cells_covering(source.latitude, source.longitude, radius)
        if covering:
            column, cells = covering
            circle &= Q(**{f"{prefix}{column}__in": cells})
        conditions |= circle
        found = True
    for values, lookup in (
        (source.area_communes, commune),
        (source.area_epcis, epci),
        (source.area_departements, departement),
    ):
        if values:
            conditions |= Q(**{f"{lookup}__in": sorted(values)})
            found = True
    return conditions if found else None


def _organisation_facts(organisation_ids, *, with_labels: bool) -> dict[int, OrganisationFacts]:
    ids = list(organisation_ids)
    kinds: dict[int, set] = {}
    for organisation_id, code in Organisation.kinds.through.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "structurekind_id"):
        kinds.setdefault(organisation_id, set()).add(code)
    labels: dict[int, set] = {}
    if with_labels:
        for organisation_id, label_id in Organisation.labels.through.objects.filter(
            organisation_id__in=ids
        ).values_list("organisation_id", "label_id"):
            labels.setdefault(organisation_id, set()).add(label_id)
    return {
        pk: OrganisationFacts(
            kinds=frozenset(kinds.get(pk, ())),
            family=family,
            valid_until=valid_until,
            labels=frozenset(labels.get(pk, ())),
        )
        # Profiles hidden from lists (expired past their grace period) are not proposed either.
        for pk, family, valid_until in Organisation.objects.published()
        .filter(pk__in=ids)
        .order_by()
        .values_list("id", "ess_family", "valid_until")
    }


def _when(start: datetime.date, today: datetime.date) -> str:
    if start <= today:
        return _("disponible dès maintenant")
    month = date_format(start, "F" if start.year == today.year else "F Y")
    return _("disponible en %(month)s") % {"month": month}


def _period(need: Party, offer: Party, today: datetime.date) -> tuple[bool, datetime.date | None]:
    """Whether the periods overlap, and from when (None when neither gave dates)."""
    if not (
        offer.available_from or offer.available_until or need.available_from or need.available_until
    ):
        return True, None
    start = max(d for d in (offer.available_from, need.available_from, today) if d)
    ends = [d for d in (offer.available_until, need.available_until) if d]
    if ends and min(ends) < start:
        return False, None
    return True, start


def _kind_reasons(kinds: frozenset, siae: frozenset) -> list[str]:
    reasons = []
    if kinds & siae:
        reasons.append(_("structure d'insertion"))
    if "EA" in kinds:
        reasons.append(_("entreprise adaptée"))
    if "ESAT" in kinds:
        reasons.append(_("ESAT"))
    return reasons


def score_pair(
    *,
    need: Party,
    offer: Party,
    relation: int,
    distance: float | None,
    facts: OrganisationFacts,
    siae: frozenset,
    today: datetime.date,
    scale_km: float,
    explain: bool = True,
) -> tuple[int, list[str]] | None:
    """Score an offer (or organisation, with an empty `offer.kind`) for a need; None if excluded.

    `facts` describe the answering side's organisation, whose qualities the need's preferences
    weigh. The reasons are written only with `explain` (the ranking scores first, then explains
    the results it keeps: translations cost more than the arithmetic).
    """
    overlaps, start = _period(need, offer, today)
    if not overlaps:
        return None
    score = SECTOR_POINTS[relation]
    reasons: list[str] = []
    if explain:
        reasons.append(_sector_text(relation))
    if distance is not None:
        score += 20 * max(0.0, 1 - distance / scale_km)
        if explain:
            reasons.append(_("moins d'1 km") if distance < 1 else f"{distance:.0f} km")
    if offer.kind and offer.kind == need.kind:
        score += 10
    if start:
        score += 6
        if explain:
            reasons.append(_when(start, today))
    if (
        offer.quantity is not None
        and need.quantity is not None
        and fold(offer.unit) == fold(need.unit)
    ):
        enough = offer.quantity >= need.quantity
        score += 8 if enough else 8 * float(offer.quantity / need.quantity)
        if explain and enough:
            reasons.append(_("capacité suffisante"))
        elif explain:
            reasons.append(
                _("capacité partielle : %(offer)s sur %(need)s %(unit)s")
                % {"offer": f"{offer.quantity:g}", "need": f"{need.quantity:g}", "unit": need.unit}
            )
    if offer.exchange_mode:
        compatible = offer.exchange_mode in ACCEPTED_MODES.get(
            need.exchange_mode, {offer.exchange_mode}
        )
        score += 6 if compatible else -10
        if explain:
            reasons.append(_mode_text(offer, compatible))
    shared_labels = need.preferred_labels & facts.labels
    if shared_labels:
        score += min(10, 5 * len(shared_labels))
        if explain:
            reasons.append(_("label apprécié"))
    if facts.family and facts.family in need.preferred_families:
        score += 5
        if explain:
            reasons.append(str(EssFamily(facts.family).label).lower())
    if need.reserved_market and facts.kinds & (siae | DISABILITY_KINDS):
        score += 5
    if explain:
        reasons.extend(_kind_reasons(facts.kinds, siae))
    if facts.valid_until >= today:
        score += 5
    elif explain:
        reasons.append(_("fiche à vérifier"))
    return round(score), reasons


def _mode_text(offer: Party, compatible: bool) -> str:
    mode = str(ExchangeMode(offer.exchange_mode).label).lower()
    if not compatible:
        return _("autre mode d'échange (%(mode)s)") % {"mode": mode}
    if offer.exchange_mode == ExchangeMode.PRICED:
        return _("sur devis") if offer.price_on_quote else _("payant")
    return mode


LISTING_COLUMNS = (
    "listing_id",
    "sector_id",
    "listing__organisation_id",
    "listing__latitude",
    "listing__longitude",
    "listing__commune_id",
    "listing__epci_id",
    "listing__departement_id",
    "listing__radius_km",
    "listing__has_area_list",
    "listing__kind",
    "listing__exchange_mode",
    "listing__quantity",
    "listing__unit",
    "listing__available_from",
    "listing__available_until",
    "listing__price_on_quote",
    "listing__reserved_market",
    "listing__preferred_families",
)


def _kinds_exist(admitted, column: str) -> Exists:
    return Exists(
        Organisation.kinds.through.objects.filter(
            organisation_id=OuterRef(column), structurekind_id__in=sorted(admitted)
        )
    )


def _candidate_rows(
    source: Party,
    target_side: str,
    relations: dict[int, int],
    admitted,
    limit: int,
    among: Q | None = None,
) -> list[tuple]:
    """Rows (listing, sector, facts…) of open listings of the other side in the source's area
    and related sectors, nearest circles first; only those `among` when given (in one pass)."""
    rows = []
    columns = LISTING_COLUMNS if target_side == Side.NEED else LISTING_COLUMNS[:-1]
    for radius in [None] if among is not None else _circles(source, small=False):
        area = _area_filter(
            source,
            "listing__",
            commune="listing__commune_id",
            epci="listing__epci_id",
            departement="listing__departement_id",
            radius=radius,
        )
        if area is None:
            return []
        query = Listing.sectors.through.objects.filter(
            area,
            sector_id__in=list(relations),
            listing__side=target_side,
            listing__status=Status.OPEN,
            listing__expires_on__gte=timezone.localdate(),
        )
        if source.organisation_id:
            query = query.exclude(listing__organisation_id=source.organisation_id)
        if among is not None:
            query = query.filter(among)
        if admitted is not None:
            query = query.filter(_kinds_exist(admitted, "listing__organisation_id"))
        rows = list(query.values_list(*columns)[:CANDIDATE_LIMIT])
        if len({row[0] for row in rows}) >= CIRCLE_ENOUGH * limit:
            break
    return rows


def _candidate_parties(
    source: Party,
    target_side: str,
    relations: dict[int, int],
    admitted,
    limit: int = 20,
    among: Q | None = None,
):
    """Open listings of the other side within the source's area and related sectors."""
    if not relations:
        return {}
    rows = _candidate_rows(source, target_side, relations, admitted, limit, among)
    parties: dict[int, tuple[Party, int]] = {}
    for row in rows:
        listing_id, sector_id = row[0], row[1]
        relation = relations[sector_id]
        if listing_id in parties:
            party, best = parties[listing_id]
            parties[listing_id] = (party, max(best, relation))
            continue
        party = Party(
            side=target_side,
            organisation_id=row[2],
            latitude=row[3],
            longitude=row[4],
            commune_id=row[5],
            epci_id=row[6],
            departement_id=row[7],
            radius_km=row[8],
            kind=row[10],
            exchange_mode=row[11],
            quantity=row[12],
            unit=row[13],
            available_from=row[14],
            available_until=row[15],
            price_on_quote=row[16],
            reserved_market=row[17],
            preferred_families=frozenset(row[18] or []) if len(row) > 18 else frozenset(),
            listing_id=listing_id,
            has_area_list=row[9],
        )
        parties[listing_id] = (party, relation)
    _load_areas([party for party, _relation in parties.values() if party.has_area_list])
    if target_side == Side.NEED:
        _load_preferred_labels([party for party, _relation in parties.values()])
    return parties


def _load_areas(parties: list[Party]) -> None:
    if not parties:
        return
    by_id = {party.listing_id: party for party in parties}
    found: dict[str, dict[int, set]] = {"c": {}, "e": {}, "d": {}}
    for key, through, column in (
        ("c", Listing.area_communes.through, "commune_id"),
        ("e", Listing.area_epcis.through, "epci_id"),
        ("d", Listing.area_departements.through, "departement_id"),
    ):
        for listing_id, value in through.objects.filter(listing_id__in=list(by_id)).values_list(
            "listing_id", column
        ):
            found[key].setdefault(listing_id, set()).add(value)
    for listing_id, party in by_id.items():
        party.area_communes = frozenset(found["c"].get(listing_id, ()))
        party.area_epcis = frozenset(found["e"].get(listing_id, ()))
        party.area_departements = frozenset(found["d"].get(listing_id, ()))


def _load_preferred_labels(parties: list[Party]) -> None:
    by_id = {party.listing_id: party for party in parties}
    labels: dict[int, set] = {}
    for listing_id, label_id in Listing.preferred_labels.through.objects.filter(
        listing_id__in=list(by_id)
    ).values_list("listing_id", "label_id"):
        labels.setdefault(listing_id, set()).add(label_id)
    for listing_id, party in by_id.items():
        party.preferred_labels = frozenset(labels.get(listing_id, ()))


def _distance(a: Party, b: Party) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def _serves(party: Party, other: Party, distance: float | None) -> bool:
    return party.serves(
        other.latitude,
        other.longitude,
        distance,
        other.commune_id,
        other.epci_id,
        other.departement_id,
    )


def _sort(matches: list[Match]) -> list[Match]:
    far = float("inf")
    return sorted(
        matches,
        key=lambda m: (
            -m.score,
            m.distance_km if m.distance_km is not None else far,
            m.listing_id or 0,
            m.organisation_id,
        ),
    )


def match_party(source: Party, *, limit: int = 20, tree: SectorTree | None = None) -> list[Match]:
    """Ranked listings of the other side for a need or an offer (without model instances)."""
    tree = tree or sector_tree()
    relations = tree.related(source.sector_ids)
    target_side = Side.OFFER if source.side == Side.NEED else Side.NEED
    admitted = reserved_kinds(source.reserved_market) if source.side == Side.NEED else None
    siae = siae_kinds()
    with_labels = bool(source.preferred_labels) or target_side == Side.NEED
    index = current_index() if relations else None
    facts: dict[int, OrganisationFacts] = {}
    if index is None:
        candidates = _candidate_parties(source, target_side, relations, admitted, limit)
    else:
        candidates, facts = _best_in_index(index, source, relations, admitted, siae, limit)
    if not candidates:
        return []
    organisation_ids = {party.organisation_id for party, _relation in candidates.values()}
    if source.side == Side.OFFER and source.organisation_id:  # its facts weigh for the needs
        organisation_ids.add(source.organisation_id)
    if organisation_ids - set(facts):
        facts.update(_organisation_facts(organisation_ids - set(facts), with_labels=with_labels))
    today = timezone.localdate()
    matches = []
    for party, relation in candidates.values():
        distance = _distance(source, party)
        if not _serves(source, party, distance) or not _serves(party, source, distance):
            continue
        need, offer = (source, party) if source.side == Side.NEED else (party, source)
        offer_facts = facts.get(offer.organisation_id)
        if offer_facts is None:
            continue
        if source.side == Side.OFFER:
            admitted_kinds = reserved_kinds(need.reserved_market)
            if admitted_kinds is not None and not (offer_facts.kinds & admitted_kinds):
                continue
        inputs = {
            "need": need,
            "offer": offer,
            "relation": relation,
            "distance": distance,
            "facts": offer_facts,
            "siae": siae,
            "today": today,
            "scale_km": need.radius_km or DISTANCE_SCALE_KM,
        }
        match = _scored(inputs, party.organisation_id, party.listing_id)
        if match is not None:
            matches.append(match)
    return _explained(_sort(matches)[:limit])


def _best_in_index(index, source: Party, relations, admitted, siae, limit: int) -> tuple:
    """The index's best listings for the source with their organisations' facts, and every
    listing of the organisations changed since its build, read from the database."""
    offer_facts = None
    if source.side == Side.OFFER and source.organisation_id:
        offer_facts = _organisation_facts([source.organisation_id], with_labels=True).get(
            source.organisation_id
        )
    # Twice the page: the index's float arithmetic may order near-ties differently.
    best = index.best(
        source, relations, admitted=admitted, siae=siae, offer_facts=offer_facts, count=2 * limit
    )
    candidates = {party.listing_id: (party, relation) for party, relation, _facts in best}
    facts = {party.organisation_id: facts for party, _relation, facts in best}
    if offer_facts is not None:
        facts[source.organisation_id] = offer_facts
    if index.pending:
        target_side = Side.OFFER if source.side == Side.NEED else Side.NEED
        changed = Q(listing__organisation_id__in=index.pending)
        candidates.update(
            _candidate_parties(source, target_side, relations, admitted, limit, among=changed)
        )
    return candidates, facts


def _nearest_places(need: Party, establishments) -> dict[int, tuple[float | None, Party]]:
    """Each organisation once, at its establishment nearest to the need, within its area."""
    nearest: dict[int, tuple[float | None, Party]] = {}
    rows = establishments.values_list(
        "organisation_id",
        "latitude",
        "longitude",
        "commune_id",
        "commune__epci_id",
        "commune__departement_id",
    )[:ORGANISATION_CANDIDATE_LIMIT]
    for organisation_id, lat, lon, commune_id, epci_id, departement_id in rows:
        place = Party(
            side=Side.OFFER,
            organisation_id=organisation_id,
            latitude=lat,
            longitude=lon,
            commune_id=commune_id,
            epci_id=epci_id,
            departement_id=departement_id,
        )
        distance = _distance(need, place)
        if not _serves(need, place, distance):
            continue
        known = nearest.get(organisation_id)
        if known is None or (distance is not None and (known[0] is None or distance < known[0])):
            nearest[organisation_id] = (distance, place)
    return nearest


def _with_communes(need: Party) -> Party:
    """The need with its listed EPCI and départements spelled out as communes: establishments
    are indexed by commune, and a join to filter them by territory would read them all."""
    if not (need.area_epcis or need.area_departements):
        return need
    communes = set(need.area_communes) | set(
        Commune.objects.filter(
            Q(epci_id__in=sorted(need.area_epcis))
            | Q(departement_id__in=sorted(need.area_departements))
        ).values_list("pk", flat=True)
    )
    return replace(
        need,
        area_communes=frozenset(communes),
        area_epcis=frozenset(),
        area_departements=frozenset(),
    )


# An organisation's place as the other side of a need: no period, kind, mode or quantity.
_UNDATED = Party(side=Side.OFFER, organisation_id=None, latitude=None, longitude=None)


def _nearest_in_database(
    need: Party, relations: dict[int, int], excluded: set[int], admitted, limit: int, among=None
) -> dict[int, tuple[float | None, Party]]:
    """Organisations of a related sector with an establishment in the need's area, from SQL in
    growing circles (bounded); only those `among` (ids) when given, in one pass."""
    in_sectors = Exists(
        OrganisationSector.objects.filter(
            organisation_id=OuterRef("organisation_id"), sector_id__in=list(relations)
        )
    )
    nearest: dict[int, tuple[float | None, Party]] = {}
    for radius in [None] if among is not None else _circles(need):
        area = _area_filter(
            _with_communes(need),
            "",
            commune="commune_id",
            epci="commune__epci_id",
            departement="commune__departement_id",
            radius=radius,
        )
        if area is None:
            return {}
        establishments = (
            Establishment.objects.filter(area)
            .filter(in_sectors)
            .exclude(organisation_id__in=sorted(excluded))
            .order_by()  # the model's ordering would sort every row of the circle
        )
        if among is not None:
            establishments = establishments.filter(organisation_id__in=among)
        if admitted is not None:
            establishments = establishments.filter(_kinds_exist(admitted, "organisation_id"))
        nearest = _nearest_places(need, establishments)
        if len(nearest) >= CIRCLE_ENOUGH * limit:
            break
    return nearest


def _nearest_in_index(
    index, need: Party, relations: dict[int, int], excluded: set[int], admitted, count: int
) -> dict[int, tuple[float | None, Party]]:
    """The same from the directory's in-memory index, exactly: every published organisation of
    a related sector with an establishment in the area is scored (the rules of score_pair for an
    organisation without a listing), and the `count` best are returned with their nearest
    establishment."""
    today = timezone.localdate()
    overlaps, start = _period(need, _UNDATED, today)  # organisations give no period
    if not overlaps:
        return {}
    tree = sector_tree()
    relation = np.zeros(index.size, dtype=np.int8)
    for sector_id, closeness in sorted(relations.items(), key=lambda item: item[1]):
        relation[index.sectors.positions_having(tree.slug.get(sector_id, ""))] = closeness
    # Establishments within the circle, or in the listed territories, of a related sector.
    in_area = np.zeros(len(index.est_ids), dtype=bool)
    near = None if None in (need.latitude, need.longitude) else (need.latitude, need.longitude)
    if need.radius_km and near:
        in_area[index.within(near, need.radius_km)[0]] = True
    listed = _with_communes(need).area_communes
    if listed:
        in_area[index.establishments_in(listed)] = True
    establishments = np.flatnonzero(in_area)
    organisations = index.est_position[establishments]
    related = relation[organisations] > 0
    establishments, organisations = establishments[related], organisations[related]
    distances = index.distances_from(establishments, near)
    far = np.where(np.isnan(distances), np.inf, distances)  # sorts without a point last
    hidden_before = listing_limit(today)
    keep = index.valid_until[organisations] >= hidden_before.toordinal()
    if index.settled is not None:
        keep &= index.settled[organisations]
    keep &= ~np.isin(organisations, index.positions_of(sorted(excluded)))
    if admitted is not None:
        keep &= index.kinds.counts_among(organisations, admitted) > 0
    if not keep.any():
        return {}
    # Each organisation once, at its nearest establishment.
    nearest_first = np.flatnonzero(keep)[np.lexsort((far[keep], organisations[keep]))]
    in_order = organisations[nearest_first]
    chosen = nearest_first[np.flatnonzero(np.r_[True, in_order[1:] != in_order[:-1]])]
    establishments, distances, far, organisations = (
        establishments[chosen],
        distances[chosen],
        far[chosen],
        organisations[chosen],
    )
    scale = need.radius_km or DISTANCE_SCALE_KM
    points = np.array([0, *(SECTOR_POINTS[r] for r in (SIBLING, FAMILY, EXACT))], dtype=float)
    score = points[relation[organisations]]
    score += np.where(np.isnan(distances), 0.0, 20 * np.maximum(0.0, 1 - distances / scale))
    if start:
        score += 6
    if need.preferred_labels:
        slugs = set(
            Label.objects.filter(pk__in=need.preferred_labels).values_list("slug", flat=True)
        )
        score += np.minimum(10, 5 * index.labels.counts_among(organisations, slugs))
    if need.preferred_families:
        score += 5 * (index.families.counts_among(organisations, need.preferred_families) > 0)
    if need.reserved_market:
        inclusive = siae_kinds() | DISABILITY_KINDS
        score += 5 * (index.kinds.counts_among(organisations, inclusive) > 0)
    score += np.where(index.valid_until[organisations] >= today.toordinal(), 5, 0)
    ids = index.ids[organisations]
    best = np.lexsort((ids, far, -np.round(score)))[:count]
    nearest = {}
    for i in best:
        latitude, longitude, commune = index.establishment_place(int(establishments[i]))
        place = Party(
            side=Side.OFFER,
            organisation_id=int(ids[i]),
            latitude=latitude,
            longitude=longitude,
            commune_id=commune,
        )
        nearest[int(ids[i])] = (None if np.isnan(distances[i]) else float(distances[i]), place)
    return nearest


def match_organisations(
    need: Party, *, limit: int = 10, exclude: set[int] | None = None, tree: SectorTree | None = None
) -> list[Match]:
    """Published organisations of a related sector located within the need's area."""
    tree = tree or sector_tree()
    relations = tree.related(need.sector_ids)
    if not relations:
        return []
    excluded = set(exclude or ())
    if need.organisation_id:
        excluded.add(need.organisation_id)
    admitted = reserved_kinds(need.reserved_market)
    index = directory_index()
    if index is None:
        nearest = _nearest_in_database(need, relations, excluded, admitted, limit)
    else:
        # Twice the page: the index's float arithmetic may order near-ties differently.
        nearest = _nearest_in_index(index, need, relations, excluded, admitted, 2 * limit)
        if index.pending:
            nearest.update(
                _nearest_in_database(
                    need, relations, excluded, admitted, limit, among=index.pending
                )
            )
    if not nearest:
        return []
    sector_links: dict[int, int] = {}
    for organisation_id, sector_id in OrganisationSector.objects.filter(
        organisation_id__in=list(nearest), sector_id__in=list(relations)
    ).values_list("organisation_id", "sector_id"):
        sector_links[organisation_id] = max(
            sector_links.get(organisation_id, 0), relations[sector_id]
        )
    facts = _organisation_facts(nearest, with_labels=bool(need.preferred_labels))
    siae = siae_kinds()
    today = timezone.localdate()
    matches = []
    for organisation_id, (distance, place) in nearest.items():
        if organisation_id not in facts or organisation_id not in sector_links:
            continue
        inputs = {
            "need": need,
            "offer": place,
            "relation": sector_links[organisation_id],
            "distance": distance,
            "facts": facts[organisation_id],
            "siae": siae,
            "today": today,
            "scale_km": need.radius_km or DISTANCE_SCALE_KM,
        }
        match = _scored(inputs, organisation_id)
        if match is not None:
            matches.append(match)
    return _explained(_sort(matches)[:limit])


def _scored(inputs: dict, organisation_id: int, listing_id: int | None = None) -> Match | None:
    """A match scored without its explanation (written only for the results kept), or None
    when the pair is excluded."""
    scored = score_pair(**inputs, explain=False)
    if scored is None:
        return None
    return Match(
        score=scored[0],
        distance_km=inputs["distance"],
        reasons=[],
        organisation_id=organisation_id,
        listing_id=listing_id,
        inputs=inputs,
    )


def _explained(matches: list[Match]) -> list[Match]:
    """Write the reasons of the results kept (scored first without them)."""
    for match in matches:
        match.reasons = score_pair(**match.inputs, explain=True)[1]
    return matches


def _attach(matches: list[Match]) -> None:
    """Model instances for display, fetched in two queries."""
    listings = Listing.objects.in_bulk([m.listing_id for m in matches if m.listing_id])
    organisations = (
        Organisation.objects.filter(pk__in={m.organisation_id for m in matches})
        .prefetch_related("kinds")
        .in_bulk()
    )
    for match in matches:
        match.listing = listings.get(match.listing_id) if match.listing_id else None
        match.organisation = organisations.get(match.organisation_id)


def matches_for(listing: Listing, *, limit: int = 20, organisations: int = 10) -> MatchResult:
    """What pages and the API show: ranked listings, and for a need also organisations without an
    offer that could answer it. A listing that is no longer open matches nothing."""
    if not listing.is_open:
        return MatchResult()
    tree = sector_tree()
    party = party_of(listing)
    result = MatchResult(listings=match_party(party, limit=limit, tree=tree))
    if listing.side == Side.NEED and organisations:
        result.organisations = match_organisations(
            party,
            limit=organisations,
            exclude={m.organisation_id for m in result.listings},
            tree=tree,
        )
    _attach(result.listings + result.organisations)
    return result
