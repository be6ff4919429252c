"""Formats of other platforms: the inclusion market's SIAE list and GoGoCarto's JSON export."""

import json

from maillage.opendata.readers.base import FileRefused, Opener, Preview, RowProblem, RowStream
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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    return str(value).strip()


class GogocartoReader:
    """The JSON of a GoGoCarto map (`/api/elements.json`): elements under `data`.

    Exports of a territory's map are a few megabytes: the JSON is read whole.
    """

    def __init__(self, opener: Opener, *, file_name: str, mapping: dict[str, str] | None = None):
        self.file_name = file_name
        try:
            with opener() as handle:
                document = json.load(handle)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise FileRefused(f"{file_name} n'est pas un JSON lisible ({error}).") from error
        elements = document.get("data") if isinstance(document, dict) else document
        if not isinstance(elements, list):
            raise FileRefused(
                f"{file_name} n'est pas un export GoGoCarto : la liste « data » des éléments manque."
            )
        self.elements = elements
        self.headers = ["id", "name", "geo", "address", "categories", "email", "telephone"]
        self.mapping = {}

    def count(self) -> int:
        return len(self.elements)

    def rows(self) -> RowStream:
        for number, element in enumerate(self.elements, start=1):
            if not isinstance(element, dict):
                yield number, RowProblem(number, "", "", "Élément qui n'est pas un objet JSON.")
                continue
            geo = element.get("geo") or {}
            address = element.get("address") or {}
            yield (
                number,
                {
                    "source_id": _text(element.get("id")),
                    "name": _text(element.get("name")),
                    "siret": _text(element.get("siret")),
                    "address": _text(address.get("streetAddress")),
                    "postal_code": _text(address.get("postalCode")),
                    "city": _text(address.get("addressLocality")),
                    "latitude": _text(geo.get("latitude")),
                    "longitude": _text(geo.get("longitude")),
                    "email": _text(element.get("email")),
                    "phone": _text(element.get("telephone")),
                    "website": _text(element.get("website")),
                    "description": _text(
                        element.get("description") or element.get("description_more")
                    ),
                },
            )

    def preview(self, count: int = 5) -> Preview:
        rows = [
            [_text(element.get(key)) if isinstance(element, dict) else "" for key in self.headers]
            for element in self.elements[:count]
        ]
        return Preview(self.headers, {}, rows, f"{len(self.elements)} éléments GoGoCarto")
