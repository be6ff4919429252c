"""Spreadsheets people bring: CSV in any usual encoding and delimiter, and XLSX workbooks."""

import codecs
import csv
import io
from collections.abc import Iterator

from charset_normalizer import from_bytes

from maillage.opendata.readers.base import (
    FileRefused,
    Opener,
    Preview,
    RowProblem,
    RowStream,
    check_mapping,
    guess_mapping,
)

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
# Larger cells are refused row by row; the csv module must still read them to go on.
MAX_CELL_CHARS = 100_000
csv.field_size_limit(64 * 1024 * 1024)


def _detect_encoding(sample: bytes, file_name: str) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in sample:
        raise FileRefused(
            f"{file_name} n'est pas un fichier CSV : il contient des données binaires "
            "(PDF, image, archive ou classeur ?)."
        )
    try:
        # The sample may end inside a multi-byte character: ignore its last bytes.
        sample.decode("utf-8") if len(sample) < SAMPLE_BYTES else sample[:-4].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample, cp_isolation=["cp1252", "latin_1", "iso8859_15", "mac_roman"]).best()
    if best is None:
        raise FileRefused(
            f"{file_name} : encodage des caractères non reconnu (UTF-8 ou Windows-1252 attendus)."
        )
    # Windows-1252 is a superset of Latin-1 for every printable character people type.
    return "cp1252" if best.encoding in ("latin_1", "iso8859_15") else best.encoding


def _detect_delimiter(first_line: str) -> str:
    counts = {delimiter: 0 for delimiter in DELIMITERS}
    in_quotes = False
    for char in first_line:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    delimiter = max(DELIMITERS, key=lambda d: counts[d])
    return delimiter if counts[delimiter] else ","


class CsvReader:
    """Encoding, delimiter and header guessed from the start of the file; rows read as a stream."""

    def __init__(self, opener: Opener, *, file_name: str, mapping: dict[str, str] | None = None):
        self.opener = opener
        self.file_name = file_name
        with opener() as handle:
            sample = handle.read(SAMPLE_BYTES)
        if not sample.strip():
            raise FileRefused(f"{file_name} est vide.")
        self.encoding = _detect_encoding(sample, file_name)
        text = sample.decode(self.encoding, errors="ignore")
        first_line = next((line for line in text.splitlines() if line.strip()), "")
        self.delimiter = _detect_delimiter(first_line)
        self.headers = self._headers()
        self.mapping = mapping or guess_mapping(self.headers)
        unknown = set(self.mapping) - set(self.headers)
        if unknown:
            raise FileRefused(
                f"{file_name} : la correspondance cite des colonnes absentes du fichier : "
                + ", ".join(sorted(unknown))
            )
        check_mapping(self.mapping, file_name=file_name)

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(line where the record starts, cells), blank lines skipped."""
        with self.opener() as binary:
            text = io.TextIOWrapper(binary, encoding=self.encoding, newline="")
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            previous_end = 0
            try:
                for cells in reader:
                    start, previous_end = previous_end + 1, reader.line_num
                    if cells and any(cell.strip() for cell in cells):
                        yield start, cells
            except UnicodeDecodeError as error:
                raise FileRefused(
                    f"{self.file_name} : caractères illisibles après la ligne {previous_end} "
                    f"(encodage {self.encoding} détecté au début du fichier)."
                ) from error
            except csv.Error as error:
                raise FileRefused(
                    f"{self.file_name} : le fichier semble tronqué ou mal formé après la ligne "
                    f"{previous_end} (guillemet non refermé : {error})."
                ) from error

    def _headers(self) -> list[str]:
        for _line, cells in self._records():
            return [cell.strip() for cell in cells]
        raise FileRefused(f"{self.file_name} ne contient aucune ligne.")

    def count(self) -> int:
        """Read the whole file once: refuses it before anything is written if it is broken."""
        total, last_line, last_width = 0, 0, len(self.headers)
        for line, cells in self._records():
            total, last_line, last_width = total + 1, line, len(cells)
        if total > 1 and last_width < len(self.headers):
            raise FileRefused(
                f"{self.file_name} semble tronqué : sa dernière ligne ({last_line}) n'a que "
                f"{last_width} colonnes sur {len(self.headers)}."
            )
        return max(0, total - 1)

    def rows(self) -> RowStream:
        width = len(self.headers)
        positions = [(self.headers.index(header), name) for header, name in self.mapping.items()]
        records = self._records()
        next(records, None)  # the header
        for line, cells in records:
            if len(cells) != width:
                yield (
                    line,
                    RowProblem(
                        line,
                        "",
                        f"{len(cells)} colonnes",
                        f"La ligne compte {len(cells)} colonnes au lieu des {width} de l'en-tête "
                        "(séparateur ou guillemet en trop ?).",
                    ),
                )
                continue
            yield line, _cells_to_row(line, cells, positions)

    def preview(self, count: int = 5) -> Preview:
        rows = []
        for _line, cells in self._records():
            rows.append(cells)
            if len(rows) > count:
                break
        detail = f"encodage {self.encoding}, séparateur « {self.delimiter.replace(chr(9), 'tabulation')} »"
        return Preview(self.headers, self.mapping, rows[1:], detail)


def _cells_to_row(
    line: int, cells: list, positions: list[tuple[int, str]]
) -> dict[str, str] | RowProblem:
    row: dict[str, str] = {}
    for index, name in positions:
        value = _cell_text(cells[index]) if index < len(cells) else ""
        if len(value) > MAX_CELL_CHARS:
            return RowProblem(
                line,
                name,
                value[:40] + "…",
                f"Valeur trop longue ({len(value):,} caractères, {MAX_CELL_CHARS:,} au plus).".replace(
                    ",", " "
                ),
            )
        row[name] = value
    return row


def _cell_text(value) -> str:
    """Spreadsheet numbers back to the text people typed: 80746931700018.0 → '80746931700018'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = str(value).strip()
    # Undo the quote our exports put before what a spreadsheet would run as a formula.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


