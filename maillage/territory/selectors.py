"""Reads of the territory shared by forms, pages and API."""

import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.territory.models import EPCI, Commune

_NAME_WITH_CODE = re.compile(r"^(?P<name>.+?)\s*\((?P<code>\d{5})\)$")


class CommuneNotFound(LookupError):
    """The text names no commune, or several: the message says which and what to type."""


def commune_suggestions(text: str, limit: int = 10) -> QuerySet[Commune]:
    return (
        Commune.objects.matching(text)
        .prefetch_related("postal_codes")
        .order_by("-population", "name")[:limit]
    )


def find_commune(text: str) -> Commune:
    """The commune a person typed: an INSEE code, a postal code, a name, or 'Name (postal code)'."""
    text = text.strip()
    communes = Commune.objects.all()
    match = _NAME_WITH_CODE.match(text)
    if match:
        communes = communes.filter(
            search_name=fold(match["name"]), postal_codes__code=match["code"]
        )
    elif re.fullmatch(r"\d[\dAB]\d{3}", text) and Commune.objects.filter(insee_code=text).exists():
        communes = communes.filter(insee_code=text)
    elif text.isdigit():
        communes = communes.filter(postal_codes__code=text)
    else:
        communes = communes.filter(search_name=fold(text))
    found = list(communes.select_related("departement").distinct()[:6])
    if len(found) == 1:
        return found[0]
    if not found:
        raise CommuneNotFound(_("Aucune commune ne correspond à « %s ».") % text)
    choices = ", ".join(f"{commune.name} ({commune.departement_id})" for commune in found[:5])
    raise CommuneNotFound(
        _("Plusieurs communes correspondent à « %(text)s » : %(choices)s… Précisez le code postal.")
        % {"text": text, "choices": choices}
    )


def epci_suggestions(text: str, limit: int = 10) -> list[EPCI]:
    """EPCI whose SIREN starts with the text, or whose name contains its words (accents ignored).

    About 1,250 rows: folding them in Python is quicker than a column and an index to keep.
    """
    text = text.strip()
    if text.isdigit():
        return list(EPCI.objects.filter(code__startswith=text).order_by("-population")[:limit])
    words = fold(text).split()
    found = [
        epci
        for epci in EPCI.objects.order_by("-population", "name")
        if all(word in fold(epci.name) for word in words)
    ]
    return found[:limit]
