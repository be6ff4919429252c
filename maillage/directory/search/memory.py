"""The published directory held in memory as compact arrays: counts, facets, geography, pages.

At a million organisations, a count or a facet through `GROUP BY` reads most of the table
(75–600 ms, seconds cold); the same numbers from a few numpy arrays take milliseconds. The
database still does what it is best at: full-text matching (FTS5, tsvector) and loading the
twenty organisations of a page.

The index is a snapshot tagged with the directory version that every write bumps. When the
version moves, the index catches up with the change log (search/changes.py): the organisations
changed since the build are left out of the arrays and asked from the database, a few rows
(query.py and clusters.py merge both). A background thread rebuilds the index now and then to take
them in (twenty seconds at 1M), or at once after a bulk change, while searches go through the
database: exact, only slower. So results are never stale, and a write costs the readers a
query, not a rebuild.
"""

import copy
import datetime
import logging
import threading
import time
from collections import OrderedDict, defaultdict
from functools import cached_property

import numpy as np
from django.db import connection
from django.utils import timezone

from maillage.core.geo import box_around, haversine_km_many, parent_cell_bits
from maillage.core.snapshots import SnapshotKeeper
from maillage.core.text import search_terms
from maillage.directory.models import Organisation, SearchChange
from maillage.directory.querysets import listing_limit
from maillage.directory.search import text
from maillage.directory.search.cache import directory_version
from maillage.directory.search.changes import last_change_line, organisations_changed_since
from maillage.directory.search.vocabulary import Vocabulary

logger = logging.getLogger(__name__)

# Matches of a query's words, kept per process: a word most organisations contain costs the
# engine a few hundred ms to list, then nothing until the directory changes.
TEXT_CACHE_BYTES = 64 * 1024 * 1024
# Changed organisations asked from the database rather than rebuilding: past this many, the
# database answers alone until the rebuild.
MAX_PENDING = 5000
# With changes pending, rebuild when the index is this old, or ten builds' time if longer.
REBUILD_AFTER_SECONDS = 120
# Older indexes rebuild rather than catch up: the change log keeps one day (prune_change_log).
MAX_CATCH_UP_AGE = datetime.timedelta(hours=12)
CHANGE_LOG_DAYS = 1


class ValuePairs:
    """A many-valued field (sectors, kinds, …) as (organisation position, value code) pairs,
    kept in two orders: by organisation, to count the values of some organisations, and by
    value, to find the organisations having a value. Blank values and unknown ids are left out."""

    def __init__(self, ids: np.ndarray, pks: np.ndarray, codes: np.ndarray, values) -> None:
        self.values = list(values)
        blank = [code for code, value in enumerate(self.values) if value in (None, "")]
        positions, found = _positions_of(ids, pks)
        keep = found & ~np.isin(codes, blank)
        positions, codes = positions[keep].astype(np.int32), codes[keep]
        by_organisation = np.lexsort((codes, positions))
        self.codes_by_organisation = codes[by_organisation]
        self.organisation_start = np.searchsorted(
            positions[by_organisation], np.arange(len(ids) + 1)
        )
        by_value = np.argsort(codes, kind="stable")
        self.organisations_by_value = positions[by_value]
        self.value_start = np.searchsorted(codes[by_value], np.arange(len(self.values) + 1))
        self.totals = np.bincount(codes, minlength=len(self.values))

    def counts_among(self, positions: np.ndarray, wanted) -> np.ndarray:
        """For each of these organisations, how many of the wanted values it has."""
        codes = [code for code, value in enumerate(self.values) if value in wanted]
        starts = self.organisation_start[positions]
        lengths = self.organisation_start[positions + 1] - starts
        owner = np.repeat(np.arange(len(positions)), lengths)
        hit = np.isin(self._codes_of(positions), codes)
        return np.bincount(owner[hit], minlength=len(positions))

    def positions_having(self, value: str) -> np.ndarray:
        """The organisations (positions) having this value."""
        if value not in self.values:
            return np.zeros(0, dtype=np.int32)
        code = self.values.index(value)
        return self.organisations_by_value[self.value_start[code] : self.value_start[code + 1]]

    def having(self, wanted: set[str], size: int) -> np.ndarray:
        """Mask of the organisations having at least one of the wanted values."""
        mask = np.zeros(size, dtype=bool)
        for code, value in enumerate(self.values):
            if value in wanted:
                start, end = self.value_start[code], self.value_start[code + 1]
                mask[self.organisations_by_value[start:end]] = True
        return mask

    def _codes_of(self, positions: np.ndarray) -> np.ndarray:
        starts = self.organisation_start[positions]
        lengths = self.organisation_start[positions + 1] - starts
        # The pairs of each organisation are contiguous: gather every [start, start + length).
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return self.codes_by_organisation[offsets + np.arange(len(offsets))]

    def counts(self, selection: "Selection") -> list[tuple[str, int]]:
        """(value, count of organisations selected), most frequent first, then by value.

        Counts the selected organisations' pairs, or, when most are selected, subtracts the
        others' from the totals: either way at most half the directory is read.
        """
        if selection.is_sparse:
            counts = np.bincount(self._codes_of(selection.chosen), minlength=len(self.values))
        else:
            counts = self.totals - np.bincount(
                self._codes_of(selection.left_out), minlength=len(self.values)
            )
        order = sorted(
            (-int(count), str(value))
            for value, count in zip(self.values, counts, strict=True)
            if count > 0
        )
        return [(value, -negative) for negative, value in order]


