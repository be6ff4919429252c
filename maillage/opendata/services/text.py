"""A faster maillage.core.text.fold for bulk imports, equal to it on every input.

Most French text decomposes into ASCII letters and the Latin combining accents: those are
removed with one regular expression; anything else goes through the general fold.
"""

import re
import unicodedata

from django.utils.translation import get_language, ngettext

from maillage.core.text import fold

# U+0300–U+036F except U+034F, the only mark of the block that is not combining.
_LATIN_ACCENTS = re.compile("[\u0300-\u034e\u0350-\u036f]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fast_fold(text: str) -> str:
    if not text:
        return ""
    lowered = text.lower()
    if lowered.isascii():
        return _NON_ALNUM.sub(" ", lowered).strip()
    lowered = lowered.replace("œ", "oe").replace("æ", "ae")
    stripped = _LATIN_ACCENTS.sub("", unicodedata.normalize("NFKD", lowered))
    if not stripped.isascii():
        return fold(text)
    return _NON_ALNUM.sub(" ", stripped).strip()


def plural(singular: str, plural_form: str, count: int) -> str:
    """ngettext where the French source strings are their own catalogue: French says « 0 mise à
    jour » (singular up to 1), which gettext's fallback rule (n != 1) does not know."""
    language = get_language() or "fr"
    return ngettext(
        singular, plural_form, (1 if count <= 1 else count) if language.startswith("fr") else count
    )
