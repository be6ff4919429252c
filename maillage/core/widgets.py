"""Form widgets shared by every domain.

The chips widgets render a plain field that works without JavaScript; `static/js/chips.js`
turns it into an ARIA combobox with chips (a text box that suggests, a list of removable
choices). No inline script or style: the texts the script needs travel in data attributes.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _chips_attrs(attrs: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "data-chips": "",
        "data-chips-placeholder": _("Tapez pour chercher…"),
        "data-chips-remove": _("Retirer %s"),
        "data-chips-chosen": _("Choix"),
        "data-chips-none": _("Aucun résultat"),
        "data-chips-added": _("%s ajouté"),
        "data-chips-removed": _("%s retiré"),
        "data-chips-hint": _(
            "Flèches haut et bas pour parcourir les propositions, Entrée pour choisir."
        ),
        **(attrs or {}),
    }


class ChipsSelectMultiple(forms.SelectMultiple):
    """A multiple select among the options of the page (sectors, départements).

    Without JavaScript it stays a valid `<select multiple>`; with it, the options are
    searched by typing (accents and case ignored) and the chosen ones shown as chips.
    """

    def __init__(self, attrs: dict[str, Any] | None = None, choices=()) -> None:
        super().__init__(_chips_attrs({"size": 8, **(attrs or {})}), choices)


class ChipsTextInput(forms.TextInput):
    """Many values among too many to list in the page (communes, EPCI), as one text field.

    The value reads « Lyon (69123), Bron (69029) »: without JavaScript a person types names
    or codes separated by commas; with it, suggestions come from `source` (a JSON API
    answering `?q=`, whose results carry `value_key`, `label_key` and `detail_key`).
    """

    def __init__(
        self,
        *,
        source: str,
        value_key: str,
        label_key: str = "name",
        detail_key: str = "",
        attrs: dict[str, Any] | None = None,
    ) -> None:
        remote = {
            "data-chips-source": source,
            "data-chips-value": value_key,
            "data-chips-label": label_key,
            "data-chips-detail": detail_key,
            "autocomplete": "off",
        }
        super().__init__(_chips_attrs({**remote, **(attrs or {})}))
