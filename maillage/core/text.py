"""Text normalisation shared by search and matching: accent- and case-insensitive keys."""

import re
import unicodedata

from django.utils.text import slugify

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation: 'École Saint-Éloi' -> 'ecole saint eloi'."""
    lowered = (text or "").lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a query, for an AND of contains-filters."""
    return [word for word in fold(query).split() if word]


def slug_of(text: str) -> str:
    """The one slug function: ligatures spelled out first, so « Œuvre » gives « oeuvre », not
    « uvre » as slugify alone does (it drops what NFKD cannot make ASCII)."""
    spelled = (text or "").replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae")
    return slugify(spelled.replace("Æ", "Ae").replace("ß", "ss"))
