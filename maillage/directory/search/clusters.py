"""Map clusters as GeoJSON: establishments grouped by H3 cell at a resolution fitting the zoom.

Single organisations carry `id`, `name` and `slug` (their page is /organisations/<slug>/):
what a popup needs, and no more, to keep views small.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, Count, Max, Min, QuerySet

from maillage.core.geo import BoundingBox
from maillage.directory.models import Establishment, MapCell, Organisation
from maillage.directory.search.cache import directory_version
from maillage.directory.search.memory import current_index
from maillage.directory.search.query import DirectoryFilters, filter_masks, filter_organisations

MAX_FEATURES = 500
POINTS_FROM_ZOOM = 13
# Coarsest first: the first resolution whose cells fit the zoom, made coarser while too many.
CELL_COLUMNS = ((6, "h3_r3"), (9, "h3_r5"), (12, "h3_r7"))
RESOLUTION_OF = {"h3_r3": 3, "h3_r5": 5, "h3_r7": 7}
MAP_CELLS_VERSION_KEY = "map-cells:version"
REBUILDING_KEY = "map-cells:rebuilding"


def rebuild_map_cells() -> int:
    """Count published establishments per cell at each resolution; returns the number of cells."""
    version = directory_version()  # read first: a write during the rebuild makes it stale again
    published = Establishment.objects.filter(
        organisation__is_published=True, latitude__isnull=False
    )
    with transaction.atomic():
        MapCell.objects.all().delete()
        for column, resolution in RESOLUTION_OF.items():
            MapCell.objects.bulk_create(
                (
                    MapCell(
                        resolution=resolution,
                        cell=group[column],
                        count=group["count"],
                        latitude=group["lat"],
                        longitude=group["lon"],
                        organisation_id=group["organisation"],
                    )
                    for group in _grouped(published, column).iterator(chunk_size=5000)
                ),
                batch_size=5000,
            )
    cache.set(MAP_CELLS_VERSION_KEY, version, timeout=None)
    cache.delete(REBUILDING_KEY)
    return MapCell.objects.count()


def _fresh_map_cells() -> bool:
    """Whether MapCell matches the directory; when not, rebuild it (a background task)."""
    if cache.get(MAP_CELLS_VERSION_KEY) == directory_version():
        return True
    from maillage.directory.tasks import rebuild_map_cells as rebuild_task

    # One rebuild at a time; the flag expires by itself if a worker dies while rebuilding.
    if cache.add(REBUILDING_KEY, True, timeout=300):
        rebuild_task.enqueue()
    return cache.get(MAP_CELLS_VERSION_KEY) == directory_version()


def _grouped(establishments: QuerySet, column: str) -> QuerySet:
    return (
        establishments.values(column)
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
        return establishments.filter(organisation__is_published=True)
    return establishments.filter(organisation_id__in=filter_organisations(filters).values("pk"))


def _point(longitude: float, latitude: float, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
        "properties": properties,
    }


def _organisation_features(rows: list[tuple[float, float, int]]) -> list[dict]:
    names = {
        pk: (brand or name, slug)
        for pk, name, brand, slug in Organisation.objects.filter(
            pk__in={row[2] for row in rows}
        ).values_list("pk", "name", "brand", "slug")
    }
    return [
        _point(
            longitude,
            latitude,
            {
                "count": 1,
                "id": pk,
                "name": names[pk][0],
                "slug": names[pk][1],
            },
        )
        for latitude, longitude, pk in rows
        if pk in names
    ]


def _cell_groups(
    establishments: QuerySet, column: str, bbox: BoundingBox, *, precomputed: bool
) -> list[dict]:
    if precomputed:
        cells = MapCell.objects.filter(
            resolution=RESOLUTION_OF[column],
            latitude__range=(bbox.min_lat, bbox.max_lat),
            longitude__range=(bbox.min_lon, bbox.max_lon),
        ).values_list("count", "latitude", "longitude", "organisation_id")
        return [
            {"count": count, "lat": lat, "lon": lon, "organisation": organisation}
            for count, lat, lon, organisation in cells[: MAX_FEATURES + 1]
        ]
    return list(_grouped(establishments, column)[: MAX_FEATURES + 1])


def _extent(filters: DirectoryFilters) -> list[float] | None:
    """[min_lon, min_lat, max_lon, max_lat] of what the filters find, so a map can frame it.

    None without filters: the whole directory is the map's default view anyway.
    """
    if filters == DirectoryFilters():
        return None
    index = current_index()
    if index is not None:
        return index.extent(
            index.located_establishments(index.combine(filter_masks(index, filters)))
        )
    box = (
        Establishment.objects.filter(organisation_id__in=filter_organisations(filters).values("pk"))
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
    index = None if filters == DirectoryFilters() else current_index()
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
    precomputed = filters == DirectoryFilters() and _fresh_map_cells()
    columns = [column for _max_zoom, column in CELL_COLUMNS]
    finest = next((column for max_zoom, column in CELL_COLUMNS if zoom <= max_zoom), columns[-1])
    for column in reversed(columns[: columns.index(finest) + 1]):  # finest first, then coarser
        groups = _cell_groups(establishments, column, bbox, precomputed=precomputed)
        if len(groups) <= MAX_FEATURES:
            break
    return _collection(_features(groups[:MAX_FEATURES]), zoom, column)


def _clusters_in_memory(index, filters: DirectoryFilters, bbox: BoundingBox, zoom: int) -> dict:
    """The same clusters from the in-memory index: a filtered map counts only what it shows."""
    found = index.combine(filter_masks(index, filters))
    establishments = index.located_establishments(found, bbox)
    if zoom >= POINTS_FROM_ZOOM and len(establishments) <= MAX_FEATURES:
        return _collection(_organisation_features(index.points(establishments)), zoom, "points")
    columns = [column for _max_zoom, column in CELL_COLUMNS]
    finest = next((column for max_zoom, column in CELL_COLUMNS if zoom <= max_zoom), columns[-1])
    for column in reversed(columns[: columns.index(finest) + 1]):  # finest first, then coarser
        groups = index.cell_groups(establishments, column)
        if len(groups) <= MAX_FEATURES:
            break
    return _collection(_features(groups[:MAX_FEATURES]), zoom, column)


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
