"""One search over the directory, shared by pages and API: filters, geography, order, facets."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db.models import Count, F, FloatField, Min, QuerySet, Value
from django.db.models.functions import ASin, Cos, Radians, Sin, Sqrt
from django.utils.translation import gettext as _

from maillage.core.geo import EARTH_RADIUS_KM, BoundingBox, box_around, cells_covering
from maillage.directory.models import (
    EssFamily,
    Establishment,
    Label,
    Organisation,
    Sector,
    StructureKind,
)
from maillage.directory.search import text
from maillage.directory.search.cache import cached
from maillage.directory.search.memory import current_index
from maillage.territory.models import EPCI, Commune, Departement, Region

SORTS = ("relevance", "distance", "name")
FACET_SIZE = 30
NEAREST_SEARCH_RADII_KM = (1, 3, 10, 30, 100)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    sectors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    commune: str = ""
    epci: str = ""
    region: str = ""
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    bbox: BoundingBox | None = None
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        """Relevance when words are given, distance around a point, else by name."""
        if self.sort in SORTS and (self.sort != "distance" or self.near):
            return self.sort
        if self.q:
            return "relevance"
        return "distance" if self.near else "name"


def distance_km(latitude_field: str, longitude_field: str, latitude: float, longitude: float):
    """Haversine distance in SQL, native on PostgreSQL and on SQLite's math functions."""
    half_d_lat = Sin(Radians(F(latitude_field) - Value(latitude)) / Value(2.0))
    half_d_lon = Sin(Radians(F(longitude_field) - Value(longitude)) / Value(2.0))
    cos_product = Cos(Radians(Value(latitude))) * Cos(Radians(F(latitude_field)))
    a = half_d_lat * half_d_lat + cos_product * half_d_lon * half_d_lon
    return Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(a, output_field=FloatField()))


def nearest_establishment_km(latitude: float, longitude: float) -> Min:
    """An organisation's distance: that of its nearest establishment."""
    return Min(
        distance_km("establishments__latitude", "establishments__longitude", latitude, longitude)
    )


def _establishments_within(filters: DirectoryFilters) -> QuerySet[Establishment]:
    establishments = Establishment.objects.all()
    if filters.bbox:
        box = filters.bbox
        establishments = establishments.filter(
            latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon)
        )
    if filters.near and filters.radius_km:
        latitude, longitude = filters.near
        box = box_around(latitude, longitude, filters.radius_km)
        establishments = establishments.filter(
            latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon)
        )
        cells = cells_covering(latitude, longitude, filters.radius_km)
        if cells:
            column, cell_ids = cells
            establishments = establishments.filter(**{f"{column}__in": cell_ids})
        establishments = establishments.annotate(
            distance=distance_km("latitude", "longitude", latitude, longitude)
        ).filter(distance__lte=filters.radius_km)
    return establishments


def filter_organisations(filters: DirectoryFilters, *, ignore: str = "") -> QuerySet[Organisation]:
    """Published organisations matching the filters; `ignore` leaves one facet's own filter out."""
    organisations = Organisation.objects.published()
    if filters.q:
        organisations = organisations.search(filters.q)
    if filters.sectors and ignore != "sector":
        organisations = organisations.in_sectors(filters.sectors)
    if filters.kinds and ignore != "kind":
        organisations = organisations.of_kinds(filters.kinds)
    if filters.departements and ignore != "departement":
        organisations = organisations.in_departements(filters.departements)
    if filters.labels and ignore != "label":
        organisations = organisations.with_labels(filters.labels)
    if filters.families and ignore != "family":
        organisations = organisations.of_families(filters.families)
    if filters.commune:
        organisations = organisations.in_commune(filters.commune)
    if filters.epci:
        organisations = organisations.in_epci(filters.epci)
    if filters.region:
        organisations = organisations.in_region(filters.region)
    if filters.bbox or (filters.near and filters.radius_km):
        organisations = organisations.filter(
            pk__in=_establishments_within(filters).values("organisation_id")
        )
    return organisations


