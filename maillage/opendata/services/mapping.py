"""Explicit column mappings, for files whose headers the aliases do not recognise."""

import csv
from pathlib import Path

from maillage.opendata.readers.base import CANONICAL_FIELDS, FileRefused


def parse_mapping(lines: list[list[str]]) -> dict[str, str]:
    """Rows « column ; field »; fields are the canonical names (name, siret, postal_code…)."""
    mapping = {}
    for number, cells in enumerate(lines, start=1):
        if not cells or not "".join(cells).strip() or len(cells) < 2:
            continue
        column, name = cells[0].strip(), cells[1].strip()
        if number == 1 and name in ("champ", "field"):
            continue
        if name not in CANONICAL_FIELDS:
            raise FileRefused(
                f"Correspondance, ligne {number} : champ « {name} » inconnu "
                f"(champs possibles : {', '.join(CANONICAL_FIELDS)})."
            )
        if name and column:
            mapping[column] = name
    return mapping


def read_mapping_file(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        return parse_mapping(list(csv.reader(handle, delimiter=delimiter)))
