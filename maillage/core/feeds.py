"""Atom feeds (RFC 4287) whose text comes from users: summaries sent as text, never as HTML,
and characters XML cannot carry removed, so that a feed always parses."""

import re
from typing import Any

from django.utils.feedgenerator import Atom1Feed

# XML 1.0 allows tab, LF, CR and everything from U+0020 but surrogates and U+FFFE/U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> Any:
    """A string without the characters XML refuses; other values unchanged."""
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


class TextAtomFeed(Atom1Feed):
    """Atom1Feed with `<summary type="text">`: a title or description written by a user is shown
    as written by feed readers, never interpreted as markup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})

    def add_item_elements(self, handler, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