def unknown_filter_values(filters: DirectoryFilters) -> dict[str, str]:
    """Filter values that name nothing, with a message: a typo must not look like 'no result'."""
    checks = [
        ("sector", filters.sectors, Sector, "slug", _("Filière inconnue")),
        ("kind", filters.kinds, StructureKind, "code", _("Type de structure inconnu")),
        ("departement", filters.departements, Departement, "code", _("Département inconnu")),
        ("label", filters.labels, Label, "slug", _("Label inconnu")),
        (
            "commune",
            (filters.commune,) if filters.commune else (),
            Commune,
            "insee_code",
            _("Commune inconnue (code INSEE)"),
        ),
        ("epci", (filters.epci,) if filters.epci else (), EPCI, "code", _("EPCI inconnu (SIREN)")),
        (
            "region",
            (filters.region,) if filters.region else (),
            Region,
            "code",
            _("Région inconnue"),
        ),
    ]
    errors = {}
    for name, values, model, key, message in checks:
        known = set(model.objects.filter(**{f"{key}__in": values}).values_list(key, flat=True))
        unknown = [value for value in values if value not in known]
        if unknown:
            errors[name] = f"{message} : « {', '.join(unknown)} »."
    families = {choice.value for choice in EssFamily}
    unknown_families = [value for value in filters.families if value not in families]
    if unknown_families:
        errors["family"] = _("Famille de l'ESS inconnue") + f" : « {', '.join(unknown_families)} »."
    return errors


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    count: int
    page: int
    page_size: int
    results: list[Organisation]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    is_approximate: bool = False
    # When no organisation contains a word: the query searched instead, with close words.
    corrected_query: str = ""

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def _ordered_page(
    filters: DirectoryFilters, organisations: QuerySet, offset: int, size: int
) -> list[int]:
    sort = filters.effective_sort
    if sort == "distance":
        ids = _nearest_page(filters, organisations, offset, size)
    elif sort == "name":
        ids = list(
            organisations.order_by("name", "pk").values_list("pk", flat=True)[
                offset : offset + size
            ]
        )
    else:
        ids = _relevance_page(filters, organisations, offset, size)
    return ids


def _by_distance(near: tuple[float, float], organisations: QuerySet) -> QuerySet:
    """Nearest first (by their nearest establishment), without a point last, then by name."""
    return organisations.annotate(distance=nearest_establishment_km(*near)).order_by(
        F("distance").asc(nulls_last=True), "name", "pk"
    )


def _nearest_page(
    filters: DirectoryFilters, organisations: QuerySet, offset: int, size: int
) -> list[int]:
    """The page sorted by distance, looked for in growing circles first.

    If a smaller circle already holds `offset + size` organisations, they are the nearest ones,
    and only that circle's organisations need a distance: in a dense city that is a few hundred
    rows instead of the hundred thousand of the whole radius.
    """
    wanted = offset + size
    for radius_km in NEAREST_SEARCH_RADII_KM:
        if filters.radius_km and radius_km >= filters.radius_km:
            break
        circle = filter_organisations(replace(filters, radius_km=radius_km))
        if circle.count() >= wanted:
            return list(
                _by_distance(filters.near, circle).values_list("pk", flat=True)[offset:wanted]
            )
    return list(
        _by_distance(filters.near, organisations).values_list("pk", flat=True)[offset:wanted]
    )


def _relevance_page(
    filters: DirectoryFilters, organisations: QuerySet, offset: int, size: int
) -> list[int]:
    """The best-ranked candidates that pass the filters first, then the other matches by name."""
    candidates = text.ranked_candidates(filters.q)
    # The candidates match the words already: check only the other filters, which is cheaper.
    others = filter_organisations(replace(filters, q=""))
    passing = set(others.filter(pk__in=candidates).values_list("pk", flat=True))
    ranked = [pk for pk in candidates if pk in passing]
    if offset + size <= len(ranked):
        return ranked[offset : offset + size]
    rest_offset = max(0, offset - len(ranked))
    rest = (
        organisations.exclude(pk__in=ranked)
        .order_by("name", "pk")
        .values_list("pk", flat=True)[
            rest_offset : rest_offset + size - max(0, len(ranked) - offset)
        ]
    )
    return ranked[offset:] + list(rest)


def _load_cards(
    ids: list[int], filters: DirectoryFilters, distances: dict[int, float] | None = None
) -> list[Organisation]:
    """The organisations of a page, in order; around a point, with their `distance_km`
    (given, or computed by the database)."""
    organisations = Organisation.objects.filter(pk__in=ids).with_card_data()
    if distances is not None:
        by_id = {organisation.pk: organisation for organisation in organisations}
        for pk, organisation in by_id.items():
            organisation.distance_km = distances.get(pk)
        return [by_id[pk] for pk in ids if pk in by_id]
    if filters.near:
        latitude, longitude = filters.near
        organisations = organisations.annotate(
            distance_km=nearest_establishment_km(latitude, longitude)
        )
    by_id = {organisation.pk: organisation for organisation in organisations}
    return [by_id[pk] for pk in ids if pk in by_id]


# Facet name → the organisation field it counts (the database path) and the filters it reads.
FACETS = {
    "sector": ("sectors__slug", "sectors"),
    "kind": ("kinds__code", "kinds"),
    "family": ("ess_family", "families"),
    "departement": ("establishments__commune__departement_id", "departements"),
    "label": ("labels__slug", "labels"),
}


