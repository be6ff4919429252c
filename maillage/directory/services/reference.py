"""Load the directory's reference lists: legal forms, NAF codes, sectors and NAF→sector rules
from data/, and the fixed lists of structure kinds and daily needs."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from maillage.core.datasets import file_checksum, is_already_loaded, read_csv, record_load
from maillage.directory.models import (
    DailyNeed,
    LegalForm,
    NafCode,
    NafSectorRule,
    Sector,
    StructureKind,
)

# The fixed lists every instance starts with; animators can edit them afterwards.
STRUCTURE_KINDS = [
    ("EI", "Entreprise d'insertion", True),
    ("ETTI", "Entreprise de travail temporaire d'insertion", True),
    ("ACI", "Atelier et chantier d'insertion", True),
    ("AI", "Association intermédiaire", True),
    ("EITI", "Entreprise d'insertion par le travail indépendant", True),
    ("EA", "Entreprise adaptée", False),
    ("ESAT", "Établissement et service d'aide par le travail", False),
    ("GEIQ", "Groupement d'employeurs pour l'insertion et la qualification", False),
]

DAILY_NEEDS = [
    ("se-nourrir", "Se nourrir"),
    ("se-loger", "Se loger"),
    ("se-deplacer", "Se déplacer"),
    ("se-soigner", "Se soigner"),
    ("se-former", "Se former"),
    ("s-equiper", "S'équiper"),
    ("se-divertir", "Se divertir"),
]


DATASET_NAME = "directory-reference"
REFERENCE_FILES = ("categories_juridiques.csv", "naf.csv", "sectors.csv", "naf_sectors.csv")


@dataclass
class ReferenceLoadReport:
    legal_forms: int = 0
    naf_codes: int = 0
    sectors: int = 0
    naf_rules: int = 0
    skipped: bool = False


def _upsert_tree(model, rows: list[dict], key: str) -> int:
    """Insert or update rows whose parent is another row of the same file.

    A parent the file does not list (INSEE's '00' points at a '0' that does not exist) is dropped.
    """
    keys = {row[key] for row in rows}
    existing = set(model.objects.values_list(key, flat=True))
    for row in rows:
        if row["parent_id"] not in keys:
            row["parent_id"] = None
        values = {name: value for name, value in row.items() if name != key}
        if row[key] in existing:
            model.objects.filter(**{key: row[key]}).update(**values)
        else:
            model.objects.create(**row)
    return len(rows)


def _load_sectors(path: Path) -> int:
    """Groups become parent sectors; a sector keeps its slug so links survive a reload."""
    groups: dict[str, str] = {}
    sectors: list[tuple[str, str, str]] = []
    for _line, row in read_csv(path):
        groups[row["group_slug"]] = row["group_name"]
        sectors.append((row["sector_slug"], row["sector_name"], row["group_slug"]))
    for slug, name in groups.items():
        Sector.objects.update_or_create(slug=slug, defaults={"name": name, "parent": None})
    parents = dict(Sector.objects.filter(slug__in=groups).values_list("slug", "pk"))
    for slug, name, group_slug in sectors:
        Sector.objects.update_or_create(
            slug=slug, defaults={"name": name, "parent_id": parents[group_slug]}
        )
    return len(groups) + len(sectors)


def _seed_fixed_lists() -> None:
    for position, (code, name, is_siae) in enumerate(STRUCTURE_KINDS):
        StructureKind.objects.update_or_create(
            code=code, defaults={"name": name, "is_siae": is_siae, "position": position}
        )
    for position, (slug, name) in enumerate(DAILY_NEEDS):
        DailyNeed.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def _load_naf_rules(path: Path) -> int:
    """Replaces the shipped rules; rules animators added by hand for other prefixes stay."""
    sector_ids = dict(Sector.objects.values_list("slug", "pk"))
    rules = [
        NafSectorRule(
            naf_prefix=row["naf_prefix"].upper(),
            sector_id=sector_ids[row["sector_slug"]],
            note=row.get("note", ""),
        )
        for _line, row in read_csv(path)
    ]
    NafSectorRule.objects.bulk_create(
        rules,
        update_conflicts=True,
        unique_fields=["naf_prefix", "sector"],
        update_fields=["note"],
    )
    return len(rules)


def load_reference_data(
    *, data_dir: Path | None = None, force: bool = False
) -> ReferenceLoadReport:
    data_dir = data_dir or settings.DATA_DIR
    paths = [data_dir / name for name in REFERENCE_FILES]
    checksum = file_checksum(*paths)
    if not force and is_already_loaded(DATASET_NAME, checksum):
        return ReferenceLoadReport(skipped=True)
    legal_forms_path, naf_path, sectors_path, rules_path = paths
    report = ReferenceLoadReport()
    with transaction.atomic():
        report.legal_forms = _upsert_tree(
            LegalForm,
            [
                {
                    "code": row["code"],
                    "label": row["label"],
                    "level": int(row["level"]),
                    "parent_id": row["parent_code"] or None,
                }
                for _line, row in read_csv(legal_forms_path)
            ],
            "code",
        )
        report.naf_codes = _upsert_tree(
            NafCode,
            [
                {
                    "code": row["code"],
                    "code_compact": row["code_compact"],
                    "label": row["label"],
                    "level": row["level"],
                    "parent_id": row["parent_code"] or None,
                }
                for _line, row in read_csv(naf_path)
            ],
            "code",
        )
        _seed_fixed_lists()
        report.sectors = _load_sectors(sectors_path)
        report.naf_rules = _load_naf_rules(rules_path)
        record_load(DATASET_NAME, checksum, report.naf_codes + report.legal_forms)
    return report
