"""Map clusters as GeoJSON: establishments grouped by H3 cell at a resolution fitting the zoom.

Single organisations carry `id`, `name`, `slug` (their page is /organisations/<slug>/), `kinds`,
up to three `sectors` and their head office's `commune`: what a popup needs, and no more.
"""

import hashlib
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Avg, Count, F, Max, Min, QuerySet

from maillage.core.geo import BoundingBox, parent_cell_bits
from maillage.directory.models import Establishment, MapCell, Organisation
from maillage.directory.querysets import listing_limit
from maillage.directory.search.cache import places_version, record_version, recorded_version
from maillage.directory.search.memory import current_index
from maillage.directory.search.query import (
    DirectoryFilters,
    changed_organisations,
    filter_masks,
    filter_organisations,
)

MAX_FEATURES = 500
# The default view of every map, and the frame preferred for results (see _extent).
METROPOLITAN_FRANCE = BoundingBox(-5.3, 41.3, 9.7, 51.2)
POINTS_FROM_ZOOM = 13


@dataclass(frozen=True)
class CellLevel:
    """Cells of one H3 resolution, read from a stored column or as parents of its cells."""

    max_zoom: int
    resolution: int
    column: str

    @property
    def source_resolution(self) -> int:
        return int(self.column.removeprefix("h3_r"))

    def expression(self):
        if self.source_resolution == self.resolution:
            return F(self.column)
        mask, value = parent_cell_bits(self.source_resolution, self.resolution)
        return F(self.column).bitand(mask).bitor(value)


# Coarsest first: the first level whose cells fit the zoom, made coarser while too many. Cells
# about 60–100 px apart on screen: the spacing of the usual marker-cluster maps, and at most
# a few hundred features (under 30 KB) for a screenful.
CELL_LEVELS = (
    CellLevel(5, 2, "h3_r3"),
    CellLevel(6, 3, "h3_r3"),
    CellLevel(8, 4, "h3_r5"),
    CellLevel(9, 5, "h3_r5"),
    CellLevel(11, 6, "h3_r7"),
    CellLevel(12, 7, "h3_r7"),
)
MAP_CELLS_VERSION_KEY = "map-cells:version"
REBUILDING_KEY = "map-cells:rebuilding"


def rebuild_map_cells() -> int:
    """Count published establishments per cell at each resolution; returns the number of cells.

    The database counts into a staging table (a temporary one: no lock on the directory, no rows
    through Python), then the cells are swapped in one short transaction: on SQLite, the write
    lock is held for the copy only (about a second at 1M), not for the twenty seconds of counting.
    """
    version = _cells_version()  # read first: a write during the rebuild makes it stale again
    published = Establishment.objects.filter(
        organisation_id__in=Organisation.objects.listed().values("pk"), latitude__isnull=False
    )
    columns = "resolution, cell, count, latitude, longitude, organisation_id"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS map_cell_staging (resolution integer, "
            "cell bigint, count integer, latitude double precision, longitude double precision, "
            "organisation_id bigint)"
        )
        cursor.execute("DELETE FROM map_cell_staging")
        for level in CELL_LEVELS:
            sql, params = _grouped(published, level).query.sql_with_params()
            cursor.execute(
                f"INSERT INTO map_cell_staging ({columns}) "
                f"SELECT %s, cell, count, lat, lon, organisation FROM ({sql}) grouped",
                [level.resolution, *params],
            )
        with transaction.atomic():
            cursor.execute(f"DELETE FROM {MapCell._meta.db_table}")
            cursor.execute(
                f"INSERT INTO {MapCell._meta.db_table} ({columns}) "
                f"SELECT {columns} FROM map_cell_staging"
            )
        cursor.execute("DROP TABLE map_cell_staging")
    record_version(MAP_CELLS_VERSION_KEY, version)
    cache.delete(REBUILDING_KEY)
    return MapCell.objects.count()


def _cells_version() -> int:
    """The places version and the day: profiles leave the lists when their grace period ends,
    without any write, so the cells are counted again each day too. Folded into one signed 64-bit
    number, so that it is kept like the other versions (in the database without a shared cache:
    a rebuild by a task worker or a `manage.py` import is seen by every web process)."""
    key = f"{places_version()}:{listing_limit().isoformat()}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big", signed=True)


def _fresh_map_cells() -> bool:
    """Whether MapCell matches the directory's points; when not, rebuild it (a background task).

    Only writes that add, move or remove points move the places version: editing a profile's
    text leaves the map's counts as they are.
    """
    if recorded_version(MAP_CELLS_VERSION_KEY) == _cells_version():
        return True
    schedule_map_cells_rebuild()  # writes schedule it; this catches a lost cache or a race
    return recorded_version(MAP_CELLS_VERSION_KEY) == _cells_version()


