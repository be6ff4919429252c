"""Form fields for lists of territories, typed as names, not codes.

A value reads « Lyon (69123), Bron (69029) »: what the chips widget writes, what a person
without JavaScript may type (« Lyon, Bron » or codes), and what the form shows back.
"""

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Model
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.text import fold
from maillage.core.widgets import ChipsTextInput
from maillage.territory.models import EPCI, Commune
from maillage.territory.selectors import CommuneNotFound, epci_suggestions, find_commune

_ITEM_SEPARATORS = re.compile(r"[,;\n]+")
# « Lyon (69123) », « Grand Poitiers (200069854) »: an INSEE code or a SIREN in brackets.
_TRAILING_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[0-9AB]{5}|\d{9})\)$")
# Each item costs a query or two; a wider area is an EPCI or a département.
MAX_ITEMS = 200


class TerritoryListField(forms.CharField):
    """Several territories of one model; cleans to the list of their codes, in typed order."""

    model: type[Model]

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        items = [part.strip() for part in _ITEM_SEPARATORS.split(text) if part.strip()]
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
    model = Commune

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
            "help_text", gettext_lazy("Tapez un nom ou un code postal, par exemple Poitiers.")
        )
        super().__init__(**kwargs)

    def resolve_text(self, text: str) -> str:
        try:
            return find_commune(text).insee_code
        except CommuneNotFound as error:
            raise forms.ValidationError(str(error)) from error


class EPCIListField(TerritoryListField):
    model = EPCI

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            ChipsTextInput(
                source=reverse_lazy("api-v1:list_epcis"), value_key="code", detail_key="kind"
            ),
        )
        kwargs.setdefault("help_text", gettext_lazy("Tapez un nom, par exemple Grand Poitiers."))
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
