"""Form fields for places, shared by every form that asks for a commune."""

import re

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from maillage.territory.models import Commune
from maillage.territory.selectors import (
    INSEE_CODE,
    CommuneNotFound,
    commune_label,
    resolve_commune,
)

COMMUNE_HELP = _("Par exemple « Poitiers », « St Etienne », « Lyon 8e », « 05000 » ou « 86194 ».")


class CommuneInput(forms.TextInput):
    """A text input with suggestions from /api/v1/territory/communes (static/js/maillage.js
    fills a <datalist>); without JavaScript, a plain text box the resolver reads all the same."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            {
                "autocomplete": "off",
                "data-commune-autocomplete": reverse_lazy("api-v1:list_communes"),
                "placeholder": _("ex. : Gap, 86000, Lyon 8e"),
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, Commune):
            return commune_label(value)
        return super().format_value(value)


def _resolved(text: str, *, whole_city: bool) -> Commune:
    """The commune typed; with `whole_city`, an arrondissement counts as its city."""
    try:
        commune = resolve_commune(text)
    except CommuneNotFound as error:
        raise forms.ValidationError(str(error), code="commune") from error
    return commune.parent if whole_city and commune.parent_id else commune


class CommuneField(forms.CharField):
    """A commune typed as a person would (see territory.selectors.resolve_commune); cleans to a
    Commune, or None when left empty and not required.

    `whole_city=True` for a commune that is compared with others by code (served areas, needs
    routed to animators and offers), which name cities: « Lyon 8e » then counts as Lyon. Around
    a commune (a radius), the arrondissement's own centre is better, so it is kept.
    """

    widget = CommuneInput

    def __init__(self, *, whole_city: bool = False, **kwargs) -> None:
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("help_text", COMMUNE_HELP)
        self.whole_city = whole_city
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return commune_label(value) if isinstance(value, Commune) else value

    def clean(self, value) -> Commune | None:
        text = super().clean(value)
        return _resolved(text, whole_city=self.whole_city) if text else None


class CommuneListField(forms.CharField):
    """Several communes, each typed as CommuneField reads one, separated by « ; », « , » or new
    lines (INSEE codes may also be separated by spaces, as before); cleans to INSEE codes,
    of cities (an arrondissement counts as its city: see CommuneField's `whole_city`)."""

    widget = CommuneInput
    whole_city = True

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "help_text", _("Séparées par des virgules : « Poitiers, Buxerolles, 86066 ».")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            communes = Commune.objects.filter(pk__in=value).prefetch_related("postal_codes")
            return ", ".join(commune_label(commune) for commune in communes)
        return value

    def clean(self, value) -> list[str]:
        text = super().clean(value) or ""
        pieces = []
        for piece in re.split(r"[,;\n]+", text):
            words = piece.split()
            codes_only = len(words) > 1 and all(INSEE_CODE.match(word) for word in words)
            pieces += words if codes_only else [" ".join(words)] if words else []
        codes, errors = [], []
        for piece in pieces:
            try:
                codes.append(_resolved(piece, whole_city=True).insee_code)
            except forms.ValidationError as error:
                errors += error.messages
        if errors:
            raise forms.ValidationError(errors, code="commune")
        return list(dict.fromkeys(codes))