def schedule_map_cells_rebuild() -> None:
    """One rebuild at a time (a background task); the flag expires by itself if a worker dies
    while rebuilding."""
    from maillage.directory.tasks import rebuild_map_cells as rebuild_task

    if cache.add(REBUILDING_KEY, True, timeout=300):
        rebuild_task.enqueue()


def _grouped(establishments: QuerySet, level: CellLevel) -> QuerySet:
    return (
        establishments.annotate(cell=level.expression())
        .values("cell")
        .annotate(
            count=Count("pk"),
            lat=Avg("latitude"),
            lon=Avg("longitude"),
            organisation=Min("organisation_id"),
        )
        .order_by()
    )


def _establishments(filters: DirectoryFilters, bbox: BoundingBox) -> QuerySet[Establishment]:
    establishments = Establishment.objects.filter(
        latitude__range=(bbox.min_lat, bbox.max_lat),
        longitude__range=(bbox.min_lon, bbox.max_lon),
    )
    if filters == DirectoryFilters():
        return establishments.filter(organisation_id__in=Organisation.objects.listed().values("pk"))
    return establishments.filter(organisation_id__in=filter_organisations(filters).values("pk"))


def _point(longitude: float, latitude: float, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
        "properties": properties,
    }


def _organisation_features(rows: list[tuple[float, float, int]]) -> list[dict]:
    """Single organisations with what a popup shows: name, kinds, sectors, commune, page."""
    organisations = {
        organisation.pk: organisation
        for organisation in Organisation.objects.filter(
            pk__in={row[2] for row in rows}
        ).with_card_data()
    }
    features = []
    for latitude, longitude, pk in rows:
        organisation = organisations.get(pk)
        if organisation is None:
            continue
        head = organisation.card_establishments[0] if organisation.card_establishments else None
        features.append(
            _point(
                longitude,
                latitude,
                {
                    "count": 1,
                    "id": pk,
                    "name": organisation.display_name,
                    "slug": organisation.slug,
                    "kinds": [kind.code for kind in organisation.card_kinds],
                    "sectors": [sector.name for sector in organisation.card_sectors[:3]],
                    "commune": head.commune.name if head else "",
                },
            )
        )
    return features


def _cell_groups(
    establishments: QuerySet, level: CellLevel, bbox: BoundingBox, *, precomputed: bool
) -> list[dict]:
    if precomputed:
        cells = MapCell.objects.filter(
            resolution=level.resolution,
            latitude__range=(bbox.min_lat, bbox.max_lat),
            longitude__range=(bbox.min_lon, bbox.max_lon),
        ).values_list("count", "latitude", "longitude", "organisation_id")
        return [
            {"count": count, "lat": lat, "lon": lon, "organisation": organisation}
            for count, lat, lon, organisation in cells[: MAX_FEATURES + 1]
        ]
    return list(_grouped(establishments, level)[: MAX_FEATURES + 1])


def _extent(filters: DirectoryFilters) -> list[float] | None:
    """[min_lon, min_lat, max_lon, max_lat] of what the filters find, so a map can frame it:
    of what they find in metropolitan France if anything, so that a few overseas results do
    not zoom the map out over the Atlantic (the map's buttons frame the overseas départements).

    None without filters: the whole directory is the map's default view anyway.
    """
    if filters == DirectoryFilters():
        return None
    if filters.bbox is None:
        extent = _extent(replace(filters, bbox=METROPOLITAN_FRANCE))
        if extent is not None:
            return extent
    index = current_index()
    if index is None:
        return _extent_in_database(filter_organisations(filters))
    extent = index.extent(index.located_establishments(index.combine(filter_masks(index, filters))))
    if not index.pending:
        return extent
    changed = _extent_in_database(changed_organisations(index, filters))
    if extent is None or changed is None:
        return extent or changed
    return [*map(min, extent[:2], changed[:2]), *map(max, extent[2:], changed[2:])]


def _extent_in_database(organisations: QuerySet) -> list[float] | None:
    box = (
        Establishment.objects.filter(organisation_id__in=organisations.values("pk"))
        .filter(latitude__isnull=False)
        .aggregate(Min("longitude"), Min("latitude"), Max("longitude"), Max("latitude"))
    )
    values = [
        box["longitude__min"],
        box["latitude__min"],
        box["longitude__max"],
        box["latitude__max"],
    ]
    return None if values[0] is None else [round(value, 5) for value in values]


