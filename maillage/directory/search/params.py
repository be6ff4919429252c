"""Parse the search parameters people and programs send; each error names the field, in French."""

import math

from maillage.core.geo import BoundingBox
from maillage.territory.models import Commune
from maillage.territory.selectors import commune_candidates

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
            f"{count} nombres séparés par des virgules sont attendus, par exemple {example}.",
        )
    return numbers


def _check_latitude_longitude(field: str, latitude: float, longitude: float) -> None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise SearchParameterError(
            field, "La latitude doit être entre -90 et 90, la longitude entre -180 et 180."
        )


def parse_near(text: str) -> tuple[float, float] | None:
    """'46.58,0.34' → (latitude, longitude)."""
    if not text:
        return None
    latitude, longitude = _numbers("near", text, 2, "46.58,0.34")
    _check_latitude_longitude("near", latitude, longitude)
    return latitude, longitude


def parse_radius(radius_km: float | None, near: tuple[float, float] | None) -> float | None:
    if radius_km is None:
        return None
    if near is None:
        raise SearchParameterError(
            "radius_km", "Un rayon demande aussi un centre : une commune, ou un point (near)."
        )
    if not (0 < radius_km <= MAX_RADIUS_KM):
        raise SearchParameterError(
            "radius_km", f"Le rayon doit être compris entre 0 et {MAX_RADIUS_KM:.0f} km."
        )
    return radius_km


def parse_bbox(text: str) -> BoundingBox | None:
    """'min_lon,min_lat,max_lon,max_lat' (GeoJSON order); a box across the antimeridian is refused."""
    if not text:
        return None
    min_lon, min_lat, max_lon, max_lat = _numbers("bbox", text, 4, "-1.2,45.8,1.5,47.2")
    _check_latitude_longitude("bbox", min_lat, min_lon)
    _check_latitude_longitude("bbox", max_lat, max_lon)
    if min_lat > max_lat:
        raise SearchParameterError("bbox", "La latitude minimale dépasse la maximale.")
    if min_lon > max_lon:
        raise SearchParameterError(
            "bbox",
            "La longitude minimale dépasse la maximale ; une zone qui traverse "
            "l'antiméridien n'est pas prise en charge, découpez-la en deux.",
        )
    return BoundingBox(min_lon, min_lat, max_lon, max_lat)


# « Dans un rayon de » : the choices the pages offer; 0 is the commune alone.
RADIUS_CHOICES_KM = (0, 5, 10, 20, 30, 50, 100)
# A commune chosen without a radius: the distance a buyer of local services looks across (the
# issue's buyer: Lyon, 20 km, reaches Villeurbanne, Vénissieux and Bron).
DEFAULT_PLACE_RADIUS_KM = 20
# A place read from the search words must be a town: « produits de la mer » is not about Mer
# (Loir-et-Cher, 6,000 inhabitants), nor « jardin » about Jardin (Isère). The words still find
# a smaller commune as text, since the searched text holds each organisation's places.
PLACE_IN_TEXT_MIN_POPULATION = 10_000


def place_filters(
    commune: Commune | None, near: tuple[float, float] | None, radius_km: float | None
) -> dict:
    """The commune, near and radius_km of DirectoryFilters, one rule for pages and API: a
    commune with a radius is a circle around its centre; radius 0, the commune alone."""
    if commune is not None and radius_km and near is None and commune.latitude is not None:
        radius_km = parse_radius(radius_km, (commune.latitude, commune.longitude))
        return {
            "commune": "",
            "near": (commune.latitude, commune.longitude),
            "radius_km": radius_km,
        }
    if commune is not None and not radius_km and near is None:
        radius_km = None
    return {
        "commune": commune.insee_code if commune is not None else "",
        "near": near,
        "radius_km": parse_radius(radius_km, near),
    }


def split_place(query: str) -> tuple[str, Commune] | None:
    """(the other words, the commune) when the query starts or ends with the name of one
    commune (« nettoyage Lyon », « Saint-Étienne recyclerie »), else None. Longest names first;
    an ambiguous name or a small town is left to the words."""
    words = query.split()
    for size in range(min(4, len(words) - 1), 0, -1):
        for place, rest in ((words[-size:], words[:-size]), (words[:size], words[size:])):
            found = commune_candidates(" ".join(place))
            if len(found) == 1 and (found[0].population or 0) >= PLACE_IN_TEXT_MIN_POPULATION:
                return " ".join(rest), found[0]
    return None
