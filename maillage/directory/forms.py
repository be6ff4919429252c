from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from maillage.core.widgets import ChipsSelectMultiple
from maillage.directory.models import EssFamily, Label, Sector, StructureKind
from maillage.directory.search.params import (
    SearchParameterError,
    parse_bbox,
    parse_near,
    parse_radius,
)
from maillage.directory.search.query import SORTS, DirectoryFilters
from maillage.territory.models import Departement
from maillage.territory.selectors import CommuneNotFound, find_commune


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


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string; invalid values are named, not ignored."""

    q = forms.CharField(label=_("Recherche"), required=False, max_length=200)
    commune = forms.CharField(label=_("Commune ou code postal"), required=False, max_length=120)
    sector = forms.MultipleChoiceField(label=_("Filière"), required=False)
    kind = forms.MultipleChoiceField(label=_("Type de structure"), required=False)
    departement = forms.MultipleChoiceField(label=_("Département"), required=False)
    label = forms.MultipleChoiceField(label=_("Label"), required=False)
    family = forms.MultipleChoiceField(
        label=_("Famille de l'ESS"), required=False, choices=EssFamily.choices
    )
    near = forms.CharField(label=_("Autour du point"), required=False, max_length=60)
    radius_km = forms.FloatField(label=_("Rayon (km)"), required=False)
    bbox = forms.CharField(label=_("Zone de la carte"), required=False, max_length=120)
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[("", _("Pertinence")), ("name", _("Nom")), ("distance", _("Distance"))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commune_found = None
        self.fields["sector"].choices = list(Sector.objects.values_list("slug", "name"))
        self.fields["kind"].choices = list(StructureKind.objects.values_list("code", "name"))
        self.fields["departement"].choices = list(Departement.objects.values_list("code", "name"))
        self.fields["label"].choices = list(Label.objects.values_list("slug", "name"))

    def clean_commune(self) -> str:
        """The INSEE code of the commune typed (a name, a postal code, or 'Name (code)')."""
        text = self.cleaned_data["commune"]
        if not text:
            return ""
        try:
            self.commune_found = find_commune(text)
        except CommuneNotFound as error:
            raise forms.ValidationError(str(error)) from error
        return self.commune_found.insee_code

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, parse in (("near", parse_near), ("bbox", parse_bbox)):
            try:
                cleaned[name] = parse(cleaned.get(name) or "")
            except SearchParameterError as error:
                self.add_error(name, error.message)
                cleaned[name] = None
        try:
            cleaned["radius_km"] = parse_radius(cleaned.get("radius_km"), cleaned.get("near"))
        except SearchParameterError as error:
            self.add_error("radius_km", error.message)
        return cleaned

    def filters(self) -> DirectoryFilters:
        """The valid filters; a field that failed validation is left out, the others apply."""
        data = getattr(self, "cleaned_data", {})
        values = {
            attribute: tuple(data.get(name) or ()) for name, attribute in FACET_FIELDS.items()
        }
        return DirectoryFilters(
            q=data.get("q") or "",
            commune=data.get("commune") or "",
            near=data.get("near"),
            radius_km=data.get("radius_km"),
            bbox=data.get("bbox"),
            sort=data.get("sort") if data.get("sort") in SORTS else "",
            **values,
        )
