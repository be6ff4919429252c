"""Geography helpers: H3 cells, distances and bounding boxes, shared by search and maps."""

import math
from dataclasses import dataclass

import numpy as np
from h3.api import basic_int as h3

EARTH_RADIUS_KM = 6371.0088
CELL_RESOLUTIONS = (3, 5, 7)
# Decimals of published coordinates: 6 is about 10 cm, finer than any address; more is noise.
COORDINATE_DECIMALS = 6


def published_coordinate(value: float | None) -> float | None:
    """A latitude or longitude as every export writes it."""
    return None if value is None else round(value, COORDINATE_DECIMALS)


def cells_of(latitude: float, longitude: float) -> tuple[int, int, int]:
    return tuple(h3.latlng_to_cell(latitude, longitude, res) for res in CELL_RESOLUTIONS)


# H3 cell ids are 64-bit integers: the resolution in bits 52–55, then one 3-bit digit per
# resolution (resolution r at bits 45 − 3r to 47 − 3r), unused digits set to 7. A parent is the
# same id with a lower resolution and its finer digits set to 7: plain bit operations, which SQL
# and numpy do as fast as reading the column.
_RESOLUTION_BITS = 0xF << 52


def parent_cell_bits(resolution: int, parent: int) -> tuple[int, int]:
    """(mask, value) such that `(cell & mask) | value` is the parent of a cell at `resolution`."""
    digits = sum(7 << (45 - 3 * r) for r in range(parent + 1, resolution + 1))
    mask = ~(_RESOLUTION_BITS | digits) & ((1 << 63) - 1)
    return mask, (parent << 52) | digits


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def haversine_km_many(latitudes, longitudes, latitude: float, longitude: float) -> np.ndarray:
    """Distances (km) from one point to arrays of points, NaN where a point is missing: the SQL
    formula of directory.search.query.distance_km, so that in-memory and SQL paths agree at a
    radius's boundary."""
    half_d_lat = np.sin(np.radians(latitudes - latitude) / 2.0)
    half_d_lon = np.sin(np.radians(longitudes - longitude) / 2.0)
    a = (
        half_d_lat * half_d_lat
        + np.cos(np.radians(latitude)) * np.cos(np.radians(latitudes)) * half_d_lon * half_d_lon
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


@dataclass(frozen=True)
class BoundingBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def box_around(latitude: float, longitude: float, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box that contains the circle (for an index prefilter)."""
    d_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(latitude)), 1e-6)
    d_lon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat))
    return BoundingBox(longitude - d_lon, latitude - d_lat, longitude + d_lon, latitude + d_lat)


def cells_covering(
    latitude: float, longitude: float, radius_km: float
) -> tuple[str, list[int]] | None:
    """H3 cells whose union covers the circle, at the finest resolution that keeps the list short.

    Returns the column name and the cells, or None when the circle is too large for cells to help.
    """
    for resolution, column in ((7, "h3_r7"), (5, "h3_r5")):
        edge_km = h3.average_hexagon_edge_length(resolution, "km")
        # A grid disk of k rings reaches at least k * 1.5 * edge (the hexagons' inner spacing).
        rings = math.ceil(radius_km / (1.5 * edge_km)) + 1
        if rings <= 12:
            centre = h3.latlng_to_cell(latitude, longitude, resolution)
            return column, list(h3.grid_disk(centre, rings))
    return None
