"""The one CSV writer of the platform: cells that spreadsheet software would run as a formula
are quoted.

A value written by a member or read from an imported file (`=HYPERLINK(…)`, `@SUM(…)`,
`+33…`) would otherwise be executed when an animator opens an export or an import report in
a spreadsheet. The CSV import removes the quote again (readers/tabular.py), so an export
imports back unchanged. Numbers (int, float) are written as they are.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_CHARS = frozenset("=+-@\t\r")


def neutralise(value: Any) -> Any:
    """'=1+1' → "'=1+1"; other values unchanged."""
    if isinstance(value, str) and value[:1] in FORMULA_CHARS:
        return f"'{value}"
    return value


class SafeWriter:
    """csv.writer with every text cell passed through neutralise()."""

    def __init__(self, handle, **options) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle, **options) -> SafeWriter:
    return SafeWriter(handle, **options)
