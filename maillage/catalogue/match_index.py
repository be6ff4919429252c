"""The open listings held in memory as arrays, so that matching scores every candidate exactly.

Reading a need's candidates through SQL cost 20–90 ms at 200,000 open offers, and had to stop
at a bound (growing circles, at most 1,000 rows), so a farther offer with many bonuses could be
missed. These arrays score every open listing of a related sector within the area, in numpy,
with the rules of `matching.score_pair`; the database then gives the few listings kept, which
`matching` scores again in Python and explains.

Freshness follows the directory's index (directory/search/memory.py). The index is tagged with
the catalogue version (bumped on commit by every listing write, see `catalogue_changed`) and
the directory version (organisation writes, logged in SearchChange). Behind either, it catches
up: the organisations whose listings or profile changed since the build are left out of the
arrays, and matching reads their listings from the database. A thread rebuilds it now and then
(a few seconds at 200,000 offers), at once after a bulk change.
"""

import copy
import datetime
import itertools
import time

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maillage.catalogue.models import ExchangeMode, Listing, ReservedMarket, Side
from maillage.core.geo import haversine_km_many
from maillage.core.snapshots import SnapshotKeeper
from maillage.core.text import fold
from maillage.directory.models import EssFamily, Organisation, StructureKind
from maillage.directory.querysets import listing_limit
from maillage.directory.search.cache import bump, directory_version, version_of
from maillage.directory.search.changes import (
    CHANGE_LOG_SLACK,
    last_change_line,
    organisations_changed_since,
)

VERSION_KEY = "catalogue:version"
# Organisations whose listings are read from the database rather than rebuilding: past this
# many, the database answers alone until the rebuild.
MAX_PENDING = 2000
REBUILD_AFTER_SECONDS = 120
MAX_CATCH_UP_AGE = datetime.timedelta(hours=12)
FAR = np.inf
BUILD_CHUNK = 20_000


# -- versions ----------------------------------------------------------------------------------


def catalogue_version() -> int:
    return version_of(VERSION_KEY)


def catalogue_changed(*, bulk: bool = False) -> None:
    """Call in the transaction of any listing write; `bulk`: too many to catch up with (imports,
    demo data), the indexes rebuild. Listing.save and its relations call it (apps.py)."""
    transaction.on_commit(lambda: bump(VERSION_KEY, by=MAX_PENDING + 1 if bulk else 1))


# -- codes -------------------------------------------------------------------------------------


class Codes(dict):
    """Small integers for strings (territories, units…), assigned on first sight; -1 for a
    string never seen (it equals no array value)."""

    def add(self, value) -> int:
        if value is None:
            return -1
        return self.setdefault(value, len(self))

    def of(self, value) -> int:
        return self.get(value, -1) if value is not None else -1


KINDS = Codes()
MODES = Codes()
for _mode in ExchangeMode.values:
    MODES.add(_mode)
FAMILIES = Codes()
for _family in EssFamily.values:
    FAMILIES.add(_family)
RESERVED = Codes({"": 0})
for _reserved in ReservedMarket.values:
    RESERVED.add(_reserved)


def _compatible_modes() -> np.ndarray:
    """compatible[need mode, offer mode], with a last row and column for an unknown mode (-1)."""
    from maillage.catalogue.matching import ACCEPTED_MODES

    size = len(MODES) + 1
    compatible = np.ones((size, size), dtype=bool)
    for need_mode, accepted in ACCEPTED_MODES.items():
        row = MODES.of(need_mode)
        compatible[row, :-1] = False
        for offer_mode in accepted:
            compatible[row, MODES.of(offer_mode)] = True
        compatible[row, -1] = False
    return compatible


def _bits(codes: Codes, values) -> int:
    mask = 0
    for value in values:
        if value in codes:
            mask |= 1 << codes[value]
    return mask


def _ordinal(day: datetime.date | None) -> int:
    return day.toordinal() if day else 0


# -- one side's arrays -------------------------------------------------------------------------


COLUMNS = (
    "id",
    "organisation_id",
    "latitude",
    "longitude",
    "commune_id",
    "epci_id",
    "departement_id",
    "radius_km",
    "kind",
    "exchange_mode",
    "quantity",
    "unit",
    "available_from",
    "available_until",
    "reserved_market",
    "preferred_families",
    "expires_on",
    "organisation__is_published",
    "organisation__valid_until",
    "organisation__ess_family",
    "price_on_quote",
)


