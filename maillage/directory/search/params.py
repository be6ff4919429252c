"""Parse the search parameters people and programs send; each error names the field, in French."""

import math

from maillage.core.geo import BoundingBox

MAX_RADIUS_KM = 300.0


class SearchParameterError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _numbers(field: str, text: str, count: int, example: str) -> list[float]:
    parts = [part.strip() for part in text.split(",")]
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != count or not all(math.isfinite(number) for number in numbers):
        raise SearchParameterError(
            field,
            f"{field} attend {count} nombres séparés par des virgules, par exemple {example}.",
        )
    return numbers


def _check_latitude_longitude(field: str, latitude: float, longitude: float) -> None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise SearchParameterError(
            field, f"{field} : latitude entre -90 et 90, longitude entre -180 et 180."
        )


def parse_near(text: str) -> tuple[float, float] | None:
    """'46.58,0.34' → (latitude, longitude)."""
    if not text:
        return None
    latitude, longitude = _numbers("near", text, 2, "near=46.58,0.34")
    _check_latitude_longitude("near", latitude, longitude)
    return latitude, longitude


def parse_radius(radius_km: float | None, near: tuple[float, float] | None) -> float | None:
    if radius_km is None:
        return None
    if near is None:
        raise SearchParameterError("radius_km", "radius_km demande aussi near=latitude,longitude.")
    if not (0 < radius_km <= MAX_RADIUS_KM):
        raise SearchParameterError(
            "radius_km", f"radius_km doit être compris entre 0 et {MAX_RADIUS_KM:.0f} km."
        )
    return radius_km


def parse_bbox(text: str) -> BoundingBox | None:
    """'min_lon,min_lat,max_lon,max_lat' (GeoJSON order); a box across the antimeridian is refused."""
    if not text:
        return None
    min_lon, min_lat, max_lon, max_lat = _numbers("bbox", text, 4, "bbox=-1.2,45.8,1.5,47.2")
    _check_latitude_longitude("bbox", min_lat, min_lon)
    _check_latitude_longitude("bbox", max_lat, max_lon)
    if min_lat > max_lat:
        raise SearchParameterError("bbox", "bbox : la latitude minimale dépasse la maximale.")
    if min_lon > max_lon:
        raise SearchParameterError(
            "bbox",
            "bbox : la longitude minimale dépasse la maximale ; une zone qui traverse "
            "l'antiméridien n'est pas prise en charge, découpez-la en deux.",
        )
    return BoundingBox(min_lon, min_lat, max_lon, max_lat)
