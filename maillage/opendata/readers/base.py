"""What every reader gives the import: rows as canonical fields, with the line they start on.

A reader raises FileRefused when the file cannot be read as a whole (not a CSV, undecodable,
truncated): the import then writes nothing. A problem with one row only is yielded as a
RowProblem in place of the row, and the import goes on.
"""

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from maillage.core.text import fold

Opener = Callable[[], BinaryIO]

# The canonical fields an import understands, each with the column names people give it
# (compared folded: accents, case and punctuation ignored). Exports use the first name.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "raison sociale", "nom", "denomination", "nom de la structure", "structure"),
    "brand": ("brand", "nom d'usage", "enseigne", "nom commercial", "sigle"),
    "siret": ("siret", "numero siret", "n siret"),
    "siren": ("siren", "numero siren", "n siren"),
    "rna": ("rna", "numero rna", "n rna", "identifiant rna"),
    "legal_form": ("legal_form", "categorie juridique", "forme juridique", "code juridique"),
    "ess_family": ("ess_family", "famille", "famille ess", "famille de l'ess"),
    "naf": ("naf", "code naf", "ape", "code ape", "activite principale"),
    "kinds": ("kinds", "kind", "type", "types", "type de structure"),
    "address": ("address", "adresse", "adresse postale", "rue", "voie"),
    "postal_code": ("postal_code", "code postal", "cp", "postcode", "zip"),
    "city": ("city", "ville", "commune", "localite"),
    "commune_insee": ("commune_insee", "code insee", "code commune", "insee"),
    "latitude": ("latitude", "lat", "y latitude"),
    "longitude": ("longitude", "lon", "lng", "long", "x longitude"),
    "website": ("website", "site web", "site internet", "site", "url"),
    "email": ("email", "e mail", "courriel", "mail", "adresse electronique"),
    "phone": ("phone", "telephone", "tel", "numero de telephone"),
    "description": ("description", "presentation", "activite"),
    "source_id": ("source_id", "identifiant", "id", "identifiant source"),
}
CANONICAL_FIELDS = tuple(FIELD_ALIASES)
_ALIAS_INDEX = {fold(alias): name for name, aliases in FIELD_ALIASES.items() for alias in aliases}


# Larger values are refused row by row, in every format.
MAX_CELL_CHARS = 100_000


class FileRefused(Exception):
    """The whole file is refused; the message says why, in French, for the person importing."""


@dataclass
class RowProblem:
    line: int
    field: str
    value: str
    reason: str
    kind: str = ""  # an ImportProblem.Kind when it is not the row's own (rejected or warning)


def value_problem(line: int, field: str, value: str) -> RowProblem | None:
    """The rule every reader applies to every value it yields: no NUL byte, no giant value.

    A NUL byte cannot be stored by PostgreSQL (the whole batch would fail); a CSV gets one past
    the sample where binary data is looked for, a JSON string or a spreadsheet cell anywhere.
    """
    if "\x00" in value:
        return RowProblem(
            line,
            field,
            value.replace("\x00", "␀")[:40],
            "Valeur contenant un caractère nul (octet 0).",
        )
    if len(value) > MAX_CELL_CHARS:
        return RowProblem(
            line,
            field,
            value[:40] + "…",
            f"Valeur trop longue ({len(value):,} caractères, {MAX_CELL_CHARS:,} au plus).".replace(
                ",", " "
            ),
        )
    return None


def row_problem(line: int, row: dict) -> RowProblem | None:
    """The first value of a row (nested lists of establishments included) that value_problem refuses."""
    for field, value in row.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            found = (
                row_problem(line, item)
                if isinstance(item, dict)
                else value_problem(line, field, item)
            )
            if found:
                return found
    return None


def column_letter(index: int) -> str:
    """0 → A, 27 → AB: how spreadsheet software names a column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def distinct_headers(headers: list[str], *, line: int = 1) -> tuple[list[str], list[RowProblem]]:
    """A repeated header (often one merged over two columns) gets its column letter, so that
    the mapping can name each column; the repetition is reported."""
    distinct, notices, seen = [], [], {}
    for index, header in enumerate(headers):
        if header and header in seen:
            first, letter = column_letter(seen[header]), column_letter(index)
            notices.append(
                RowProblem(
                    line,
                    "",
                    header,
                    f"Les colonnes {first} et {letter} portent le même en-tête « {header} » "
                    f"(cellule fusionnée ?) : seule la colonne {first} est lue d'office ; la "
                    f"colonne {letter} s'appelle « {header} ({letter}) » dans la correspondance.",
                )
            )
            header = f"{header} ({letter})"
        seen.setdefault(header, index)
        distinct.append(header)
    return distinct, notices


def mapping_notices(
    headers: list[str], mapping: dict[str, str], *, line: int = 1
) -> list[RowProblem]:
    """Warn when a guessed mapping leaves out a column that could feed the same field
    (« Nom » beside « Raison sociale »): only the first is read."""
    notices = []
    for header, name in mapping.items():
        feeding = [i for i, other in enumerate(headers) if _ALIAS_INDEX.get(fold(other)) == name]
        if len(feeding) > 1:
            letters = [column_letter(index) for index in feeding]
            notices.append(
                RowProblem(
                    line,
                    name,
                    header,
                    f"Les colonnes {', '.join(letters[:-1])} et {letters[-1]} peuvent toutes "
                    f"remplir le champ {name} : seule la colonne "
                    f"{column_letter(headers.index(header))} (« {header} ») est lue. "
                    "Choisissez la bonne dans la correspondance des colonnes.",
                )
            )
    return notices


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{column header → canonical field} for the headers recognised, each field used once."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        name = _ALIAS_INDEX.get(fold(header))
        if name and name not in used:
            mapping[header] = name
            used.add(name)
    return mapping


def check_mapping(mapping: dict[str, str], *, file_name: str) -> None:
    if "name" not in mapping.values():
        raise FileRefused(
            f"{file_name} : aucune colonne ne donne le nom des organisations "
            "(« Raison sociale », « Nom » ou « name » attendus). "
            "Vérifiez la ligne d'en-tête ou donnez un fichier de correspondance."
        )


@dataclass
class Preview:
    headers: list[str]
    mapping: dict[str, str]
    rows: list[list[str]]
    detail: str = ""
    # File-level warnings (columns that feed one field, merged ranges beyond the data…).
    notices: list[RowProblem] = dataclasses.field(default_factory=list)


RowStream = Iterator[tuple[int, dict[str, str] | RowProblem]]