def _facet_labels() -> dict[str, dict[str, str]]:
    return {
        "sector": dict(Sector.objects.values_list("slug", "name")),
        "kind": dict(StructureKind.objects.values_list("code", "name")),
        "family": dict(EssFamily.choices),
        "departement": {
            code: f"{name} ({code})"
            for code, name in Departement.objects.values_list("code", "name")
        },
        "label": dict(Label.objects.values_list("slug", "name")),
    }


def _counted_in_database(filters: DirectoryFilters, name: str) -> list[tuple[str, int]]:
    return _counted(filter_organisations(filters, ignore=name), name)[:FACET_SIZE]


def _counted(organisations: QuerySet, name: str) -> list[tuple[str, int]]:
    """(value, count) of one facet over these organisations, most frequent first."""
    path = FACETS[name][0]
    return list(
        organisations.filter(**{f"{path}__isnull": False})
        .values_list(path)
        # One row per organisation and value, except establishments: several can share a département.
        .annotate(count=Count("pk", distinct=path.startswith("establishments__")))
        .order_by("-count", path)
    )


def changed_organisations(
    index, filters: DirectoryFilters, *, ignore: str = "", with_words: list[int] | None = None
) -> QuerySet[Organisation]:
    """The organisations changed since the index was built that pass the filters: the index
    leaves them out, the database answers for them. Their words are matched row by row
    (text.matching_among), not by listing every match of the words; `with_words`: that match,
    when already made."""
    if with_words is None:
        with_words = text.matching_among(filters.q, index.pending) if filters.q else index.pending
    return filter_organisations(replace(filters, q=""), ignore=ignore).filter(pk__in=with_words)


def _facets_with_changes(
    index, filters: DirectoryFilters, counts: dict, changed: list[int]
) -> dict[str, list[tuple[str, int]]]:
    """The index's counts plus those of the organisations changed since its build."""
    merged, with_words = {}, None
    for name, (_path, attribute) in FACETS.items():
        among = changed
        if getattr(filters, attribute):  # this facet ignores its own filter: more may count
            if with_words is None and filters.q:
                with_words = text.matching_among(filters.q, index.pending)
            among = changed_organisations(index, filters, ignore=name, with_words=with_words)
        totals = dict(counts[name])
        if changed or getattr(filters, attribute):
            for value, count in _counted(Organisation.objects.filter(pk__in=among), name):
                totals[str(value)] = totals.get(str(value), 0) + count
        merged[name] = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return merged


def _facet_values(
    counts: list[tuple[str, int]], labels: dict[str, str], selected: tuple[str, ...]
) -> list[FacetValue]:
    return [
        FacetValue(str(value), str(labels.get(str(value), value)), count, str(value) in selected)
        for value, count in counts[:FACET_SIZE]
        if value != ""
    ]


def compute_facets(
    filters: DirectoryFilters, count: Callable[[str], list[tuple[str, int]]] | None = None
) -> dict[str, list[FacetValue]]:
    """Counts per value for the current search; each facet ignores its own selection.

    `count(name)` gives (value, count) pairs most frequent first; by default, the database's.
    """
    count = count or (lambda name: _counted_in_database(filters, name))
    labels = cached("facet-labels", "", _facet_labels)
    return {
        name: _facet_values(count(name), labels[name], getattr(filters, attribute))
        for name, (_path, attribute) in FACETS.items()
    }


def filter_masks(index, filters: DirectoryFilters) -> dict:
    """The in-memory index's masks for these filters (see DirectoryIndex.masks)."""
    return index.masks(filters, sector_children=_sector_children(filters))


def _sector_children(filters: DirectoryFilters) -> dict[str, list[str]]:
    children = defaultdict(list)
    if filters.sectors:
        for parent, slug in Sector.objects.filter(parent__slug__in=filters.sectors).values_list(
            "parent__slug", "slug"
        ):
            children[parent].append(slug)
    return children


def _approximate_matches(filters: DirectoryFilters, size: int) -> list[Organisation]:
    """Names close to the words typed, among the organisations passing the other filters."""
    similar = text.similar_names(filters.q)
    if not similar:
        return []
    passing = set(
        filter_organisations(replace(filters, q=""))
        .filter(pk__in=similar)
        .values_list("pk", flat=True)
    )
    return _load_cards([pk for pk in similar if pk in passing][:size], filters)