class SideArrays:
    """The open listings of one side (offers or needs), in id order."""

    def __init__(self, side: str, territories: Codes, units: Codes, kind_bits: Codes) -> None:
        self.side = side
        # Exact values for the few listings kept (explanations print them as typed).
        self.measured: dict[int, tuple] = {}
        query = Listing.objects.filter(side=side).open().order_by("pk").values_list(*COLUMNS)
        rows, parts, position = query.iterator(chunk_size=BUILD_CHUNK), [], 0
        # Converted a chunk at a time: 200,000 rows of Python objects would cost ten times the
        # arrays' memory during the build.
        while chunk := list(itertools.islice(rows, BUILD_CHUNK)):
            parts.append(self._converted(chunk, position, territories, units))
            position += len(chunk)
        parts = parts or [self._converted([], 0, territories, units)]
        for name in parts[0]:
            setattr(self, name, np.concatenate([part[name] for part in parts]))
        open_listings = Listing.objects.filter(side=side).open()
        self._load_sectors(open_listings)
        self._load_areas(open_listings, territories)
        self._load_organisations(kind_bits)
        self.preferred_labels: dict[int, frozenset] = {}
        if side == Side.NEED:
            pairs = Listing.preferred_labels.through.objects.filter(listing__in=open_listings)
            for position, label_ids in self._grouped(pairs.values_list("listing_id", "label_id")):
                self.preferred_labels[position] = frozenset(label_ids)
        self.has_preferred_labels = np.zeros(len(self.ids), dtype=bool)
        self.has_preferred_labels[list(self.preferred_labels)] = True

    def _converted(
        self, rows: list[tuple], first: int, territories: Codes, units: Codes
    ) -> dict[str, np.ndarray]:
        values = zip(*rows, strict=True) if rows else [()] * len(COLUMNS)
        column = dict(zip(COLUMNS, values, strict=True))
        for offset, quantity in enumerate(column["quantity"]):
            if quantity is not None:
                self.measured[first + offset] = (quantity, column["unit"][offset])
        return {
            "ids": np.array(column["id"], dtype=np.int64),
            "organisation": np.array(column["organisation_id"], dtype=np.int64),
            "latitude": np.array(column["latitude"], dtype=np.float64),  # None → NaN
            "longitude": np.array(column["longitude"], dtype=np.float64),
            "commune": np.array([territories.add(c) for c in column["commune_id"]], np.int32),
            "epci": np.array([territories.add(e) for e in column["epci_id"]], np.int32),
            "departement": np.array(
                [territories.add(d) for d in column["departement_id"]], np.int32
            ),
            "radius": np.array([r or 0 for r in column["radius_km"]], dtype=np.float64),
            "kind": np.array([KINDS.add(k) for k in column["kind"]], dtype=np.int16),
            "mode": np.array([MODES.of(m) for m in column["exchange_mode"]], dtype=np.int16),
            "quantity": np.array([float(q) if q else np.nan for q in column["quantity"]]),
            "unit": np.array([units.add(fold(u or "")) for u in column["unit"]], np.int32),
            "start": np.array([_ordinal(d) for d in column["available_from"]], np.int32),
            "end": np.array([_ordinal(d) for d in column["available_until"]], np.int32),
            "expires": np.array([_ordinal(d) for d in column["expires_on"]], np.int32),
            "reserved": np.array([RESERVED.of(r) for r in column["reserved_market"]], np.int16),
            "families_wanted": np.array(
                [_bits(FAMILIES, f or ()) for f in column["preferred_families"]], np.int64
            ),
            "published": np.array(column["organisation__is_published"], dtype=bool),
            "valid_until": np.array(
                [_ordinal(d) for d in column["organisation__valid_until"]], np.int32
            ),
            "family": np.array(
                [FAMILIES.of(f or None) for f in column["organisation__ess_family"]], np.int16
            ),
            "price_on_quote": np.array(column["price_on_quote"], dtype=bool),
        }

    def _grouped(self, pairs) -> list[tuple[int, list]]:
        """(listing id, value) pairs as (position, values), for the listings in the arrays."""
        by_listing: dict[int, list] = {}
        for listing_id, value in pairs:
            by_listing.setdefault(listing_id, []).append(value)
        if not by_listing:
            return []
        listing_ids = np.fromiter(by_listing, dtype=np.int64, count=len(by_listing))
        positions = np.searchsorted(self.ids, listing_ids)
        found = positions < len(self.ids)
        found[found] &= self.ids[positions[found]] == listing_ids[found]
        return [
            (int(position), by_listing[int(listing_id)])
            for position, listing_id in zip(positions[found], listing_ids[found], strict=True)
        ]

    def _load_sectors(self, open_listings) -> None:
        """Positions of the listings of each sector."""
        pairs = Listing.sectors.through.objects.filter(listing__in=open_listings).values_list(
            "sector_id", "listing_id"
        )
        by_sector: dict[int, list[int]] = {}
        for position, sector_ids in self._grouped((listing, s) for s, listing in pairs):
            for sector_id in sector_ids:
                by_sector.setdefault(sector_id, []).append(position)
        self.by_sector = {s: np.array(p, dtype=np.int64) for s, p in by_sector.items()}

    def _load_areas(self, open_listings, territories: Codes) -> None:
        """Positions of the listings serving each listed territory."""
        serving: dict[int, list[int]] = {}
        self.areas: dict[int, dict[str, frozenset]] = {}
        listed = open_listings.filter(has_area_list=True)
        for relation, column, name in (
            (Listing.area_communes, "commune_id", "area_communes"),
            (Listing.area_epcis, "epci_id", "area_epcis"),
            (Listing.area_departements, "departement_id", "area_departements"),
        ):
            pairs = relation.through.objects.filter(listing__in=listed).values_list(
                "listing_id", column
            )
            for position, codes in self._grouped(pairs):
                self.areas.setdefault(position, {})[name] = frozenset(codes)
                for code in codes:
                    serving.setdefault(territories.add(code), []).append(position)
        self.serving = {code: np.array(p, dtype=np.int64) for code, p in serving.items()}

    def _load_organisations(self, kind_bits: Codes) -> None:
        """The structure kinds of each listing's organisation as bits, and who has labels."""
        organisations = np.unique(self.organisation)
        listed = Q(
            organisation_id__in=Listing.objects.filter(side=self.side)
            .open()
            .values("organisation_id")
        )
        kinds: dict[int, int] = {}
        for organisation_id, code in Organisation.kinds.through.objects.filter(listed).values_list(
            "organisation_id", "structurekind_id"
        ):
            kinds[organisation_id] = kinds.get(organisation_id, 0) | (1 << kind_bits.of(code))
        by_organisation: dict[int, set] = {}
        for organisation_id, label_id in Organisation.labels.through.objects.filter(
            listed
        ).values_list("organisation_id", "label_id"):
            by_organisation.setdefault(organisation_id, set()).add(label_id)
        self.labels: dict[int, frozenset] = {
            pk: frozenset(labels) for pk, labels in by_organisation.items()
        }
        kind_of = np.array([kinds.get(int(pk), 0) for pk in organisations], dtype=np.int64)
        at = np.searchsorted(organisations, self.organisation)
        self.kinds = kind_of[at] if len(organisations) else np.zeros(0, dtype=np.int64)
        self.has_labels = np.isin(
            self.organisation, np.fromiter(self.labels, dtype=np.int64, count=len(self.labels))
        )

    def __len__(self) -> int:
        return len(self.ids)


