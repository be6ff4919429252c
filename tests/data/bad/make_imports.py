"""Hostile import files: `python make_imports.py` writes the small ones (committed); the tests
call the functions below for the big ones (a NUL past the CSV sample, a zip bomb, a file that
needs more memory than the reader may use) so that the repository stays small.

What each file must give is in `imports.json` (status, message, report lines).
"""

import json
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
HEADER = ["Raison sociale", "SIRET", "Adresse", "Code postal", "Ville", "Latitude", "Longitude"]
GOOD = [
    ["ASSOC L'ÉVEIL", "33235830800028", "12 rue de la Cathédrale", "86000", "Poitiers"],
    ["LE TOIT DU MONDE", "32515885500016", "31 rue des Trois Rois", "86000", "Poitiers"],
    ["LA PETITE OURSE", "39177759600027", "5 place de l'Église", "05000", "Gap"],
]
GOGO = {
    "id": "aB3x",
    "name": "Recyclerie du Pays Gapençais",
    "geo": {"latitude": 44.5594, "longitude": 6.0786},
    "address": {"streetAddress": "12 rue Carnot", "addressLocality": "Gap", "postalCode": "05000"},
}


def _workbook(rows: list[list], path: Path, merges: tuple[str, ...] = (), far: str = "") -> None:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    if far:
        sheet[far] = "x"
    book.save(path)


def _json(document, path: Path) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1))


def write_small(directory: Path = HERE) -> None:
    header = HEADER[:5]
    # One cell at A1 and one at XFD1048576: calamine would build 2^34 cells (512 GiB).
    _workbook([header, *GOOD], directory / "import-far-cell.xlsx", far="XFD1048576")
    # A merged range far larger than the data.
    _workbook([header, *GOOD], directory / "import-merged-beyond-data.xlsx", merges=("F2:Z5000",))
    # A merged title row above the header.
    _workbook(
        [["Structures adhérentes 2026"], header, *GOOD],
        directory / "import-title-row.xlsx",
        merges=("A1:E1",),
    )
    # « Adresse » merged over two columns: street and complement.
    _workbook(
        [
            ["Raison sociale", "SIRET", "Adresse", None, "Code postal", "Ville"],
            *[[*row[:3], "bâtiment B", *row[3:]] for row in GOOD],
        ],
        directory / "import-merged-header.xlsx",
        merges=("C1:D1",),
    )
    # JSON nested 20,000 deep (Python parses 1,000 levels at most by default).
    (directory / "import-deep.json").write_text('{"data": ' + "[" * 20_000 + "]" * 20_000 + "}")
    _json(
        {
            "data": [
                GOGO,
                {**GOGO, "id": "t1", "address": "12 rue Carnot, Gap"},
                {**GOGO, "id": "t2", "geo": [44.5, 6.0]},
                {**GOGO, "id": "t3", "name": {"fr": "Recyclerie"}},
                {**GOGO, "id": "t4", "status": "validé"},
            ]
        },
        directory / "import-wrong-types.json",
    )
    # Two elements with one id, the second with a SIRET: a unique constraint in the real run.
    _json(
        {"data": [GOGO, {**GOGO, "siret": "33235830800028", "name": "Autre nom"}]},
        directory / "import-duplicate-id.json",
    )
    _json(
        {
            "data": [
                {**GOGO, "status": 1},
                {**GOGO, "id": "pending", "status": 0},
                {**GOGO, "id": "refused", "status": -1},
            ]
        },
        directory / "import-moderation.json",
    )


def csv_with_late_nul(path: Path) -> Path:
    """A valid CSV whose NUL byte comes after the 256 KB the encoding sniffer reads."""
    lines = ["Raison sociale,Code postal,Ville,Présentation"]
    text = "Atelier de réemploi. " * 50
    lines += [f"Structure {n},86000,Poitiers,{text}" for n in range(300)]
    lines += ["Structure\x00nulle,86000,Poitiers,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 256 * 1024
    return path


def xlsx_zip_bomb(path: Path, megabytes: int = 400) -> Path:
    """A 1 MB workbook whose shared strings inflate to `megabytes`."""
    source = HERE / "import-title-row.xlsx"
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for member in original.infolist():
            bomb.writestr(member, original.read(member))
        with bomb.open("xl/padding.xml", "w") as padding:
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                padding.write(block)
    return path


def json_memory_hog(path: Path, elements: int = 100_000) -> Path:
    """A 20 MB GoGoCarto export that needs about 150 MB once parsed: beyond a small limit."""
    with path.open("w") as handle:
        handle.write('{"data": [')
        handle.write(",".join(json.dumps({**GOGO, "id": str(n)}) for n in range(elements)))
        handle.write("]}")
    return path


if __name__ == "__main__":
    write_small()
