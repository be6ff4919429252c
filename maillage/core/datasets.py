"""Helpers for loading the reference files shipped in data/: read them, skip them when unchanged."""

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

from maillage.core.models import DatasetLoad


def file_checksum(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with the line where each starts in the file (the header is line 1).

    A quoted field may span lines, so the start is the line after the previous row's end.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        previous_end = 1
        for row in reader:
            yield previous_end + 1, row
            previous_end = reader.line_num


def is_already_loaded(name: str, checksum: str) -> bool:
    return DatasetLoad.objects.filter(name=name, checksum=checksum).exists()


def record_load(name: str, checksum: str, row_count: int, rejected_count: int = 0) -> None:
    DatasetLoad.objects.update_or_create(
        name=name,
        defaults={"checksum": checksum, "row_count": row_count, "rejected_count": rejected_count},
    )