class XlsxReader:
    """The first sheet of a workbook; merged cells give their value to every cell they cover."""

    def __init__(self, opener: Opener, *, file_name: str, mapping: dict[str, str] | None = None):
        from python_calamine import CalamineWorkbook

        self.file_name = file_name
        try:
            with opener() as handle:
                workbook = CalamineWorkbook.from_filelike(handle)
                sheet = workbook.get_sheet_by_index(0)
                self._cells = [list(row) for row in sheet.to_python(skip_empty_area=False)]
                merged = sheet.merged_cell_ranges or []
        except Exception as error:  # calamine raises its own errors for every broken file
            raise FileRefused(
                f"{file_name} n'est pas un classeur XLSX lisible ({error})."
            ) from error
        for (top, left), (bottom, right) in merged:
            value = self._cells[top][left]
            for r in range(top, bottom + 1):
                for c in range(left, right + 1):
                    self._cells[r][c] = value
        if not self._cells:
            raise FileRefused(f"{file_name} : la première feuille est vide.")
        self.headers = [_cell_text(cell) for cell in self._cells[0]]
        self.mapping = mapping or guess_mapping(self.headers)
        check_mapping(self.mapping, file_name=file_name)

    def _lines(self) -> Iterator[tuple[int, list]]:
        for index, cells in enumerate(self._cells[1:], start=2):
            if any(_cell_text(cell) for cell in cells):
                yield index, cells

    def count(self) -> int:
        return sum(1 for _ in self._lines())

    def rows(self) -> RowStream:
        positions = [(self.headers.index(header), name) for header, name in self.mapping.items()]
        for line, cells in self._lines():
            row = _cells_to_row(line, cells, positions)
            if isinstance(row, dict) and row.get("postal_code", "").isdigit():
                row["postal_code"] = row["postal_code"].zfill(5)  # 1000 typed as a number
            yield line, row

    def preview(self, count: int = 5) -> Preview:
        rows = [[_cell_text(cell) for cell in cells] for _line, cells in self._lines()][:count]
        return Preview(self.headers, self.mapping, rows, "classeur XLSX, première feuille")
