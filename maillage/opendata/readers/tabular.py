"""Spreadsheets people bring: CSV in any usual encoding and delimiter, and XLSX workbooks."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from charset_normalizer import from_bytes

from maillage.opendata.readers.base import (
    FileRefused,
    Opener,
    Preview,
    RowProblem,
    RowStream,
    check_mapping,
    column_letter,
    distinct_headers,
    guess_mapping,
    mapping_notices,
    value_problem,
)

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
# Larger cells are refused row by row (base.MAX_CELL_CHARS); the csv module must still read
# them to go on.
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
        self.headers, self.notices = distinct_headers(self._headers())
        self.mapping = mapping or guess_mapping(self.headers)
        unknown = set(self.mapping) - set(self.headers)
        if unknown:
            raise FileRefused(
                f"{file_name} : la correspondance cite des colonnes absentes du fichier : "
                + ", ".join(sorted(unknown))
            )
        check_mapping(self.mapping, file_name=file_name)
        if not mapping:
            self.notices += mapping_notices(self.headers, self.mapping)

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
        return Preview(self.headers, self.mapping, rows[1:], detail, self.notices)


def _cells_to_row(
    line: int, cells: list, positions: list[tuple[int, str]]
) -> dict[str, str] | RowProblem:
    row: dict[str, str] = {}
    for index, name in positions:
        value = _cell_text(cells[index]) if index < len(cells) else ""
        problem = value_problem(line, name, value)
        if problem:
            return problem
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


# A sheet is refused beyond these: calamine holds the rectangle of the used cells in memory
# (about 32 bytes a cell), and people's lists are far smaller.
MAX_XLSX_CELLS = 5_000_000
MAX_XLSX_COLUMNS = 1000
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
# The header is looked for among the first rows (a title row, merged or not, may come first).
HEADER_SEARCH_ROWS = 10
# Elements may carry a namespace prefix (`<x:c r="A1">`, written by the Open XML SDK).
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')
_SHEET_TARGET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\b\w+:id="([^"]+)"')


def _number(value: int) -> str:
    """1048576 → '1 048 576', as French writes it."""
    return f"{value:,}".replace(",", "\u202f")


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index - 1


def _first_sheet_member(archive: zipfile.ZipFile) -> str | None:
    """The path of the workbook's first sheet, as calamine picks it (workbook order)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    found = _SHEET_TARGET.search(workbook)
    if not found:
        return None
    relation = re.search(
        rb'<Relationship\b[^>]*?Id="' + re.escape(found.group(1)) + rb'"[^>]*>', relations
    )
    target = relation and re.search(rb'Target="([^"]+)"', relation.group(0))
    if not target:
        return None
    path = target.group(1).decode()
    return path.lstrip("/") if path.startswith("/") else f"xl/{path}"


