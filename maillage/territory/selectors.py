"""Reads of the territory shared by forms, pages and API.

`resolve_commune` is the one reading of a place typed by a person, used by every place field
and filter (directory, map, catalogue, alerts, needs reports, listings): a name with or
without accents, hyphens or « St »/« Saint », an arrondissement (« Lyon 8 », « Marseille
1er »), a postal code (the commune it mainly serves), an INSEE code, or the « Name (postal
code) » and « Name (département) » labels the autocomplete suggests.
"""

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.territory.models import EPCI, Commune

_NAME_WITH_CODE = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<code>\d{5}|\d[\dAB]\d?)\s*\)$", re.I)
INSEE_CODE = re.compile(r"^\d[\dAB]\d{3}$", re.I)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARRONDISSEMENT = re.compile(
    r"^(?P<city>paris|lyon|marseille) (?P<number>\d{1,2})(?: ?(?:er|ere|e|eme|em))?"
    r"(?: arr(?:ondissement)?)?$"
)
# A commune of a postal code wins when it is this many times larger than the
# next one: « 05000 » is Gap, not one of its seven villages; « 05600 » must be said.
DOMINANT_RATIO = 5


class CommuneNotFound(LookupError):
    """The text names no commune, or several: the message says which and what to type."""


def commune_key(text: str, *, arrondissement: bool = True) -> str:
    """The folded form of a commune name that people type: 'St-Étienne' → 'saint etienne',
    'Lyon 8ème' → 'lyon 8e arrondissement'; comparable with Commune.search_name."""
    key = " ".join(_ABBREVIATIONS.get(word, word) for word in fold(text).split())
    match = _ARRONDISSEMENT.match(key) if arrondissement else None
    if match:
        number = int(match["number"])
        key = f"{match['city']} {number}{'er' if number == 1 else 'e'} arrondissement"
    return key


def commune_label(commune: Commune) -> str:
    """What a place field shows once a commune is chosen, and reads back: 'Gap (05000)'; a city
    of arrondissements with its département, 'Lyon (69)', not the code of its first one."""
    codes = commune.postal_code_list
    if not codes or commune.arrondissements.exists():
        return f"{commune.name} ({commune.departement_id})"
    return f"{commune.name} ({codes[0]})"


def commune_suggestions(text: str, limit: int = 10) -> QuerySet[Commune]:
    """Autocomplete: the communes starting with what was typed, largest first; for a postal
    code, the arrondissements rather than their city, as the resolver reads it."""
    communes = Commune.objects.matching(text)
    if text.strip().isdigit():
        cities = Commune.objects.filter(parent__isnull=False).values("parent_id")
        communes = communes.exclude(insee_code__in=cities)
    return (
        communes.select_related("departement")
        .prefetch_related("postal_codes")
        .order_by("-population", "name")[:limit]
    )


def _by_postal_code(code: str) -> list[Commune]:
    """The communes a postal code serves; an arrondissement rather than its city (69008 is
    Lyon 8e, not Lyon)."""
    communes = list(Commune.objects.filter(postal_codes__code=code).distinct())
    parents = {commune.parent_id for commune in communes if commune.parent_id}
    return [commune for commune in communes if commune.insee_code not in parents]


def _dominant(communes: list[Commune]) -> list[Commune]:
    """The one commune far larger than the others, if any; else all of them."""
    ranked = sorted(communes, key=lambda commune: -(commune.population or 0))
    if len(ranked) > 1 and (ranked[0].population or 0) >= DOMINANT_RATIO * max(
        ranked[1].population or 0, 1
    ):
        return ranked[:1]
    return ranked


def commune_candidates(text: str) -> list[Commune]:
    """Every commune the text may mean, the likeliest first (several: it is ambiguous)."""
    text = " ".join((text or "").split())
    match = _NAME_WITH_CODE.match(text)
    name, code = (match["name"], match["code"].upper()) if match else (text, "")
    key = commune_key(name)
    if not key:
        return []
    if not code and key.isdigit() and len(key) == 5:
        by_postal_code = _by_postal_code(key)
        if by_postal_code:
            return _dominant(by_postal_code)
    if not code and INSEE_CODE.match(name):
        found = list(Commune.objects.filter(insee_code=name.upper()))
        if found:
            return found
    communes = Commune.objects.filter(search_name=key)
    if len(code) == 5:
        communes = communes.filter(
            Q(postal_codes__code=code) | Q(arrondissements__postal_codes__code=code)
        )
    elif code:
        communes = communes.filter(departement_id=code)
    # Homonyms are asked about, however different their sizes: « Saint-Pierre » may be any.
    return sorted(communes.distinct(), key=lambda commune: -(commune.population or 0))


def resolve_commune(text: str) -> Commune:
    """The commune a person typed, or CommuneNotFound with a French message saying what to add."""
    found = commune_candidates(text)
    if len(found) == 1:
        return found[0]
    text = " ".join((text or "").split())
    if not found:
        raise CommuneNotFound(
            _("Aucune commune ne correspond à « %s ». Écrivez son nom ou son code postal.") % text
        )
    choices = ", ".join(commune_label(commune) for commune in found[:5])
    raise CommuneNotFound(
        _("Plusieurs communes correspondent à « %(text)s » : %(choices)s… Précisez le code postal.")
        % {"text": text, "choices": choices}
    )


find_commune = resolve_commune  # the former name, kept for callers of other branches


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
