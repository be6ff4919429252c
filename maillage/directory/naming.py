"""How an organisation's name is shown: legal names arrive in raw capitals from the registers.

« ASSOC AIDEN SERVICES » reads « Association Aiden Services », « ESAT DE LA ROSERAIE »
« ESAT de la Roseraie ». Names that already mix cases, and one-word names, are kept.
"""

import re

# Words kept lowercase inside a name (French articles, prepositions, conjunctions).
SMALL_WORDS = frozenset(
    [
        "a",
        "à",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sous",
        "sur",
        "un",
        "une",
    ]
)
# Articles that start the name proper after a legal form: « SCOP Les Ateliers ».
ARTICLES = frozenset({"l", "la", "le", "les"})
# Acronyms of the ESS and of legal forms, kept in capitals.
ACRONYMS = frozenset(
    [
        "ACI",
        "ADMR",
        "AI",
        "AMAP",
        "CAE",
        "CAF",
        "CCAS",
        "CFA",
        "CHRS",
        "CIAS",
        "CUMA",
        "EA",
        "EARL",
        "EHPAD",
        "EI",
        "EITI",
        "ESAT",
        "ESS",
        "ESUS",
        "ETTI",
        "EURL",
        "GAEC",
        "GEIQ",
        "GIE",
        "IAE",
        "IME",
        "MJC",
        "SA",
        "SARL",
        "SAS",
        "SASU",
        "SAAD",
        "SCI",
        "SCIC",
        "SCOP",
        "SEM",
        "SIAE",
        "SPL",
    ]
)
# Register abbreviations spelled out.
EXPANSIONS = {
    "ASSOC": "Association",
    "ASSO": "Association",
    "STE": "Société",
    "ETS": "Établissements",
}

_WORD = re.compile(r"([^\W_]+)")
_APOSTROPHES = "'’"


def readable_name(name: str) -> str:
    """The name with French title case when it is written in capitals only; as typed otherwise."""
    name = " ".join((name or "").split())
    # Mixed case was typed by people; a one-word name in capitals is most often an acronym
    # (APOIN, ADAPEI, AFEJI): both are kept as written.
    if not name or any(char.islower() for char in name) or " " not in name:
        return name
    parts = _WORD.split(name)
    previous = ""  # the previous word as shown, to know where the name proper starts
    for index in range(1, len(parts), 2):
        word = parts[index]
        is_first = index == 1
        elided = parts[index + 1][:1] in _APOSTROPHES if index + 1 < len(parts) else False
        lower = word.lower()
        if word in ACRONYMS:
            shown = word
        elif word in EXPANSIONS:
            shown = EXPANSIONS[word]
        elif any(char.isdigit() for char in word):
            shown = word
        elif lower in SMALL_WORDS and not is_first:
            starts_name = lower in ARTICLES and (
                previous in ACRONYMS or previous in EXPANSIONS.values()
            )
            shown = lower.capitalize() if starts_name else lower
        elif elided and len(word) == 1 and not is_first:
            shown = lower  # « d'insertion », « l'entraide »
        else:
            shown = word.capitalize()
        parts[index] = shown
        previous = shown
    return "".join(parts)
