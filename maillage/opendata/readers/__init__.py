"""Readers of every import format, behind one interface (see base.py)."""

from pathlib import Path

from maillage.opendata.readers.base import FileRefused, Opener, Preview, RowProblem
from maillage.opendata.readers.other import GogocartoReader, LemarcheReader
from maillage.opendata.readers.sirene import SireneReader
from maillage.opendata.readers.tabular import CsvReader, XlsxReader

READERS = {
    "csv": CsvReader,
    "xlsx": XlsxReader,
    "lemarche": LemarcheReader,
    "gogocarto": GogocartoReader,
}

__all__ = ["FileRefused", "Preview", "RowProblem", "make_reader"]


def make_reader(
    format: str, *, opener: Opener | None, file_name: str, mapping=None, path: Path | None = None
):
    """The reader of a format; raises FileRefused when the file cannot be read at all."""
    if format == "sirene":
        return SireneReader(file_name=file_name, path=path)
    try:
        reader_class = READERS[format]
    except KeyError:
        raise FileRefused(f"Format inconnu : {format}.") from None
    return reader_class(opener, file_name=file_name, mapping=mapping)