def used_area(handle: BinaryIO, *, file_name: str) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the first sheet's cells holding a value, read from its XML.

    Read before calamine, which builds the whole rectangle in memory: one cell at A1 and one at
    XFD1048576 would ask for 512 GiB and abort the process. The declared `<dimension>` can lie,
    so the cells themselves are scanned, as a stream.
    """
    try:
        archive = zipfile.ZipFile(handle)
        inflated = sum(member.file_size for member in archive.infolist())
        if inflated > MAX_XLSX_UNCOMPRESSED:
            raise FileRefused(
                f"{file_name} : le classeur se décompresse en {inflated // 2**20} Mo "
                f"({MAX_XLSX_UNCOMPRESSED // 2**20} Mo au plus)."
            )
        member = _first_sheet_member(archive)
        if member is None or member not in archive.namelist():
            return None  # calamine says what is wrong
        top = left = 1 << 30
        bottom = right = -1
        carry = b""
        with archive.open(member) as sheet:
            while chunk := sheet.read(1 << 20):
                text = carry + chunk
                cut = text.rfind(b"<")
                text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
                for letters, digits, empty in _CELL_REF.findall(text):
                    if empty:
                        continue
                    row, column = int(digits) - 1, _column_index(letters)
                    top, bottom = min(top, row), max(bottom, row)
                    left, right = min(left, column), max(right, column)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None  # not a zip, or a broken one: calamine refuses it with its own words
    return None if bottom < 0 else (top, left, bottom, right)


class XlsxReader:
    """The first sheet of a workbook, read row by row; merged cells give their value to every
    cell they cover. The header is the first of the top rows that names the organisations.
    """

    def __init__(self, opener: Opener, *, file_name: str, mapping: dict[str, str] | None = None):
        self.opener = opener
        self.file_name = file_name
        self.notices: list[RowProblem] = []
        with opener() as handle:
            area = used_area(handle, file_name=file_name)
        if area:
            top, left, bottom, right = area
            height, width = bottom - top + 1, right - left + 1
            if height * width > MAX_XLSX_CELLS or right >= MAX_XLSX_COLUMNS:
                raise FileRefused(
                    f"{file_name} : la première feuille s'étend de {column_letter(left)}{top + 1} "
                    f"à {column_letter(right)}{bottom + 1} ({_number(height)} lignes × "
                    f"{_number(width)} colonnes) ; {_number(MAX_XLSX_CELLS)} cellules et "
                    f"{_number(MAX_XLSX_COLUMNS)} colonnes au plus. Supprimez les cellules "
                    "écrites loin des données."
                )
        self._open_sheet()  # refuses a broken workbook before anything else
        self.header_line, self.headers, self.mapping = self._find_header(mapping)
        check_mapping(self.mapping, file_name=file_name)
        if not mapping:
            self.notices += mapping_notices(self.headers, self.mapping, line=self.header_line)

    def _open_sheet(self):
        from python_calamine import CalamineWorkbook

        try:
            with self.opener() as handle:
                return CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0)
        except Exception as error:  # calamine raises its own errors for every broken file
            raise FileRefused(
                f"{self.file_name} n'est pas un classeur XLSX lisible ({error})."
            ) from error

    def _merges(self, sheet, bottom: int, right: int) -> dict[int, list[tuple[int, int, int]]]:
        """{top row: [(bottom, left, right)]}, each range cut at the edge of the data."""
        merges: dict[int, list[tuple[int, int, int]]] = {}
        for (top, left), (m_bottom, m_right) in sheet.merged_cell_ranges or []:
            beyond = m_bottom > bottom or m_right > right
            if beyond and not any(n.field == "fusion" for n in self.notices):  # one is enough
                self.notices.append(
                    RowProblem(
                        top + 1,
                        "fusion",
                        f"{column_letter(left)}{top + 1}:{column_letter(m_right)}{m_bottom + 1}",
                        "Une plage de cellules fusionnées dépasse les données "
                        f"(jusqu'à {column_letter(right)}{bottom + 1}) : elle est coupée à "
                        "leur bord.",
                    )
                )
            if top <= bottom and left <= right:
                merges.setdefault(top, []).append(
                    (min(m_bottom, bottom), left, min(m_right, right))
                )
        return merges

    def _lines(self) -> Iterator[tuple[int, list]]:
        """(line, cells from column A) of every row holding a value, merged cells filled."""
        sheet = self._open_sheet()
        if not sheet.height:
            return
        (_top, left), (bottom, right) = sheet.start, sheet.end
        merges = self._merges(sheet, bottom, right)
        active: list[tuple[int, int, int, object]] = []
        padding = [""] * left
        for index, row in enumerate(sheet.iter_rows()):  # rows from 1, columns from `left`
            active = [merge for merge in active if merge[0] >= index]
            if not active and index not in merges and all(cell == "" for cell in row):
                continue
            cells = padding + list(row)
            for m_bottom, m_left, m_right in merges.get(index, ()):
                active.append((m_bottom, m_left, m_right, cells[m_left]))
            for _bottom, m_left, m_right, value in active:
                cells[m_left : m_right + 1] = [value] * (m_right - m_left + 1)
            if any(_cell_text(cell) for cell in cells):
                yield index + 1, cells

    def _find_header(self, mapping: dict[str, str] | None) -> tuple[int, list[str], dict]:
        """The first of the top rows that the mapping fits (given: all its columns; guessed:
        the name), so that a title row, merged or not, above the header is passed over."""
        first = None
        for count, (line, cells) in enumerate(self._lines()):
            headers, repeated = distinct_headers([_cell_text(c) for c in cells], line=line)
            first = first or (line, headers, repeated)
            found = mapping if mapping and set(mapping) <= set(headers) else None
            if not mapping:
                guessed = guess_mapping(headers)
                found = guessed if "name" in guessed.values() else None
            if found is not None:
                self.notices += repeated
                return line, headers, found
            if count + 1 >= HEADER_SEARCH_ROWS:
                break
        if first is None:
            raise FileRefused(f"{self.file_name} : la première feuille est vide.")
        line, headers, repeated = first
        self.notices += repeated
        return line, headers, mapping or guess_mapping(headers)

    def _data(self) -> Iterator[tuple[int, list]]:
        return ((line, cells) for line, cells in self._lines() if line > self.header_line)

    def count(self) -> int:
        return sum(1 for _ in self._data())

    def rows(self) -> RowStream:
        positions = [(self.headers.index(header), name) for header, name in self.mapping.items()]
        for line, cells in self._data():
            row = _cells_to_row(line, cells, positions)
            if isinstance(row, dict) and row.get("postal_code", "").isdigit():
                row["postal_code"] = row["postal_code"].zfill(5)  # 1000 typed as a number
            yield line, row

    def preview(self, count: int = 5) -> Preview:
        rows = []
        for _line, cells in self._data():
            rows.append([_cell_text(cell) for cell in cells][: len(self.headers)])
            if len(rows) >= count:
                break
        detail = "classeur XLSX, première feuille"
        if self.header_line > 1:
            detail += f", en-tête à la ligne {self.header_line}"
        return Preview(self.headers, self.mapping, rows, detail, self.notices)