def map_clusters(
    filters: DirectoryFilters, bbox: BoundingBox, zoom: int, *, with_extent: bool = False
) -> dict:
    """A FeatureCollection of at most 500 features: clusters with `count`, single organisations.

    With `with_extent`, its properties carry the extent of everything the filters find.
    """
    collection = _clusters(filters, bbox, zoom)
    if with_extent:
        collection["properties"]["extent"] = _extent(filters)
    return collection


def _clusters(filters: DirectoryFilters, bbox: BoundingBox, zoom: int) -> dict:
    # Unfiltered, the precomputed cells answer; while they are rebuilt, the index does (about
    # 0.2 s for all of France at 1M, where grouping in the database takes seconds).
    precomputed = filters == DirectoryFilters() and _fresh_map_cells()
    index = None if precomputed else current_index()
    if index is not None:
        return _clusters_in_memory(index, filters, bbox, zoom)
    establishments = _establishments(filters, bbox)
    if zoom >= POINTS_FROM_ZOOM:
        rows = list(
            establishments.values_list("latitude", "longitude", "organisation_id").order_by("pk")[
                : MAX_FEATURES + 1
            ]
        )
        if len(rows) <= MAX_FEATURES:
            return _collection(_organisation_features(rows), zoom, "points")
    for level in _levels_for(zoom):
        groups = _cell_groups(establishments, level, bbox, precomputed=precomputed)
        if len(groups) <= MAX_FEATURES:
            break
    return _collection(_features(groups[:MAX_FEATURES]), zoom, f"h3_r{level.resolution}")


def _clusters_in_memory(index, filters: DirectoryFilters, bbox: BoundingBox, zoom: int) -> dict:
    """The same clusters from the in-memory index: a filtered map counts only what it shows.
    The organisations changed since the index was built come from the database."""
    found = index.combine(filter_masks(index, filters))
    establishments = index.located_establishments(found, bbox)
    changed = (
        Establishment.objects.filter(
            organisation_id__in=changed_organisations(index, filters).values("pk"),
            latitude__range=(bbox.min_lat, bbox.max_lat),
            longitude__range=(bbox.min_lon, bbox.max_lon),
        )
        if index.pending
        else Establishment.objects.none()
    )
    if zoom >= POINTS_FROM_ZOOM and len(establishments) <= MAX_FEATURES:
        points = index.points(establishments)
        if index.pending:
            points += changed.values_list("latitude", "longitude", "organisation_id")[
                : MAX_FEATURES + 1
            ]
        if len(points) <= MAX_FEATURES:
            return _collection(_organisation_features(points), zoom, "points")
    for level in _levels_for(zoom):
        groups = index.cell_groups(establishments, level.resolution)
        if index.pending:
            groups = _merged_cells(groups, _grouped(changed, level))
        if len(groups) <= MAX_FEATURES:
            break
    return _collection(_features(groups[:MAX_FEATURES]), zoom, f"h3_r{level.resolution}")


def _merged_cells(groups: list[dict], others) -> list[dict]:
    """Cell groups of two sets of establishments as those of their union."""
    by_cell = {group["cell"]: dict(group) for group in groups}
    for other in others:
        group = by_cell.setdefault(other["cell"], {**other, "count": 0, "lat": 0.0, "lon": 0.0})
        total = group["count"] + other["count"]
        for axis in ("lat", "lon"):
            group[axis] = (group[axis] * group["count"] + other[axis] * other["count"]) / total
        group["count"] = total
        group["organisation"] = min(group["organisation"], other["organisation"])
    return list(by_cell.values())


def _levels_for(zoom: int) -> list[CellLevel]:
    """The level that fits the zoom, then the coarser ones, to try in that order."""
    finest = next((i for i, level in enumerate(CELL_LEVELS) if zoom <= level.max_zoom), -1)
    return list(reversed(CELL_LEVELS[: finest % len(CELL_LEVELS) + 1]))


def _features(groups: list[dict]) -> list[dict]:
    """Single organisations as points with their name, clusters with their count."""
    singles = [(g["lat"], g["lon"], g["organisation"]) for g in groups if g["count"] == 1]
    return _organisation_features(singles) + [
        _point(g["lon"], g["lat"], {"count": g["count"]}) for g in groups if g["count"] > 1
    ]


def _collection(features: list[dict], zoom: int, grouping: str) -> dict:
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "zoom": zoom,
            "grouping": grouping,
            "total": sum(feature["properties"]["count"] for feature in features),
        },
    }
