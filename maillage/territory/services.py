"""Load France's geography from the files in data/, idempotently (upsert by INSEE code)."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from maillage.core.datasets import file_checksum, is_already_loaded, read_csv, record_load
from maillage.core.text import fold
from maillage.territory.models import EPCI, Commune, Departement, PostalCode, Region

DATASET_NAME = "territory"
TERRITORY_FILES = ("regions.csv", "departements.csv", "epci.csv", "communes.csv")


@dataclass
class TerritoryLoadReport:
    regions: int = 0
    departements: int = 0
    epcis: int = 0
    communes: int = 0
    postal_codes: int = 0
    skipped: bool = False


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None


def _float_or_none(value: str) -> float | None:
    return float(value) if value else None


def _upsert(model, objects: list, unique_field: str) -> int:
    fields = [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != unique_field
    ]
    model.objects.bulk_create(
        objects,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=[unique_field],
        update_fields=fields,
    )
    return len(objects)


def _load_communes(path: Path, report: TerritoryLoadReport) -> None:
    rows = [row for _line, row in read_csv(path)]
    communes = [
        Commune(
            insee_code=row["insee_code"],
            name=row["name"],
            search_name=fold(row["name"]),
            kind=row["type"],
            parent_id=None,
            departement_id=row["departement_code"],
            epci_id=row["epci_code"] or None,
            population=_int_or_none(row["population"]),
            latitude=_float_or_none(row["latitude"]),
            longitude=_float_or_none(row["longitude"]),
        )
        for row in rows
    ]
    _fill_city_centres_from_arrondissements(communes, rows)
    report.communes = _upsert(Commune, communes, "insee_code")
    parents = {
        row["insee_code"]: row["parent_insee_code"] for row in rows if row["parent_insee_code"]
    }
    for insee_code, parent_code in parents.items():
        Commune.objects.filter(insee_code=insee_code).update(parent_id=parent_code)

    postal_codes = [
        PostalCode(code=code, commune_id=row["insee_code"])
        for row in rows
        for code in row["postal_codes"].split("|")
        if code
    ]
    PostalCode.objects.all().delete()
    PostalCode.objects.bulk_create(postal_codes, batch_size=5000)
    report.postal_codes = len(postal_codes)


def _fill_city_centres_from_arrondissements(communes: list[Commune], rows: list[dict]) -> None:
    """Paris, Lyon and Marseille have no point of their own: use their arrondissements' centre."""
    points: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        if row["parent_insee_code"] and row["latitude"]:
            points.setdefault(row["parent_insee_code"], []).append(
                (float(row["latitude"]), float(row["longitude"]))
            )
    for commune in communes:
        if commune.latitude is None and commune.insee_code in points:
            latitudes, longitudes = zip(*points[commune.insee_code], strict=True)
            commune.latitude = sum(latitudes) / len(latitudes)
            commune.longitude = sum(longitudes) / len(longitudes)


def load_territory(*, data_dir: Path | None = None, force: bool = False) -> TerritoryLoadReport:
    """Upsert régions, départements, EPCI, communes and postal codes; skip an unchanged load."""
    data_dir = data_dir or settings.DATA_DIR
    paths = [data_dir / name for name in TERRITORY_FILES]
    checksum = file_checksum(*paths)
    if not force and is_already_loaded(DATASET_NAME, checksum):
        return TerritoryLoadReport(skipped=True)

    report = TerritoryLoadReport()
    regions_path, departements_path, epci_path, communes_path = paths
    with transaction.atomic():
        report.regions = _upsert(
            Region,
            [
                Region(code=row["code"], name=row["name"], zone=row["zone"])
                for _line, row in read_csv(regions_path)
            ],
            "code",
        )
        report.departements = _upsert(
            Departement,
            [
                Departement(
                    code=row["code"],
                    name=row["name"],
                    region_id=row["region_code"],
                    zone=row["zone"],
                )
                for _line, row in read_csv(departements_path)
            ],
            "code",
        )
        report.epcis = _upsert(
            EPCI,
            [
                EPCI(
                    code=row["code"],
                    name=row["name"],
                    kind=row["type"],
                    population=_int_or_none(row["population_totale"]),
                )
                for _line, row in read_csv(epci_path)
            ],
            "code",
        )
        _load_communes(communes_path, report)
        record_load(DATASET_NAME, checksum, report.communes)
    return report