class Masks(dict):
    """Filter name → mask of organisations; `within` keeps a radius's establishments and
    their distances, which the distance order reuses."""

    within: tuple[np.ndarray, np.ndarray] | None = None


class Selection:
    """A mask of organisations with its chosen or left-out positions, computed once."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask
        self.count = int(mask.sum())
        self.is_sparse = self.count * 2 <= len(mask)

    @cached_property
    def chosen(self) -> np.ndarray:
        return np.flatnonzero(self.mask)

    @cached_property
    def left_out(self) -> np.ndarray:
        return np.flatnonzero(~self.mask)


def _positions_of(ids: np.ndarray, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `pks` in the sorted `ids`, and which of them are there at all."""
    positions = np.searchsorted(ids, pks)
    positions = np.minimum(positions, max(len(ids) - 1, 0))
    found = ids[positions] == pks if len(ids) else np.zeros(len(pks), dtype=bool)
    return positions, found


class _TextCache:
    """Arrays kept per query, least recently used dropped first; shared by an index and the
    copies that catch up with changes (their pending organisations are left out anyway)."""

    def __init__(self) -> None:
        self._arrays: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> np.ndarray | None:
        with self._lock:
            kept = self._arrays.get(key)
            if kept is not None:
                self._arrays.move_to_end(key)
            return kept

    def put(self, key: tuple[str, str], kept: np.ndarray) -> None:
        with self._lock:
            if key in self._arrays:
                self._bytes -= self._arrays[key].nbytes
            self._arrays[key] = kept
            self._bytes += kept.nbytes
            while self._bytes > TEXT_CACHE_BYTES and len(self._arrays) > 1:
                _key, dropped = self._arrays.popitem(last=False)
                self._bytes -= dropped.nbytes


