"""Formats of other platforms: the inclusion market's SIAE list and GoGoCarto's JSON export."""

import json

from maillage.opendata.readers.base import (
    FileRefused,
    Opener,
    Preview,
    RowProblem,
    RowStream,
    row_problem,
)
from maillage.opendata.readers.tabular import CsvReader

# Le Marché de l'inclusion: its column → our field. The SIRET is the key, as in the demo data.
LEMARCHE_MAPPING = {
    "siret": "siret",
    "name": "name",
    "brand": "brand",
    "kind": "kinds",
    "naf": "naf",
    "address": "address",
    "postcode": "postal_code",
    "city": "city",
    "department": "departement",
    "latitude": "latitude",
    "longitude": "longitude",
    "website": "website",
    "description": "description",
    "slug": "slug",
}


class LemarcheReader:
    """One row per SIAE and agreement: the rows of one SIRET become one organisation with its kinds.

    The list is small (about 10,000 rows), so it is grouped in memory.
    """

    def __init__(self, opener: Opener, *, file_name: str, mapping: dict[str, str] | None = None):
        self.csv = CsvReader(opener, file_name=file_name, mapping=LEMARCHE_MAPPING)
        missing = set(LEMARCHE_MAPPING) - set(self.csv.headers)
        if missing:
            raise FileRefused(
                f"{file_name} n'a pas les colonnes de la liste du Marché de l'inclusion : "
                + ", ".join(sorted(missing))
            )
        self.headers, self.mapping = self.csv.headers, LEMARCHE_MAPPING

    def count(self) -> int:
        return self.csv.count()

    def rows(self) -> RowStream:
        grouped: dict[str, tuple[int, dict]] = {}
        for line, row in self.csv.rows():
            if isinstance(row, RowProblem) or not row.get("siret"):
                yield line, row
                continue
            if row["siret"] in grouped:
                kinds = grouped[row["siret"]][1]["kinds"]
                grouped[row["siret"]][1]["kinds"] = f"{kinds},{row['kinds']}"
            else:
                grouped[row["siret"]] = (line, row)
        for line, row in sorted(grouped.values(), key=lambda item: item[0]):
            yield line, row

    def preview(self, count: int = 5) -> Preview:
        return self.csv.preview(count)


# GoGoCarto moderation: 1 and above are published on the map; 0 awaits moderation, below is
# refused or deleted. Elements without a status are taken as published.
PUBLISHED_STATUS = 1
# Text fields may be numbers too (a postal code typed as one); any other JSON type is a report
# line for that element, never a crash. `geo` and `address` must be objects.
SCALAR = (str, int, float, type(None))
_OBJECTS = ("geo", "address")


class WrongType(Exception):
    def __init__(self, field: str, value) -> None:
        super().__init__(field)
        self.field, self.value = field, value


def _text(value, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, SCALAR):
        raise WrongType(field, value)
    return "" if value is None else str(value).strip()


def _type_name(value) -> str:
    return {dict: "un objet", list: "une liste", bool: "un booléen"}.get(type(value), "un texte")


def _category_names(value) -> list[str]:
    """GoGoCarto gives names (`categories`) or objects with a name (`categoriesFull`)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise WrongType("categories", value)
    names = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        names.append(_text(name, "categories"))
    return [name for name in names if name]


def _element_row(element: dict) -> dict[str, str]:
    objects = {}
    for key in _OBJECTS:
        value = element.get(key)
        if value is not None and not isinstance(value, dict):
            raise WrongType(key, value)
        objects[key] = value or {}
    geo, address = objects["geo"], objects["address"]
    description = "\n\n".join(
        text
        for text in (
            _text(element.get("description"), "description"),
            _text(
                element.get("descriptionMore", element.get("description_more")), "descriptionMore"
            ),
        )
        if text
    )
    categories = _category_names(element.get("categories") or element.get("categoriesFull"))
    return {
        "source_id": _text(element.get("id"), "id"),
        "name": _text(element.get("name"), "name"),
        "siret": _text(element.get("siret"), "siret"),
        "address": _text(address.get("streetAddress"), "address.streetAddress"),
        "postal_code": _text(address.get("postalCode"), "address.postalCode"),
        "city": _text(address.get("addressLocality"), "address.addressLocality"),
        "latitude": _text(geo.get("latitude"), "geo.latitude"),
        "longitude": _text(geo.get("longitude"), "geo.longitude"),
        "email": _text(element.get("email"), "email"),
        "phone": _text(element.get("telephone"), "telephone"),
        "website": _text(element.get("website"), "website"),
        "description": description,
        "categories": ", ".join(categories),
    }


def _preview_cell(element, key: str) -> str:
    value = element.get(key) if isinstance(element, dict) else None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[:200]
    return "" if value is None else str(value)[:200]


class GogocartoReader:
    """The JSON of a GoGoCarto map (`/api/elements.json`): elements under `data`.

    Exports of a territory's map are a few megabytes: the JSON is read whole (in the isolated
    reader process, under its memory limit).
    """

    def __init__(self, opener: Opener, *, file_name: str, mapping: dict[str, str] | None = None):
        self.file_name = file_name
        try:
            with opener() as handle:
                document = json.load(handle)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise FileRefused(f"{file_name} n'est pas un JSON lisible ({error}).") from error
        except RecursionError as error:
            raise FileRefused(
                f"{file_name} : JSON imbriqué trop profondément pour être un export GoGoCarto."
            ) from error
        elements = document.get("data") if isinstance(document, dict) else document
        if not isinstance(elements, list):
            raise FileRefused(
                f"{file_name} n'est pas un export GoGoCarto : la liste « data » des éléments manque."
            )
        self.elements = elements
        self.headers = ["id", "name", "geo", "address", "categories", "email", "telephone"]
        self.mapping = {}
        self.notices: list[RowProblem] = []

    def count(self) -> int:
        return len(self.elements)

    def _element(self, number: int, element) -> dict | RowProblem:
        """The row of one element, or the report line saying why it is left out."""
        if not isinstance(element, dict):
            return RowProblem(number, "", "", "Élément qui n'est pas un objet JSON.")
        try:
            row = _element_row(element)
            status = element.get("status")
            if status is not None and not isinstance(status, bool | int | float):
                raise WrongType("status", status)
        except WrongType as wrong:
            return RowProblem(
                number,
                wrong.field,
                json.dumps(wrong.value, ensure_ascii=False)[:40],
                f"Type JSON inattendu pour « {wrong.field} » : {_type_name(wrong.value)}.",
            )
        if status is not None and status < PUBLISHED_STATUS:
            return RowProblem(
                number,
                "status",
                str(status),
                "Élément en attente de modération ou refusé sur la carte GoGoCarto "
                "(status inférieur à 1) : il n'est pas importé.",
            )
        return row_problem(number, row) or row

    def rows(self) -> RowStream:
        for number, element in enumerate(self.elements, start=1):
            yield number, self._element(number, element)

    def preview(self, count: int = 5) -> Preview:
        rows = [
            [_preview_cell(element, key) for key in self.headers]
            for element in self.elements[:count]
        ]
        return Preview(self.headers, {}, rows, f"{len(self.elements)} éléments GoGoCarto")
