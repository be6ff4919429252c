from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.uploads import check_upload
from maillage.opendata.models import ImportFormat
from maillage.opendata.readers.base import CANONICAL_FIELDS

UPLOAD_FORMATS = [choice for choice in ImportFormat.choices if choice[0] != ImportFormat.SIRENE]
UPLOAD_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".json")
FIELD_LABELS = {
    "name": _("Raison sociale"),
    "brand": _("Nom d'usage"),
    "siret": _("SIRET"),
    "siren": _("SIREN"),
    "rna": _("Numéro RNA"),
    "legal_form": _("Catégorie juridique"),
    "ess_family": _("Famille de l'ESS"),
    "naf": _("Code NAF"),
    "kinds": _("Types de structure"),
    "address": _("Adresse"),
    "postal_code": _("Code postal"),
    "city": _("Commune"),
    "commune_insee": _("Code INSEE de la commune"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
    "website": _("Site web"),
    "email": _("E-mail"),
    "phone": _("Téléphone"),
    "description": _("Présentation"),
    "source_id": _("Identifiant dans la source"),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "CSV (UTF-8 ou Windows-1252, séparateur , ; ou tabulation), XLSX ou JSON GoGoCarto."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=UPLOAD_FORMATS, initial="csv")
    source = forms.SlugField(
        label=_("Nom de la source"),
        max_length=50,
        required=False,
        help_text=_(
            "Par exemple « reseau-cress-na » : il sert de clé aux lignes sans SIRET ni RNA."
        ),
    )

    def clean_file(self):
        """The checks of every uploaded file (size, type, zip bombs), before anything reads it."""
        upload = self.cleaned_data["file"]
        check_upload(upload, extensions=UPLOAD_EXTENSIONS)
        return upload


class MappingForm(forms.Form):
    """One select per column of the file: which field of the directory it fills, if any."""

    dry_run = forms.BooleanField(
        label=_("Essai à blanc : tout vérifier sans rien enregistrer"), required=False
    )

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("— ignorer —")),
            *((name, f"{FIELD_LABELS[name]} ({name})") for name in CANONICAL_FIELDS),
        ]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(colonne sans titre)"),
                choices=choices,
                required=False,
                initial=mapping.get(header, ""),
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(f"column_{i}") for i in range(len(self.headers))]
        used = [name for name in chosen if name]
        if "name" not in used:
            raise forms.ValidationError(
                _("Choisissez la colonne qui donne le nom des organisations (name).")
            )
        twice = sorted({name for name in used if used.count(name) > 1})
        if twice:
            raise forms.ValidationError(
                _("Chaque champ ne peut venir que d'une colonne : %(fields)s.")
                % {"fields": ", ".join(twice)}
            )
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers)
            if self.cleaned_data.get(f"column_{index}")
        }
