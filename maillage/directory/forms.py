from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import StructureKind
from maillage.directory.selectors import DirectoryFilters, sector_choices
from maillage.territory.models import Departement
from maillage.territory.selectors import CommuneNotFound, find_commune


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string; invalid values are named, not ignored."""

    q = forms.CharField(label=_("Recherche"), required=False, max_length=200)
    sector = forms.ChoiceField(label=_("Filière"), required=False)
    kind = forms.ChoiceField(label=_("Type de structure"), required=False)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    commune = forms.CharField(
        label=_("Commune ou code postal"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"list": "commune-options", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Toutes"))]
        self.fields["sector"].choices = any_choice + [
            (
                group.name,
                [(group.slug, _("Tout le groupe « %s »") % group.name)]
                + [(sector.slug, sector.name) for sector in group.children.all()],
            )
            for group in sector_choices()
        ]
        self.fields["kind"].choices = [("", _("Tous"))] + [
            (kind.code, f"{kind.code} – {kind.name}") for kind in StructureKind.objects.all()
        ]
        self.fields["departement"].choices = [("", _("Tous"))] + [
            (dep.code, f"{dep.code} – {dep.name}") for dep in Departement.objects.order_by("code")
        ]

    def clean_commune(self) -> str:
        """The INSEE code of the commune typed; `self.commune` keeps the commune for the page."""
        self.commune = None
        text = self.cleaned_data["commune"]
        if not text:
            return ""
        try:
            self.commune = find_commune(text)
        except CommuneNotFound as error:
            raise forms.ValidationError(str(error)) from error
        return self.commune.insee_code

    def filters(self) -> DirectoryFilters:
        """The valid filters; a field that failed validation is left out, the others apply."""
        data = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        return DirectoryFilters(**data)
