from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from maillage.core.widgets import ChipsSelectMultiple
from maillage.directory.models import EssFamily, Label, Sector, StructureKind
from maillage.directory.search.params import (
    DEFAULT_PLACE_RADIUS_KM,
    RADIUS_CHOICES_KM,
    SearchParameterError,
    parse_bbox,
    parse_near,
    place_filters,
    split_place,
)
from maillage.directory.search.query import SORTS, DirectoryFilters
from maillage.territory.forms import CommuneField
from maillage.territory.models import Departement
from maillage.territory.selectors import commune_label


class _GroupedSectorIterator(ModelChoiceIterator):
    """Sectors under their filière group, as optgroups (the chips show the group too)."""

    def __iter__(self) -> Iterator:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        sectors = self.queryset.filter(parent__isnull=False).select_related("parent")
        for sector in sectors.order_by("parent__name", "name"):
            groups.setdefault(sector.parent.name, []).append(self.choice(sector))
        yield from groups.items()


class SectorField(forms.ModelChoiceField):
    """One sector, in a select grouped by filière (a filière group is accepted too)."""

    iterator = _GroupedSectorIterator

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Sector.objects.all())
        super().__init__(**kwargs)


class SectorsField(forms.ModelMultipleChoiceField):
    """Sectors of every member form: grouped, typed and shown as chips, never Ctrl-clicked."""

    iterator = _GroupedSectorIterator

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", ChipsSelectMultiple)
        super().__init__(queryset=Sector.objects.filter(parent__isnull=False), **kwargs)


FACET_FIELDS = {
    "sector": "sectors",
    "kind": "kinds",
    "departement": "departements",
    "label": "labels",
    "family": "families",
}
# Parameters that say what to find (the list, the map and the API read them alike), as opposed
# to how to show it (page, sort, the map's position).
FILTER_PARAMETERS = ("q", "commune", "radius_km", "near", *FACET_FIELDS)


def radius_choices() -> list[tuple[str, str]]:
    return [(str(km), _("la commune seule") if km == 0 else f"{km} km") for km in RADIUS_CHOICES_KM]


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string; invalid values are named, not ignored.

    The list, the full map and the home box share it, so that the same URL finds the same
    organisations everywhere.
    """

    q = forms.CharField(label=_("Recherche"), required=False, max_length=200)
    commune = CommuneField(label=_("Commune ou code postal"), required=False, help_text="")
    radius_km = forms.FloatField(
        label=_("Dans un rayon de"),
        required=False,
        initial=DEFAULT_PLACE_RADIUS_KM,
        widget=forms.Select(choices=()),
    )
    sector = forms.MultipleChoiceField(label=_("Filière"), required=False)
    kind = forms.MultipleChoiceField(label=_("Type de structure"), required=False)
    departement = forms.MultipleChoiceField(label=_("Département"), required=False)
    label = forms.MultipleChoiceField(label=_("Label"), required=False)
    family = forms.MultipleChoiceField(
        label=_("Famille de l'ESS"), required=False, choices=EssFamily.choices
    )
    near = forms.CharField(label=_("Autour du point"), required=False, max_length=60)
    bbox = forms.CharField(label=_("Zone de la carte"), required=False, max_length=120)
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[("", _("Pertinence")), ("name", _("Nom")), ("distance", _("Distance"))],
    )
    # Set by the « search these words as text » link: no place is read from the words.
    keep_q = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs) -> None:
        if data is not None:
            data = data.copy()
            # The control shows the default radius until one is chosen, so that a commune
            # typed later (or read from the words) gets it; around a point, no radius means
            # « sorted by distance », as before.
            if not data.get("radius_km", "").strip() and not data.get("near", "").strip():
                data["radius_km"] = str(DEFAULT_PLACE_RADIUS_KM)
        super().__init__(data, *args, **kwargs)
        self.commune_found = None
        # The commune read from the end or the start of the words, and the words as typed.
        self.place_from_q = None
        self.typed_q = ""
        self.fields["radius_km"].widget.choices = radius_choices()
        self.fields["sector"].choices = list(Sector.objects.values_list("slug", "name"))
        self.fields["kind"].choices = list(StructureKind.objects.values_list("code", "name"))
        self.fields["departement"].choices = list(Departement.objects.values_list("code", "name"))
        self.fields["label"].choices = list(Label.objects.values_list("slug", "name"))

    def clean(self) -> dict:
        cleaned = super().clean()
        self.commune_found = cleaned.get("commune")
        if self.commune_found is None and "commune" not in self.errors:
            self._read_place_from_q(cleaned)
        for name, parse in (("near", parse_near), ("bbox", parse_bbox)):
            try:
                cleaned[name] = parse(cleaned.get(name) or "")
            except SearchParameterError as error:
                self.add_error(name, error.message)
                cleaned[name] = None
        try:
            near = cleaned.get("near")
            radius = cleaned.get("radius_km") if self.commune_found or near else None
            cleaned["place"] = place_filters(self.commune_found, near, radius)
        except SearchParameterError as error:
            self.add_error("radius_km", error.message)
        return cleaned

    def _read_place_from_q(self, cleaned: dict) -> None:
        """« nettoyage Lyon »: Lyon becomes the place, unless the visitor asked otherwise."""
        if cleaned.get("keep_q") or cleaned.get("near") or not cleaned.get("q"):
            return
        split = split_place(cleaned["q"])
        if split is None:
            return
        self.typed_q = cleaned["q"]
        cleaned["q"], self.commune_found = split
        self.place_from_q = self.commune_found

    def filters(self) -> DirectoryFilters:
        """The valid filters; a field that failed validation is left out, the others apply."""
        data = getattr(self, "cleaned_data", {})
        values = {
            attribute: tuple(data.get(name) or ()) for name, attribute in FACET_FIELDS.items()
        }
        place = data.get("place") or {"commune": "", "near": data.get("near"), "radius_km": None}
        return DirectoryFilters(
            q=data.get("q") or "",
            bbox=data.get("bbox"),
            sort=data.get("sort") if data.get("sort") in SORTS else "",
            **place,
            **values,
        )

    @property
    def commune_text(self) -> str:
        """The place field's text: the commune's label once found, else what was typed."""
        if self.commune_found is not None:
            return commune_label(self.commune_found)
        return self.data.get("commune", "") if self.is_bound else ""

    def query(self, *, drop: tuple[str, ...] = ()) -> str:
        """The cleaned filters as a query string that the list, the map and the API read the
        same way: the commune as its label, the place read from the words made explicit."""
        data = getattr(self, "cleaned_data", {})
        pairs = [("q", data.get("q") or "")]
        if self.commune_found is not None:
            # Its label, not its INSEE code: a code such as 13001 (Aix-en-Provence) is also a
            # postal code (Marseille 1er), which a form reads first; every reader reads a label.
            pairs.append(("commune", commune_label(self.commune_found)))
        radius = data.get("radius_km")
        if radius is not None and (self.commune_found is not None or data.get("near")):
            pairs.append(("radius_km", f"{radius:g}"))
        if data.get("near"):
            pairs.append(("near", "{:.5f},{:.5f}".format(*data["near"])))
        for name in FACET_FIELDS:
            pairs += [(name, value) for value in data.get(name) or ()]
        return urlencode([(name, value) for name, value in pairs if value and name not in drop])

    def undo_place_query(self) -> str:
        """The same search with the words as typed and no place read from them."""
        others = self.query(drop=("q", "commune", "radius_km"))
        return "&".join(filter(None, [urlencode({"q": self.typed_q, "keep_q": "1"}), others]))