def search_directory(
    filters: DirectoryFilters,
    *,
    page: int = 1,
    page_size: int = 20,
    with_facets: bool = True,
    clamp_page: bool = False,
) -> SearchResult:
    """One page of results with the total count and, unless told otherwise, the facets.

    With `clamp_page`, a page past the last shows the last one (pages); otherwise it is empty (API).
    Counts, facets and pages come from the in-memory index when it is up to date, else from the
    database; both give the same answer.
    """
    index = current_index()
    if index is not None:
        masks = filter_masks(index, filters)
        found = index.combine(masks)
        # Organisations changed since the index was built: the index leaves them out.
        changed = (
            list(changed_organisations(index, filters).values_list("pk", flat=True))
            if index.pending
            else []
        )
        count = int(found.sum()) + len(changed)
    else:
        organisations = filter_organisations(filters)
        count = cached("count", repr(filters), organisations.count)
    if clamp_page:
        page = max(1, min(page, -(-count // page_size)))
    offset = (page - 1) * page_size
    if index is not None:
        ids, distances = _ordered_in_memory(
            index, masks, filters, found, changed, offset, page_size
        )
        results = _load_cards(ids, filters, distances)
    else:
        results = _load_cards(_ordered_page(filters, organisations, offset, page_size), filters)
    if count == 0 and filters.q and index is not None:
        for corrected in index.vocabulary.corrections(filters.q):
            result = search_directory(
                replace(filters, q=corrected),
                page=page,
                page_size=page_size,
                with_facets=with_facets,
                clamp_page=clamp_page,
            )
            if result.count:
                return replace(result, is_approximate=True, corrected_query=corrected)
    elif count == 0 and filters.q:
        approximate = _approximate_matches(filters, page_size)
        if approximate:
            return SearchResult(len(approximate), 1, page_size, approximate, is_approximate=True)
    if not with_facets:
        facets = {}
    elif index is not None:
        counts = index.facet_counts(masks, found)
        if index.pending:
            counts = _facets_with_changes(index, filters, counts, changed)
        facets = compute_facets(filters, counts.__getitem__)
    else:
        facets = cached("facets", repr(filters), lambda: compute_facets(filters))
    return SearchResult(count, page, page_size, results, facets)


def _ordered_in_memory(
    index, masks, filters: DirectoryFilters, found, changed: list[int], offset: int, size: int
) -> tuple[list[int], dict[int, float] | None]:
    """The page's ids and, around a point, their distances (known to the index already).

    `changed`: the organisations found among those changed since the index was built; the
    index's first `offset + size` and them, ordered by the database, make the page.
    """
    sort, wanted = filters.effective_sort, offset + size
    if sort == "distance":
        page = index.by_distance(found, filters.near, 0, wanted, masks.within)
        if changed:
            page = _by_distance_among([pk for pk, _km in page] + changed, filters.near)
        page = page[offset:wanted]
        return [pk for pk, _km in page], {pk: km for pk, km in page if km is not None}
    if sort == "name":
        ids = index.by_name(found, 0, wanted)
        if changed:
            ids = _by_name_among(ids + changed)
    else:
        ids = _by_relevance_in_memory(index, found, filters.q, changed, wanted)
    ids = ids[offset:wanted]
    if not filters.near or set(ids) & set(index.pending):
        return ids, None  # the database computes the distances of changed organisations
    return ids, index.nearest_km(ids, filters.near)


def _by_relevance_in_memory(index, found, query: str, changed: list[int], wanted: int) -> list[int]:
    """The best-ranked matches first (the index's and the changed ones', by score), then the
    other matches by name."""
    ranked, rest, whole_ranking = index.ranked_in(found, query)
    if changed:
        scored = text.scores_among(query, changed, whole_ranking)
        ranked = sorted(ranked + scored, key=lambda row: (row[1], row[0]))
    ids = [pk for pk, _score in ranked]
    if wanted <= len(ids):
        return ids
    others = index.by_name(rest, 0, wanted - len(ids))
    if changed:
        seen = set(ids)
        others = _by_name_among(others + [pk for pk in changed if pk not in seen])
    return ids + others


def _by_name_among(ids: list[int]) -> list[int]:
    return list(
        Organisation.objects.filter(pk__in=ids).order_by("name", "pk").values_list("pk", flat=True)
    )


def _by_distance_among(ids: list[int], near: tuple[float, float]) -> list[tuple[int, float | None]]:
    return list(
        _by_distance(near, Organisation.objects.filter(pk__in=ids)).values_list("pk", "distance")
    )


def nearby_sectors(filters: DirectoryFilters, limit: int = 8) -> list[FacetValue]:
    """For an empty result: the sectors present in the same place, whatever the words and facets."""
    place_only = DirectoryFilters(
        departements=filters.departements,
        commune=filters.commune,
        epci=filters.epci,
        region=filters.region,
        near=filters.near,
        radius_km=filters.radius_km,
        bbox=filters.bbox,
    )
    return compute_facets(place_only)["sector"][:limit]
