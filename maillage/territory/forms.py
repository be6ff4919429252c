"""Form fields for places, shared by every form that asks for a commune or lists territories.

A list reads « Lyon (69123), Bron (69029) »: what the chips widget writes, what a person
without JavaScript may type (« Lyon, Bron », postal codes or codes), and what the form shows back.
"""

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Model
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from maillage.core.text import fold
from maillage.core.widgets import ChipsTextInput
from maillage.territory.models import EPCI, Commune
from maillage.territory.selectors import (
    CommuneNotFound,
    commune_key,
    commune_label,
    epci_suggestions,
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


_ITEM_SEPARATORS = re.compile(r"[,;\n]+")
# « Lyon (69123) », « Grand Poitiers (200069854) »: an INSEE code or a SIREN in brackets.
_CODE = re.compile(r"^(?:\d[\dAB]\d{3}|\d{9})$", re.I)
_TRAILING_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[0-9AB]{5}|\d{9})\)$")
# Each item costs a query or two; a wider area is an EPCI or a département.
MAX_ITEMS = 200


class TerritoryListField(forms.CharField):
    """Several territories of one model; cleans to the list of their codes, in typed order."""

    model: type[Model]

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        items: list[str] = []
        for part in _ITEM_SEPARATORS.split(text):
            words = part.split()
            # « 86194 86066 »: codes may also be separated by spaces, as the form once asked.
            codes_only = len(words) > 1 and all(_CODE.match(word) for word in words)
            items += words if codes_only else [" ".join(words)] if words else []
        if len(items) > MAX_ITEMS:
            raise forms.ValidationError(
                _("%(count)d territoires au plus : choisissez plutôt un EPCI ou un département.")
                % {"count": MAX_ITEMS}
            )
        codes: list[str] = []
        errors: list[str] = []
        for item in items:
            try:
                code = self.resolve(item)
            except forms.ValidationError as error:
                errors.extend(error.messages)
                continue
            if code not in codes:
                codes.append(code)
        if errors:
            raise forms.ValidationError(errors)
        return codes

    def resolve(self, item: str) -> str:
        """The code of one item: « Name (code) » as the widget writes it, or what a person typed."""
        match = _TRAILING_CODE.match(item)
        if match and self.model.objects.filter(pk=match["code"]).exists():
            return match["code"]
        return self.resolve_text(match["name"] if match else item)

    def resolve_text(self, text: str) -> str:
        """A name or a code typed by hand (the field's own resolver decides which it is)."""
        raise NotImplementedError

    def prepare_value(self, value: Any) -> str:
        """Codes, instances or the typed text → « Name (code), … » for the widget."""
        if value is None or isinstance(value, str):
            return value or ""
        values = list(value)
        codes = [getattr(item, "pk", item) for item in values]
        names = dict(self.model.objects.filter(pk__in=codes).values_list("pk", "name"))
        return ", ".join(f"{names[code]} ({code})" for code in codes if code in names)

    def validate(self, value: Iterable[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class CommuneListField(TerritoryListField):
    """Several communes (served areas); cleans to INSEE codes of cities: an arrondissement
    counts as its city, as CommuneField's `whole_city` says."""

    model = Commune
    whole_city = True

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            ChipsTextInput(
                source=reverse_lazy("api-v1:list_communes"),
                value_key="insee_code",
                detail_key="departement",
            ),
        )
        kwargs.setdefault(
            "help_text", _("Tapez un nom ou un code postal, par exemple Poitiers ou 05000.")
        )
        super().__init__(**kwargs)

    def resolve(self, item: str) -> str:
        """« Lyon 8e Arrondissement (69388) » as the chips write it: the INSEE code, once its
        name agrees (« (69008) » is also Lyon 8e's postal code, and Ancy's INSEE code); anything
        else goes to the resolver, which reads names, postal codes and the autocomplete's labels."""
        match = _TRAILING_CODE.match(item)
        if match:
            commune = Commune.objects.filter(
                pk=match["code"], search_name=commune_key(match["name"])
            ).first()
            if commune is not None:
                return commune.parent_id or commune.insee_code
        return _resolved(item, whole_city=True).insee_code


class EPCIListField(TerritoryListField):
    model = EPCI

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            ChipsTextInput(
                source=reverse_lazy("api-v1:list_epcis"), value_key="code", detail_key="kind"
            ),
        )
        kwargs.setdefault("help_text", _("Tapez un nom, par exemple Grand Poitiers."))
        super().__init__(**kwargs)

    def resolve_text(self, text: str) -> str:
        exact = [epci for epci in epci_suggestions(text, limit=50) if fold(epci.name) == fold(text)]
        found = exact or epci_suggestions(text, limit=6)
        if len(found) == 1:
            return found[0].code
        if not found:
            raise forms.ValidationError(_("Aucun EPCI ne correspond à « %s ».") % text)
        raise forms.ValidationError(
            _("Plusieurs EPCI correspondent à « %(text)s » : %(choices)s… Précisez le nom.")
            % {"text": text, "choices": ", ".join(epci.name for epci in found[:5])}
        )