class DirectoryIndex:
    """Arrays over the published organisations (ordered by id) and their establishments."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.built_in_seconds = 0.0
        self.built_at = timezone.now()
        self.last_change = 0  # the change log's last line when the build started
        # Organisations changed since the build: left out of every mask, asked from the database.
        self.pending: list[int] = []
        self.settled: np.ndarray | None = None  # mask of the others; None when nothing pends
        self._text = _TextCache()

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(cls) -> "DirectoryIndex":
        started = time.perf_counter()
        # Read first: a write during the build is then caught up with, or makes it stale.
        index = cls(directory_version())
        index.last_change = last_change_line()
        with connection.cursor() as cursor:
            index._load_organisations(cursor)
            index.sectors = index._pairs(
                cursor,
                "SELECT organisation_id, sector_id FROM directory_organisationsector",
                "SELECT id, slug FROM directory_sector",
            )
            index.kinds = index._pairs(
                cursor,
                "SELECT organisation_id, structurekind_id FROM directory_organisation_kinds",
            )
            index.labels = index._pairs(
                cursor,
                "SELECT organisation_id, label_id FROM directory_organisation_labels",
                "SELECT id, slug FROM directory_label",
            )
            index._load_establishments(cursor)
            index._load_territory(cursor)
            index.vocabulary = Vocabulary.load(cursor)
        index.built_in_seconds = time.perf_counter() - started
        return index

    def _load_organisations(self, cursor) -> None:
        # Days since year 1 (date.toordinal), computed by the engine: parsing 1M dates in
        # Python would take longer than the rest of the row.
        ordinal = (
            "CAST(julianday(valid_until) - 1721424.5 AS INTEGER)"
            if connection.vendor == "sqlite"
            else "(valid_until - DATE '0001-01-01') + 1"
        )
        families = _Codes()
        self.ids, self.valid_until, family_codes = _read_columns(
            cursor,
            f"SELECT id, {ordinal}, ess_family FROM directory_organisation "
            "WHERE is_published ORDER BY id",
            _ints,
            _ints,
            families.encode,
        )
        self.families = ValuePairs(self.ids, self.ids, family_codes, list(families))
        (in_name_order,) = _read_columns(
            cursor,
            "SELECT id FROM directory_organisation WHERE is_published ORDER BY name, id",
            _ints,
        )
        self.name_order = np.searchsorted(self.ids, in_name_order).astype(np.int32)
        self.name_rank = np.empty(len(self.ids), dtype=np.int32)
        self.name_rank[self.name_order] = np.arange(len(self.ids), dtype=np.int32)

    def _pairs(self, cursor, sql: str, values_sql: str = "") -> ValuePairs:
        """(organisation id, value) rows; with `values_sql`, the rows hold integer keys of a
        small table, read as numbers and named afterwards (much faster than strings)."""
        if not values_sql:
            values = _Codes()
            pks, codes = _read_columns(cursor, sql, _ints, values.encode)
            return ValuePairs(self.ids, pks, codes, list(values))
        cursor.execute(values_sql)
        names = dict(cursor.fetchall())
        keys = sorted(names)
        pks, foreign_keys = _read_columns(cursor, sql, _ints, _ints)
        codes = np.searchsorted(np.asarray(keys, dtype=np.int64), foreign_keys).astype(np.int32)
        return ValuePairs(self.ids, pks, codes, [names[key] for key in keys])

    def _load_establishments(self, cursor) -> None:
        communes = _Codes()
        columns = _read_columns(
            cursor,
            "SELECT id, organisation_id, latitude, longitude, COALESCE(h3_r3, 0), "
            "COALESCE(h3_r5, 0), COALESCE(h3_r7, 0), commune_id "
            "FROM directory_establishment ORDER BY id",
            _ints,
            _ints,
            _floats,
            _floats,
            _ints,
            _ints,
            _ints,
            communes.encode,
        )
        positions, found = _positions_of(self.ids, columns[1])
        ids, _organisations, latitudes, longitudes, r3, r5, r7, commune = (
            column[found] for column in columns
        )
        cursor.execute("SELECT insee_code, departement_id FROM territory_commune")
        departement_of = dict(cursor.fetchall())
        departements = _Codes()
        departement_of_code = departements.encode(
            tuple(departement_of.get(code) for code in communes)
        )
        departement = departement_of_code[commune]
        self.est_ids, self.est_latitude, self.est_longitude = ids, latitudes, longitudes
        self.est_position = positions[found].astype(np.int32)
        self.est_cells = {3: r3, 5: r5, 7: r7}
        for source, parent in ((3, 2), (5, 4), (7, 6)):
            mask, value = parent_cell_bits(source, parent)
            self.est_cells[parent] = (self.est_cells[source] & mask) | value
        self.est_commune = commune
        # Two orders of the establishments: by latitude, for boxes and circles (a band of
        # latitude is a slice), and by organisation, for an organisation's nearest point.
        self.est_by_latitude = np.argsort(latitudes, kind="stable")  # NaN last
        self.sorted_latitudes = latitudes[self.est_by_latitude]
        self.est_by_organisation = np.argsort(self.est_position, kind="stable")
        self.organisation_est_start = np.searchsorted(
            self.est_position[self.est_by_organisation], np.arange(len(self.ids) + 1)
        )
        self.commune_index = {code: i for code, i in communes.items() if code}
        # One (organisation, département) pair however many establishments share it.
        pairs = np.unique(self.est_position.astype(np.int64) * len(departements) + departement)
        self.departements = ValuePairs(
            self.ids,
            self.ids[pairs // max(len(departements), 1)],
            (pairs % max(len(departements), 1)).astype(np.int32),
            list(departements),
        )

    def _load_territory(self, cursor) -> None:
        """Which communes a commune, an EPCI or a région filter stands for."""
        cursor.execute(
            "SELECT c.insee_code, c.parent_id, c.epci_id, d.region_id FROM territory_commune c "
            "JOIN territory_departement d ON d.code = c.departement_id"
        )
        self.communes_of = {
            "commune": defaultdict(set),
            "epci": defaultdict(set),
            "region": defaultdict(set),
        }
        for insee_code, parent, epci, region in cursor.fetchall():
            self.communes_of["commune"][insee_code].add(insee_code)
            if parent:
                self.communes_of["commune"][parent].add(insee_code)
            if epci:
                self.communes_of["epci"][epci].add(insee_code)
            self.communes_of["region"][region].add(insee_code)

    # -- catching up with changes ---------------------------------------------------------------

    @property
    def versions(self) -> tuple[int]:
        return (self.version,)

    def __str__(self) -> str:
        return f"{self.size} organisations, {len(self.est_ids)} establishments"

    def caught_up(self, versions: tuple[int]) -> "DirectoryIndex | None":
        """A copy of this index (sharing its arrays) that leaves out the organisations changed
        since the build; None when it cannot: a bulk change, too many changes, a version from
        elsewhere (a cleared cache), or an index too old for the change log."""
        (version,) = versions
        if not self.version < version <= self.version + MAX_PENDING:
            return None
        if timezone.now() - self.built_at > MAX_CATCH_UP_AGE:
            return None
        changed = organisations_changed_since(self.last_change, self.built_at)
        if not changed:  # a version moved without saying what (or a bulk change): rebuild
            return None
        pending = np.asarray(changed, dtype=np.int64)
        if len(pending) > MAX_PENDING:
            return None
        index = copy.copy(self)
        index.version, index.pending = version, pending.tolist()
        positions, found = _positions_of(self.ids, pending)
        index.settled = np.ones(self.size, dtype=bool)
        index.settled[positions[found]] = False
        return index

    def due_for_rebuild(self) -> bool:
        age = (timezone.now() - self.built_at).total_seconds()
        return bool(self.pending) and age >= max(REBUILD_AFTER_SECONDS, 10 * self.built_in_seconds)

    # -- filtering ------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return len(self.ids)

    def masks(self, filters, *, sector_children: dict[str, list[str]]) -> "Masks":
        """One mask per active filter; a search is their AND, a facet leaves its own out."""
        published = self.valid_until >= listing_limit().toordinal()
        if self.settled is not None:
            published &= self.settled
        masks = Masks(published=published)
        if search_terms(filters.q):
            masks["q"] = self._matching(filters.q)
        if filters.sectors:
            wanted = set(filters.sectors)
            for slug in filters.sectors:
                wanted.update(sector_children.get(slug, ()))
            masks["sector"] = self.sectors.having(wanted, self.size)
        if filters.kinds:
            masks["kind"] = self.kinds.having(set(filters.kinds), self.size)
        if filters.departements:
            masks["departement"] = self.departements.having(set(filters.departements), self.size)
        if filters.labels:
            masks["label"] = self.labels.having(set(filters.labels), self.size)
        if filters.families:
            masks["family"] = self.families.having(set(filters.families), self.size)
        for name in ("commune", "epci", "region"):
            if getattr(filters, name):
                masks[name] = self._with_establishment(
                    self._in_communes(name, getattr(filters, name))
                )
        if filters.bbox:
            masks["bbox"] = self._with_establishment(self._in_box(filters.bbox))
        if filters.near and filters.radius_km:
            masks.within = self.within(filters.near, filters.radius_km)
            masks["radius"] = self._with_establishment(masks.within[0])
        return masks

    @staticmethod
    def combine(masks: dict[str, np.ndarray], *, ignore: str = "") -> np.ndarray:
        combined = None
        for name, mask in masks.items():
            if name != ignore:
                combined = (
                    mask.copy()
                    if combined is None
                    else np.logical_and(combined, mask, out=combined)
                )
        return combined

    def _with_establishment(self, establishments: np.ndarray) -> np.ndarray:
        """Mask of the organisations of these establishments (a mask or indices of them)."""
        mask = np.zeros(self.size, dtype=bool)
        mask[self.est_position[establishments]] = True
        return mask

    def _in_communes(self, kind: str, code: str) -> np.ndarray:
        communes = self.communes_of[kind].get(code, ())
        wanted = [self.commune_index[c] for c in communes if c in self.commune_index]
        return np.isin(self.est_commune, wanted)

    def _in_box(self, box) -> np.ndarray:
        """Indices of the establishments inside the box (a latitude band, then longitudes)."""
        start = np.searchsorted(self.sorted_latitudes, box.min_lat, "left")
        end = np.searchsorted(self.sorted_latitudes, box.max_lat, "right")
        band = self.est_by_latitude[start:end]
        longitudes = self.est_longitude[band]
        return band[(longitudes >= box.min_lon) & (longitudes <= box.max_lon)]

    def within(self, near: tuple[float, float], radius_km: float) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the establishments within the radius, and their distances."""
        latitude, longitude = near
        candidates = self._in_box(box_around(latitude, longitude, radius_km))
        distances = haversine_km_many(
            self.est_latitude[candidates], self.est_longitude[candidates], latitude, longitude
        )
        inside = distances <= radius_km
        return candidates[inside], distances[inside]

    # -- for matching (catalogue/matching.py) ----------------------------------------------------

    def positions_of(self, organisation_ids) -> np.ndarray:
        """Positions of the organisations among these ids that the index holds."""
        positions, found = _positions_of(self.ids, np.asarray(organisation_ids, dtype=np.int64))
        return positions[found]

    @cached_property
    def _establishments_by_commune(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.est_commune, kind="stable")
        starts = np.searchsorted(self.est_commune[order], np.arange(len(self.commune_index) + 2))
        return order, starts

    def establishments_in(self, communes) -> np.ndarray:
        """Indices of the establishments located in these communes (INSEE codes), in slices of
        an order by commune (a département's 300 communes, not a pass over every establishment)."""
        order, starts = self._establishments_by_commune
        codes = sorted(self.commune_index[c] for c in communes if c in self.commune_index)
        if not codes:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate([order[starts[c] : starts[c + 1]] for c in codes]))

    def distances_from(self, establishments: np.ndarray, near: tuple[float, float] | None):
        """Distances (km) of these establishments from a point; NaN without a point."""
        if near is None:
            return np.full(len(establishments), np.nan)
        latitudes, longitudes = self.est_latitude, self.est_longitude
        return haversine_km_many(latitudes[establishments], longitudes[establishments], *near)

    @cached_property
    def _commune_codes(self) -> dict[int, str]:
        return {i: code for code, i in self.commune_index.items()}

    def establishment_place(self, establishment: int) -> tuple[float | None, float | None, str]:
        """An establishment's point and commune code."""
        latitude, longitude = self.est_latitude[establishment], self.est_longitude[establishment]
        return (
            None if np.isnan(latitude) else float(latitude),
            None if np.isnan(longitude) else float(longitude),
            self._commune_codes.get(int(self.est_commune[establishment]), ""),
        )

    def _matching(self, query: str) -> np.ndarray:
        """Mask of the organisations whose text contains every word (the engine's index).

        Kept per query; a query whose words are all kept on their own (the common words, warmed
        after each build) is answered by intersecting them, without asking the engine.
        """
        terms = search_terms(query)
        whole = ("query", " ".join(terms))
        found = self._kept_matches(whole)
        if found is not None:
            return found
        words = [("word", term) for term in terms[:-1]] + [("prefix", terms[-1])]
        parts = [self._kept_matches(word) for word in words]
        if all(part is not None for part in parts):
            return np.logical_and.reduce(parts)
        return self._keep_matches(whole, text.matching_ids(terms))

    def ranked_candidates(self, query: str) -> list[tuple[int, tuple[int, float]]]:
        """The engine's best-ranked matches with their scores (text.ranked_scores), kept per
        query; an organisation changed since the build may be among them with its old text."""
        key = ("ranked", " ".join(search_terms(query)))
        ranked = self._text.get(key)
        if ranked is None:
            scored = text.ranked_scores(query)
            ranked = np.array(
                [(pk, tier, score) for pk, (tier, score) in scored], dtype=np.float64
            ).reshape(-1, 3)
            self._text.put(key, ranked)
        return [(int(pk), (int(tier), score)) for pk, tier, score in ranked.tolist()]

    def _kept_matches(self, key: tuple[str, str]) -> np.ndarray | None:
        kept = self._text.get(key)
        if kept is None:
            return None
        if kept.dtype == bool:
            return kept.copy()
        mask = np.zeros(self.size, dtype=bool)
        mask[kept] = True
        return mask

    def _keep_matches(self, key: tuple[str, str], pks: list[int]) -> np.ndarray:
        found_at, found = _positions_of(self.ids, np.sort(np.asarray(pks, dtype=np.int64)))
        positions = found_at[found].astype(np.int32)
        mask = np.zeros(self.size, dtype=bool)
        mask[positions] = True
        self._text.put(key, positions if positions.nbytes < mask.nbytes else mask.copy())
        return mask

    def warm_common_words(self, *, sample_size: int = 5000, words: int = 12) -> list[str]:
        """Ask the engine once for the words most organisations contain, complete and as prefixes.

        Listing a word found in every row takes the engine 0.3–0.6 s at 1M; after this, a query
        made of such words costs an intersection of masks (milliseconds). Words are taken from a
        sample of the directory's own text, so the list follows the data.
        """
        if not self.size:
            return []
        step = max(1, self.size // sample_size)
        sample = self.ids[::step][:sample_size].tolist()
        frequency: dict[str, int] = defaultdict(int)
        for start in range(0, len(sample), 500):
            texts = Organisation.objects.filter(pk__in=sample[start : start + 500]).values_list(
                "search_name", "search_text"
            )
            for name, body in texts:
                for term in set(search_terms(f"{name} {body}")):
                    frequency[term] += 1
        common = [
            term
            for term, count in sorted(frequency.items(), key=lambda item: -item[1])[:words]
            if count >= len(sample) / 10 and len(term) > 1
        ]
        for term in common:
            self._keep_matches(("word", term), text.matching_ids([term], complete=True))
            self._keep_matches(("prefix", term), text.matching_ids([term]))
        return common

    def facet_counts(
        self, masks: dict[str, np.ndarray], found: np.ndarray
    ) -> dict[str, list[tuple[str, int]]]:
        """(value, count) per facet, each under every filter but its own; `found` is the AND
        of all the masks, which the search has already computed."""
        everything = Selection(found)
        pairs = {
            "sector": self.sectors,
            "kind": self.kinds,
            "family": self.families,
            "departement": self.departements,
            "label": self.labels,
        }
        return {
            name: values.counts(
                Selection(self.combine(masks, ignore=name)) if name in masks else everything
            )
            for name, values in pairs.items()
        }

    # -- pages ----------------------------------------------------------------------------------

    def by_name(self, mask: np.ndarray, offset: int, size: int) -> list[int]:
        order = self.name_order[mask[self.name_order]]
        return self.ids[order[offset : offset + size]].tolist()

    def ranked_in(
        self, mask: np.ndarray, query: str
    ) -> tuple[list[tuple[int, tuple[int, float]]], np.ndarray, list]:
        """The ranked candidates in the mask, best first, the mask of the others, and all the
        ranked candidates (what the ranking was made of: text.scores_among needs it)."""
        ranked = self.ranked_candidates(query)
        pks = np.asarray([pk for pk, _score in ranked], dtype=np.int64)
        positions, found = _positions_of(self.ids, pks)
        keep = found & mask[positions]
        rest = mask.copy()
        rest[positions[keep]] = False
        kept = [row for row, kept in zip(ranked, keep.tolist(), strict=True) if kept]
        return kept, rest, ranked

    def by_distance(
        self,
        mask: np.ndarray,
        near: tuple[float, float],
        offset: int,
        size: int,
        within: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[tuple[int, float | None]]:
        """(id, distance) by nearest establishment; organisations without a point last, then by
        name and id. `within`: the establishments of a radius and their distances, if known."""
        if within is not None:  # every organisation found has its nearest point in the circle
            establishments, distances = within
            mine = mask[self.est_position[establishments]]
            establishments, distances = establishments[mine], distances[mine]
        else:
            establishments = np.flatnonzero(mask[self.est_position] & ~np.isnan(self.est_latitude))
            distances = haversine_km_many(
                self.est_latitude[establishments], self.est_longitude[establishments], *near
            )
        closest_first = np.argsort(distances, kind="stable")
        positions, first = np.unique(
            self.est_position[establishments][closest_first], return_index=True
        )
        candidates = np.concatenate([positions, np.setdiff1d(np.flatnonzero(mask), positions)])
        candidate_distances = np.concatenate(
            [distances[closest_first][first], np.full(len(candidates) - len(positions), np.inf)]
        )
        wanted = offset + size
        if len(candidates) > wanted:  # only what can reach the page needs sorting
            threshold = np.partition(candidate_distances, wanted - 1)[wanted - 1]
            close = candidate_distances <= threshold
            candidates, candidate_distances = candidates[close], candidate_distances[close]
        order = np.lexsort((self.name_rank[candidates], candidate_distances))[offset:wanted]
        return [
            (pk, None if np.isinf(distance) else distance)
            for pk, distance in zip(
                self.ids[candidates[order]].tolist(),
                candidate_distances[order].tolist(),
                strict=True,
            )
        ]

    def nearest_km(self, ids: list[int], near: tuple[float, float]) -> dict[int, float]:
        """Distance from `near` to each organisation's nearest establishment, by id."""
        pks = np.asarray(ids, dtype=np.int64)
        positions, found = _positions_of(self.ids, pks)
        nearest = {}
        for pk, position in zip(pks[found].tolist(), positions[found].tolist(), strict=True):
            start, end = self.organisation_est_start[position : position + 2]
            establishments = self.est_by_organisation[start:end]
            distances = haversine_km_many(
                self.est_latitude[establishments], self.est_longitude[establishments], *near
            )
            distances = distances[~np.isnan(distances)]
            if len(distances):
                nearest[pk] = float(distances.min())
        return nearest

    # -- map ------------------------------------------------------------------------------------

    def located_establishments(self, mask: np.ndarray, box=None) -> np.ndarray:
        """Indices of the located establishments of the organisations in the mask, by id."""
        if box is None:
            return np.flatnonzero(mask[self.est_position] & ~np.isnan(self.est_latitude))
        establishments = np.sort(self._in_box(box))
        return establishments[mask[self.est_position[establishments]]]

    def cell_groups(self, establishments: np.ndarray, resolution: int) -> list[dict]:
        """Establishments grouped by H3 cell: cell, count, mean point and one organisation id."""
        cells = self.est_cells[resolution][establishments]
        unique, inverse, counts = np.unique(cells, return_inverse=True, return_counts=True)
        latitudes = np.bincount(inverse, weights=self.est_latitude[establishments]) / counts
        longitudes = np.bincount(inverse, weights=self.est_longitude[establishments]) / counts
        organisation = np.empty(len(unique), dtype=np.int64)
        organisation[inverse] = self.ids[self.est_position[establishments]]
        return [
            {
                "cell": int(cell),
                "count": int(count),
                "lat": float(lat),
                "lon": float(lon),
                "organisation": int(pk),
            }
            for cell, count, lat, lon, pk in zip(
                unique, counts, latitudes, longitudes, organisation, strict=True
            )
        ]

    def points(self, establishments: np.ndarray) -> list[tuple[float, float, int]]:
        return list(
            zip(
                self.est_latitude[establishments].tolist(),
                self.est_longitude[establishments].tolist(),
                self.ids[self.est_position[establishments]].tolist(),
                strict=True,
            )
        )

    def extent(self, establishments: np.ndarray) -> list[float] | None:
        if not len(establishments):
            return None
        latitudes = self.est_latitude[establishments]
        longitudes = self.est_longitude[establishments]
        return [
            round(float(value), 5)
            for value in (longitudes.min(), latitudes.min(), longitudes.max(), latitudes.max())
        ]


FETCH_ROWS = 50_000


class _Codes(dict):
    """Value → small integer, in order of first appearance: strings become int32 arrays."""

    def encode(self, column: tuple) -> np.ndarray:
        return np.fromiter(
            (self.setdefault(value, len(self)) for value in column),
            dtype=np.int32,
            count=len(column),
        )


def _ints(column: tuple) -> np.ndarray:
    return np.array(column, dtype=np.int64)


def _floats(column: tuple) -> np.ndarray:
    return np.array(column, dtype=np.float64)  # None → NaN


def _read_columns(cursor, sql: str, *converters) -> list[np.ndarray]:
    """A query's columns as arrays, read in chunks so that memory stays near the arrays' size."""
    cursor.execute(sql)
    parts = [[] for _ in converters]
    while rows := cursor.fetchmany(FETCH_ROWS):
        for part, convert, column in zip(parts, converters, zip(*rows, strict=True), strict=True):
            part.append(convert(column))
    return [
        np.concatenate(part) if part else convert(())
        for part, convert in zip(parts, converters, strict=True)
    ]


# -- the current index of this process ---------------------------------------------------------


def _build_warm() -> DirectoryIndex:
    """A background build: its common words asked before it serves (the previous index answers
    meanwhile), and the change log pruned."""
    index = DirectoryIndex.build()
    index.warm_common_words()
    prune_change_log()
    return index


# With DIRECTORY_MEMORY_INDEX = "background", an index that cannot catch up (or has carried
# changes long enough) is rebuilt in a thread, at most one at a time and not more often than one
# build's duration; "sync" (tests) rebuilds before answering; "off" never builds.
keeper: SnapshotKeeper[DirectoryIndex] = SnapshotKeeper(
    "directory index",
    DirectoryIndex.build,
    lambda: (directory_version(),),
    "DIRECTORY_MEMORY_INDEX",
    build_in_background=_build_warm,
)


def current_index() -> DirectoryIndex | None:
    """The index if it matches the directory, caught up with the changes since its build;
    else None (the caller uses the database)."""
    return keeper.current()


def build_in_background_at_start() -> None:
    """A worker builds its index as it starts (background mode), to serve its first searches."""
    if keeper.mode == "background":
        keeper.rebuild_in_background()


def index_state() -> str:
    """For the readiness check: "ready", "building" (the database answers meanwhile) or "off"."""
    return keeper.state()


def prune_change_log() -> int:
    """Forget changes older than any index still catching up could need."""
    before = timezone.now() - datetime.timedelta(days=CHANGE_LOG_DAYS)
    deleted, _by_model = SearchChange.objects.filter(changed_at__lt=before).delete()
    return deleted


def build_index_now(*, warm: bool = True) -> DirectoryIndex:
    """Build and install the index at once (benchmarks, tests), with its common words."""
    index = keeper.build_now()
    if warm:
        index.warm_common_words()
    return index
