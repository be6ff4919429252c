"""The INSEE SIRENE stock files, read as streams: only the ESS legal units are kept in memory.

A directory holds `StockUniteLegale*.csv`, `StockEtablissement*.csv` and, optionally, the
geolocation file (`GeolocalisationEtablissement*.csv`, `;`-separated, `x_longitude` and
`y_latitude` in WGS 84). Three passes: the ESS units (flag `O`, active, diffusible), the points
of their establishments, then their active establishments, grouped by unit (the stock is
sorted by SIREN). `[ND]` is a value hidden by the INSEE: it is treated as absent.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from maillage.opendata.readers.base import (
    FileRefused,
    Opener,
    Preview,
    RowProblem,
    RowStream,
    row_problem,
)

HIDDEN = "[ND]"
UNIT_COLUMNS = (
    "siren",
    "statutDiffusionUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "etatAdministratifUniteLegale",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "identifiantAssociationUniteLegale",
    "nicSiegeUniteLegale",
)
ESTABLISHMENT_COLUMNS = (
    "siren",
    "siret",
    "etatAdministratifEtablissement",
    "etablissementSiege",
    "codePostalEtablissement",
    "codeCommuneEtablissement",
    "libelleCommuneEtablissement",
)


def _value(row: dict, column: str) -> str:
    value = (row.get(column) or "").strip()
    return "" if value == HIDDEN else value


def _find(directory: Path, pattern: str, *, required: bool = True) -> Path | None:
    found = sorted(directory.glob(pattern))
    if not found and required:
        raise FileRefused(f"{directory} : fichier {pattern} introuvable.")
    return found[0] if found else None


def _dict_rows(path: Path, delimiter: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = set(required) - set(reader.fieldnames or ())
        if missing:
            raise FileRefused(f"{path.name} : colonnes manquantes : {', '.join(sorted(missing))}.")
        try:
            for row in reader:
                yield reader.line_num, row
        except (csv.Error, UnicodeDecodeError) as error:
            raise FileRefused(
                f"{path.name} : fichier mal formé après la ligne {reader.line_num} ({error})."
            ) from error


def _address(row: dict) -> str:
    parts = [
        _value(row, "numeroVoieEtablissement"),
        _value(row, "indiceRepetitionEtablissement"),
        _value(row, "typeVoieEtablissement"),
        _value(row, "libelleVoieEtablissement"),
    ]
    return " ".join(part for part in parts if part)


class SireneReader:
    def __init__(self, opener: Opener | None = None, *, file_name: str, mapping=None, path=None):
        directory = Path(path or file_name)
        if directory.is_file():
            directory = directory.parent
        if not directory.is_dir():
            raise FileRefused(f"{file_name} : donnez le dossier des fichiers du stock SIRENE.")
        self.units_path = _find(directory, "StockUniteLegale*.csv")
        self.establishments_path = _find(directory, "StockEtablissement*.csv")
        self.geo_path = _find(directory, "*eolocalisation*.csv", required=False)
        self.headers, self.mapping = list(ESTABLISHMENT_COLUMNS), {}
        self._units: dict[str, dict] | None = None

    def _ess_units(self) -> dict[str, dict]:
        if self._units is None:
            self._units = {}
            for _line, row in _dict_rows(self.units_path, ",", UNIT_COLUMNS):
                if (
                    row["economieSocialeSolidaireUniteLegale"] == "O"
                    and row["etatAdministratifUniteLegale"] == "A"
                    and row["statutDiffusionUniteLegale"] == "O"
                ):
                    self._units[row["siren"]] = {
                        "name": _value(row, "denominationUniteLegale")
                        or " ".join(
                            part
                            for part in (
                                _value(row, "prenom1UniteLegale"),
                                _value(row, "nomUniteLegale"),
                            )
                            if part
                        ),
                        "brand": _value(row, "sigleUniteLegale"),
                        "legal_form": _value(row, "categorieJuridiqueUniteLegale"),
                        "naf": _value(row, "activitePrincipaleUniteLegale").replace(".", ""),
                        "rna": _value(row, "identifiantAssociationUniteLegale"),
                        "head_nic": _value(row, "nicSiegeUniteLegale"),
                    }
        return self._units

    def _points(self, units: dict[str, dict]) -> dict[str, tuple[str, str]]:
        points: dict[str, tuple[str, str]] = {}
        if self.geo_path is None:
            return points
        for _line, row in _dict_rows(self.geo_path, ";", ("siret", "x_longitude", "y_latitude")):
            if row["siret"][:9] in units:
                points[row["siret"]] = (_value(row, "y_latitude"), _value(row, "x_longitude"))
        return points

    def count(self) -> int:
        return len(self._ess_units())

    def rows(self) -> RowStream:
        """One row per ESS unit: its head office (or first active establishment), the others after."""
        units = self._ess_units()
        points = self._points(units)
        group: list[tuple[int, dict]] = []
        for line, row in _dict_rows(self.establishments_path, ",", ESTABLISHMENT_COLUMNS):
            if row["siren"] not in units or row["etatAdministratifEtablissement"] != "A":
                continue
            if row.get("statutDiffusionEtablissement", "O") not in ("O", ""):
                continue  # a non-diffusible establishment is not published
            if group and group[0][1]["siren"] != row["siren"]:
                yield self._unit_row(group, units, points)
                group = []
            group.append((line, row))
        if group:
            yield self._unit_row(group, units, points)

    def _unit_row(self, group, units, points) -> tuple[int, dict | RowProblem]:
        siren = group[0][1]["siren"]
        unit = units[siren]
        group.sort(key=lambda item: item[1]["siret"][9:] != unit["head_nic"])
        line, head = group[0]
        row = self._establishment(head, points)
        row.update({key: value for key, value in unit.items() if key != "head_nic"})
        row["siren"] = siren
        row["other_establishments"] = [
            self._establishment(other, points) for _l, other in group[1:]
        ]
        return line, row_problem(line, row) or row

    def _establishment(self, row: dict, points) -> dict:
        latitude, longitude = points.get(row["siret"], ("", ""))
        return {
            "siret": _value(row, "siret"),
            "address": _address(row),
            "postal_code": _value(row, "codePostalEtablissement"),
            "commune_insee": _value(row, "codeCommuneEtablissement"),
            "city": _value(row, "libelleCommuneEtablissement"),
            "latitude": latitude,
            "longitude": longitude,
        }

    def preview(self, count: int = 5) -> Preview:
        rows = []
        for _line, row in self.rows():
            if isinstance(row, RowProblem):
                continue
            rows.append([row["siret"], row["name"], row["postal_code"], row["city"]])
            if len(rows) >= count:
                break
        return Preview(["siret", "name", "postal_code", "city"], {}, rows, "stock SIRENE (ESS)")