class CatalogueIndex:
    """Both sides' open listings, tagged with the versions they reflect."""

    def __init__(self) -> None:
        started = time.perf_counter()
        # Read first: a write during the build is then caught up with, or makes it stale.
        self.versions = (catalogue_version(), directory_version())
        self.built_at = timezone.now()
        self.last_change = last_change_line()
        self.territories, self.units = Codes(), Codes({"": 0})
        self.kind_bits = Codes()
        for code in StructureKind.objects.order_by("code").values_list("code", flat=True):
            self.kind_bits.add(code)
        if len(self.kind_bits) > 62:
            raise ValueError("More than 62 structure kinds: widen the kinds bit mask.")
        self.sides = {
            side: SideArrays(side, self.territories, self.units, self.kind_bits)
            for side in (Side.OFFER, Side.NEED)
        }
        self.compatible = _compatible_modes()
        self.names = {  # code → string, to rebuild the listings kept
            name: {code: value for value, code in codes.items()}
            for name, codes in (
                ("territories", self.territories),
                ("kinds", KINDS),
                ("modes", MODES),
                ("reserved", RESERVED),
                ("families", FAMILIES),
                ("kind_bits", self.kind_bits),
            )
        }
        # Organisations changed since the build: left out of the arrays, read from the database.
        self.pending: list[int] = []
        self.settled = {side: None for side in self.sides}
        self.built_in_seconds = time.perf_counter() - started

    # -- catching up -----------------------------------------------------------------------------

    def caught_up(self, versions: tuple) -> "CatalogueIndex | None":
        """A copy sharing the arrays that leaves out the organisations changed since the build;
        None when it cannot (a bulk change, too many changes, a cleared cache, too old)."""
        (catalogue, directory), (built_catalogue, built_directory) = versions, self.versions
        if not (
            built_catalogue <= catalogue <= built_catalogue + MAX_PENDING
            and built_directory <= directory <= built_directory + MAX_PENDING
        ):
            return None
        if timezone.now() - self.built_at > MAX_CATCH_UP_AGE:
            return None
        pending = set()
        if directory != built_directory:
            changed = organisations_changed_since(self.last_change, self.built_at)
            if changed is None:
                return None
            pending.update(changed)
        if catalogue != built_catalogue:
            pending.update(
                Listing.objects.filter(updated_at__gte=self.built_at - CHANGE_LOG_SLACK)
                .order_by()
                .values_list("organisation_id", flat=True)
                .distinct()
            )
        if len(pending) > MAX_PENDING:
            return None
        index = copy.copy(self)
        index.versions, index.pending = versions, sorted(pending)
        changed_ids = np.asarray(index.pending, dtype=np.int64)
        index.settled = {
            side: ~np.isin(arrays.organisation, changed_ids) for side, arrays in self.sides.items()
        }
        return index

    def due_for_rebuild(self) -> bool:
        age = (timezone.now() - self.built_at).total_seconds()
        return bool(self.pending) and age >= max(REBUILD_AFTER_SECONDS, 10 * self.built_in_seconds)

    def __str__(self) -> str:
        return ", ".join(f"{len(arrays)} open {side}s" for side, arrays in self.sides.items())

    # -- matching -------------------------------------------------------------------------------

    def best(
        self,
        source,
        relations: dict[int, int],
        *,
        admitted,
        siae: frozenset,
        offer_facts,
        count: int,
    ) -> list[tuple]:
        """The `count` best listings of the other side for `source` (a matching.Party), as
        (Party, relation, organisation facts), scored with matching.score_pair's rules;
        `admitted`: the structure kinds a need's reservation admits (None: no reservation);
        `offer_facts`: the source offer's organisation facts (matching.OrganisationFacts), None
        for a need."""
        from maillage.catalogue.matching import (
            DISABILITY_KINDS,
            DISTANCE_SCALE_KM,
            EXACT,
            FAMILY,
            SECTOR_POINTS,
            SIBLING,
            reserved_kinds,
        )

        target = self.sides[Side.OFFER if source.side == Side.NEED else Side.NEED]
        today = timezone.localdate()
        relation = np.zeros(len(target), dtype=np.int8)
        for sector_id, closeness in sorted(relations.items(), key=lambda item: item[1]):
            positions = target.by_sector.get(sector_id)
            if positions is not None:
                relation[positions] = closeness  # closest relation written last
        keep = relation > 0
        keep &= target.expires >= today.toordinal()
        if self.settled[target.side] is not None:
            keep &= self.settled[target.side]
        if source.organisation_id:
            keep &= target.organisation != source.organisation_id
        at = np.flatnonzero(keep)
        if source.side == Side.NEED:
            hidden_before = listing_limit(today)
            visible = target.published[at] & (target.valid_until[at] >= hidden_before.toordinal())
            at = at[visible]
            if admitted is not None:
                at = at[(target.kinds[at] & _bits(self.kind_bits, admitted)) != 0]
        elif offer_facts is None:
            return []
        else:
            offer_kinds = _bits(self.kind_bits, offer_facts.kinds)
            admits = np.array(
                [_bits(self.kind_bits, reserved_kinds(code) or ()) for code in RESERVED],
                dtype=np.int64,
            )
            reserved = target.reserved[at]
            at = at[(reserved == 0) | ((admits[reserved] & offer_kinds) != 0)]
        distance = self._distances(source, target, at)
        served = self._serves_source(source, target, at, distance) & self._served_by(
            source, target, at, distance
        )
        at, distance = at[served], distance[served]
        if not len(at):
            return []
        score = self._scores(
            source,
            target,
            at,
            distance,
            relation=relation[at],
            points=np.array(
                [0, *(SECTOR_POINTS[r] for r in (SIBLING, FAMILY, EXACT))], dtype=float
            ),
            today=today.toordinal(),
            scale_km=DISTANCE_SCALE_KM,
            offer_facts=offer_facts,
            inclusive=_bits(self.kind_bits, siae | DISABILITY_KINDS),
        )
        excluded = np.isnan(score)
        at, distance, score = at[~excluded], distance[~excluded], score[~excluded]
        order = np.lexsort(
            (
                target.organisation[at],
                target.ids[at],
                np.where(np.isnan(distance), FAR, distance),
                -np.round(score),
            )
        )
        kept = order[:count]
        return [
            self._party(target, int(position), int(closeness))
            for position, closeness in zip(at[kept], relation[at[kept]], strict=True)
        ]

    def _party(self, target: SideArrays, position: int, relation: int) -> tuple:
        """The listing at `position` as matching needs it: (Party, relation, its organisation's
        facts), rebuilt from the arrays, with the exact values the explanations print."""
        from maillage.catalogue.matching import OrganisationFacts, Party

        names = self.names
        quantity, unit = target.measured.get(position, (None, ""))
        latitude, longitude = target.latitude[position], target.longitude[position]
        organisation_id = int(target.organisation[position])
        party = Party(
            side=target.side,
            organisation_id=organisation_id,
            latitude=None if np.isnan(latitude) else float(latitude),
            longitude=None if np.isnan(longitude) else float(longitude),
            commune_id=names["territories"].get(int(target.commune[position])),
            epci_id=names["territories"].get(int(target.epci[position])),
            departement_id=names["territories"].get(int(target.departement[position])),
            radius_km=int(target.radius[position]) or None,
            kind=names["kinds"].get(int(target.kind[position]), ""),
            exchange_mode=names["modes"].get(int(target.mode[position]), ""),
            quantity=quantity,
            unit=unit or "",
            available_from=_date(target.start[position]),
            available_until=_date(target.end[position]),
            price_on_quote=bool(target.price_on_quote[position]),
            reserved_market=names["reserved"].get(int(target.reserved[position]), ""),
            preferred_labels=target.preferred_labels.get(position, frozenset()),
            preferred_families=_names_of_bits(
                names["families"], int(target.families_wanted[position])
            ),
            listing_id=int(target.ids[position]),
            has_area_list=position in target.areas,
            **target.areas.get(position, {}),
        )
        facts = OrganisationFacts(
            kinds=_names_of_bits(names["kind_bits"], int(target.kinds[position])),
            family=names["families"].get(int(target.family[position]), ""),
            valid_until=_date(target.valid_until[position]),
            labels=target.labels.get(organisation_id, frozenset()),
        )
        return party, relation, facts

    @staticmethod
    def _distances(source, target: SideArrays, at: np.ndarray) -> np.ndarray:
        if source.latitude is None or source.longitude is None:
            return np.full(len(at), np.nan)
        return haversine_km_many(
            target.latitude[at], target.longitude[at], source.latitude, source.longitude
        )

    def _serves_source(self, source, target: SideArrays, at, distance) -> np.ndarray:
        """The target listings located within the source's area served."""
        served = np.zeros(len(at), dtype=bool)
        if source.radius_km:
            with np.errstate(invalid="ignore"):
                served |= distance <= source.radius_km
        for listed, column in (
            (source.area_communes, target.commune),
            (source.area_epcis, target.epci),
            (source.area_departements, target.departement),
        ):
            if listed:
                codes = [self.territories.of(code) for code in listed]
                served |= np.isin(column[at], [code for code in codes if code >= 0])
        return served

    def _served_by(self, source, target: SideArrays, at, distance) -> np.ndarray:
        """The target listings whose own area served holds the source's place."""
        with np.errstate(invalid="ignore"):
            serves = (target.radius[at] > 0) & (distance <= target.radius[at])
        listing_it = np.zeros(len(target), dtype=bool)
        for code in (source.commune_id, source.epci_id, source.departement_id):
            positions = target.serving.get(self.territories.of(code))
            if positions is not None:
                listing_it[positions] = True
        return serves | listing_it[at]

    def _scores(self, source, target: SideArrays, at, distance, **rules) -> np.ndarray:
        """Each pair's score, NaN when the periods do not overlap (score_pair's rules)."""
        if source.side == Side.NEED:
            need, offer = _party_codes(self, source), _listing_codes(target, at)
            offer.update(
                kinds=target.kinds[at],
                family=target.family[at],
                valid_until=target.valid_until[at],
            )
        else:
            need, offer = _listing_codes(target, at), _party_codes(self, source)
            facts = rules["offer_facts"]
            offer.update(
                kinds=_bits(self.kind_bits, facts.kinds),
                family=FAMILIES.of(facts.family or None),
                valid_until=facts.valid_until.toordinal(),
            )
        today = rules["today"]
        score = rules["points"][rules["relation"]]
        scale = np.where(need["radius"] > 0, need["radius"], rules["scale_km"])
        score = score + np.where(
            np.isnan(distance), 0.0, 20 * np.maximum(0.0, 1 - distance / scale)
        )
        score = score + np.where((offer["kind"] >= 0) & (offer["kind"] == need["kind"]), 10, 0)
        dated = (offer["start"] > 0) | (offer["end"] > 0) | (need["start"] > 0) | (need["end"] > 0)
        start = np.maximum(np.maximum(offer["start"], need["start"]), today)
        big = np.iinfo(np.int32).max
        end = np.minimum(
            np.where(offer["end"] > 0, offer["end"], big),
            np.where(need["end"] > 0, need["end"], big),
        )
        overlaps = ~dated | (end >= start)
        score = score + np.where(dated, 6, 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            measured = (
                ~np.isnan(offer["quantity"])
                & ~np.isnan(need["quantity"])
                & (offer["unit"] == need["unit"])
            )
            enough = offer["quantity"] >= need["quantity"]
            share = np.where(enough, 8.0, 8.0 * offer["quantity"] / need["quantity"])
        score = score + np.where(measured, share, 0.0)
        compatible = self.compatible[need["mode"], offer["mode"]]
        score = score + np.where(offer["mode"] < 0, 0, np.where(compatible, 6, -10))
        score = score + self._label_points(source, target, at, rules["offer_facts"])
        family_wanted = (need["families_wanted"] >> np.maximum(offer["family"], 0)) & 1
        score = score + np.where((offer["family"] >= 0) & (family_wanted == 1), 5, 0)
        reserved = (need["reserved"] > 0) & ((offer["kinds"] & rules["inclusive"]) != 0)
        score = score + np.where(reserved, 5, 0)
        score = score + np.where(offer["valid_until"] >= today, 5, 0)
        return np.where(overlaps, score, np.nan)

    def _label_points(self, source, target: SideArrays, at, offer_facts) -> np.ndarray | int:
        """5 points per label the need prefers and the offer's organisation holds, at most 10."""
        points = np.zeros(len(at))
        if source.side == Side.NEED:
            if not source.preferred_labels:
                return 0
            for i in np.flatnonzero(target.has_labels[at]):
                held = target.labels[int(target.organisation[at[i]])]
                points[i] = min(10, 5 * len(source.preferred_labels & held))
        elif offer_facts.labels:
            for i in np.flatnonzero(target.has_preferred_labels[at]):
                wanted = target.preferred_labels[int(at[i])]
                points[i] = min(10, 5 * len(wanted & offer_facts.labels))
        return points


def _date(ordinal) -> datetime.date | None:
    return datetime.date.fromordinal(int(ordinal)) if ordinal else None


def _names_of_bits(names: dict[int, str], bits: int) -> frozenset:
    return frozenset(name for code, name in names.items() if bits >> code & 1)


def _party_codes(index: CatalogueIndex, party) -> dict:
    """One party's terms as scalars comparable with the arrays."""
    return {
        "radius": party.radius_km or 0,
        "kind": KINDS.of(party.kind or None),
        "mode": MODES.of(party.exchange_mode or None),
        "quantity": float(party.quantity) if party.quantity is not None else np.nan,
        "unit": index.units.of(fold(party.unit or "")),
        "start": _ordinal(party.available_from),
        "end": _ordinal(party.available_until),
        "reserved": RESERVED.of(party.reserved_market or ""),
        "families_wanted": _bits(FAMILIES, party.preferred_families),
    }


def _listing_codes(target: SideArrays, at: np.ndarray) -> dict:
    return {
        "radius": target.radius[at],
        "kind": target.kind[at],
        "mode": target.mode[at],
        "quantity": target.quantity[at],
        "unit": target.unit[at],
        "start": target.start[at],
        "end": target.end[at],
        "reserved": target.reserved[at],
        "families_wanted": target.families_wanted[at],
    }


# -- the current index of this process ---------------------------------------------------------

keeper: SnapshotKeeper[CatalogueIndex] = SnapshotKeeper(
    "matching index",
    CatalogueIndex,
    lambda: (catalogue_version(), directory_version()),
    "MATCHING_MEMORY_INDEX",
)


def current_index() -> CatalogueIndex | None:
    return keeper.current()
