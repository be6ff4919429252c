"""What every reader gives the import: rows as canonical fields, with the line they start on.

A reader raises FileRefused when the file cannot be read as a whole (not a CSV, undecodable,
truncated): the import then writes nothing. A problem with one row only is yielded as a
RowProblem in place of the row, and the import goes on.
"""

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


class FileRefused(Exception):
    """The whole file is refused; the message says why, in French, for the person importing."""


@dataclass
class RowProblem:
    line: int
    field: str
    value: str
    reason: str
    kind: str = ""  # an ImportProblem.Kind when it is not the row's own (rejected or warning)


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


RowStream = Iterator[tuple[int, dict[str, str] | RowProblem]]
