"""Forms of the catalogue: the fields people fill; the rules live in the models and services."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.catalogue import selectors
from maillage.catalogue.models import (
    ExchangeMode,
    Kind,
    Listing,
    NeedReport,
    SavedSearch,
    Side,
    Status,
)
from maillage.core.validators import validate_one_line
from maillage.core.widgets import ChipsSelectMultiple
from maillage.directory.forms import SectorField, SectorsField
from maillage.directory.models import EssFamily, Label, Organisation, Sector
from maillage.directory.search.params import RADIUS_CHOICES_KM
from maillage.territory.forms import CommuneField, CommuneListField, EPCIListField
from maillage.territory.models import Departement

REPORT_SALT = "maillage.catalogue.report-form"
# A person needs more than this to describe a need; robots post at once.
MIN_FILL_SECONDS = 4


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ListingForm(forms.ModelForm):
    sectors = SectorsField(label=gettext_lazy("Filières"))
    area_communes = CommuneListField(label=gettext_lazy("Communes desservies"), required=False)
    area_epcis = EPCIListField(
        label=gettext_lazy("Intercommunalités desservies (EPCI)"), required=False
    )
    area_departements = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Départements desservis"),
        queryset=Departement.objects.all(),
        required=False,
        widget=ChipsSelectMultiple,
    )
    preferred_families = forms.MultipleChoiceField(
        label=gettext_lazy("Familles de l'ESS appréciées"),
        choices=EssFamily.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_labels = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Labels appréciés"),
        queryset=Label.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Listing
        fields = [
            "title",
            "description",
            "kind",
            "sectors",
            "exchange_mode",
            "price",
            "price_on_quote",
            "quantity",
            "unit",
            "available_from",
            "available_until",
            "recurrence",
            "establishment",
            "radius_km",
            "area_communes",
            "area_epcis",
            "area_departements",
            "reserved_market",
            "preferred_families",
            "preferred_labels",
            "cpv_code",
            "expires_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "available_from": DateInput(),
            "available_until": DateInput(),
            "expires_on": DateInput(),
        }

    def __init__(self, *args, organisation: Organisation, side: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.side = side
        self.fields["establishment"].queryset = organisation.establishments.select_related(
            "commune"
        )
        self.fields["establishment"].label_from_instance = lambda e: (
            f"{e.commune.name} – {e.address}" if e.address else e.commune.name
        )
        self.fields["establishment"].required = False
        self.fields["establishment"].empty_label = _("Le siège")
        self.fields["expires_on"].required = False
        self.fields["expires_on"].help_text = _("Trois mois par défaut ; un an au plus.")
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("radius_km", 30)
        if side == Side.OFFER:
            for name in ("reserved_market", "preferred_families", "preferred_labels"):
                del self.fields[name]
        elif not Label.objects.exists():
            del self.fields["preferred_labels"]
        self.fields["radius_km"].help_text = _(
            "Autour de l'établissement choisi ; ou bien, à la place ou en plus, listez des territoires."
        )

    def _post_clean(self) -> None:
        """Model rules run in the service, which reports them on the fields (one place)."""

    def listing_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        if self.side == Side.OFFER:
            data.update(reserved_market="", preferred_families=[], preferred_labels=[])
        data.setdefault("preferred_labels", [])
        data["preferred_families"] = list(data.get("preferred_families") or [])
        if not data.get("expires_on"):
            data.pop("expires_on", None)
        return data


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Pourquoi fermer cette annonce ?"),
        choices=[
            (Status.FULFILLED, gettext_lazy("Elle est pourvue")),
            (Status.WITHDRAWN, gettext_lazy("Nous la retirons")),
        ],
        widget=forms.RadioSelect,
    )


class ContactForm(forms.Form):
    sender_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Vous écrivez au nom de"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Moi-même, à titre personnel"),
    )
    message = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=5000,
        help_text=gettext_lazy(
            "Votre adresse e-mail est transmise à l'organisation seulement, pour qu'elle vous réponde ; elle n'est jamais affichée."
        ),
    )

    def __init__(
        self, *args, organisations: list[Organisation], direct: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sender_organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1 and not self.is_bound:
            self.initial["sender_organisation"] = organisations[0].pk
        if not direct:
            self.fields["message"].help_text = _(
                "Votre adresse e-mail est transmise à l'équipe d'animation seulement, pour qu'elle "
                "vous réponde ou transmette votre message ; elle n'est jamais affichée."
            )


class DealForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Montant (€ HT, facultatif)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("Il compte, anonymement, dans la part des achats faits dans l'ESS."),
    )
    note = forms.CharField(
        label=gettext_lazy("En quelques mots (facultatif)"),
        required=False,
        max_length=300,
        validators=[validate_one_line],
    )


class NeedReportForm(forms.ModelForm):
    """Public form: no account; anti-spam by honeypot, minimum fill time and rate limit."""

    place = CommuneField(label=gettext_lazy("Où ? (commune ou code postal)"), whole_city=True)
    # Honeypot: hidden from people by CSS, filled by robots.
    website = forms.CharField(label=gettext_lazy("Ne remplissez pas ce champ"), required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = NeedReport
        fields = [
            "what",
            "place",
            "for_whom",
            "frequency",
            "reporter_kind",
            "reporter_name",
            "reporter_email",
        ]
        widgets = {"what": forms.Textarea(attrs={"rows": 5})}
        labels = {"what": gettext_lazy("Quel besoin n'est pas couvert aujourd'hui ?")}
        help_texts = {
            "for_whom": gettext_lazy(
                "Par exemple : les familles du quartier, les associations sportives, les personnes âgées…"
            ),
            "reporter_email": gettext_lazy(
                "Seulement pour vous tenir au courant ; jamais affiché ni transmis."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=REPORT_SALT)
        self.fields["frequency"].choices = self.fields["frequency"].choices[1:]
        self.fields["reporter_kind"].choices = self.fields["reporter_kind"].choices[1:]
        self.fields["frequency"].widget = forms.RadioSelect(
            choices=self.fields["frequency"].choices
        )
        self.fields["reporter_kind"].widget = forms.RadioSelect(
            choices=self.fields["reporter_kind"].choices
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("Le formulaire n'a pas pu être envoyé. Réessayez sans remplir le champ caché.")
            )
        try:
            started = float(
                signing.loads(self.data.get("started", ""), salt=REPORT_SALT, max_age=86400)
            )
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                _("Le formulaire a expiré : rechargez la page et envoyez-le de nouveau.")
            ) from None
        # Only a form otherwise valid is « too fast »: a person correcting mistakes is not a robot.
        if not self.errors and time.time() - started < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("Envoyé trop vite : relisez votre signalement, puis envoyez-le de nouveau.")
            )
        return cleaned

    def _post_clean(self) -> None:
        """The service validates the report (the commune comes from `place`)."""

    def report_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "place"}
        data["commune"] = self.cleaned_data["place"]
        return data


class QualifyForm(forms.Form):
    place = CommuneField(
        label=gettext_lazy("Commune (pour corriger le lieu)"),
        required=False,
        whole_city=True,
        help_text=gettext_lazy("Laissez vide pour garder la commune signalée."),
    )
    sector = SectorField(
        label=gettext_lazy("Filière"),
        queryset=Sector.objects.filter(parent__isnull=False),
        required=False,
    )
    status = forms.ChoiceField(label=gettext_lazy("État"), choices=NeedReport.Status.choices)
    duplicate_of = forms.ModelChoiceField(
        label=gettext_lazy("Doublon du signalement n°"),
        queryset=NeedReport.objects.all(),
        required=False,
        widget=forms.NumberInput,
        error_messages={"invalid_choice": gettext_lazy("Aucun signalement ne porte ce numéro.")},
    )
    public_note = forms.CharField(
        label=gettext_lazy("Message à la personne qui a signalé (visible sur son lien de suivi)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def qualification(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in ("sector", "status", "duplicate_of", "public_note")
        }
        if self.cleaned_data.get("place"):
            data["commune"] = self.cleaned_data["place"]
        return data


class RouteForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Transmettre à"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in candidates]
        )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Recherche"), required=False, max_length=200)
    side = forms.ChoiceField(
        label=gettext_lazy("Offres ou besoins"),
        choices=[("", gettext_lazy("Les deux")), *Side.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[("", gettext_lazy("Tous")), *Kind.choices],
        required=False,
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode d'échange"),
        choices=[("", gettext_lazy("Tous")), *ExchangeMode.choices],
        required=False,
    )
    sector = SectorField(
        label=gettext_lazy("Filière"),
        required=False,
        to_field_name="slug",
        empty_label=gettext_lazy("Toutes"),
    )
    departement = forms.ModelChoiceField(
        label=gettext_lazy("Département"), queryset=Departement.objects.all(), required=False
    )
    near = CommuneField(
        label=gettext_lazy("Près de (commune ou code postal)"), required=False, help_text=""
    )
    radius_km = forms.IntegerField(
        label=gettext_lazy("Dans un rayon de"),
        required=False,
        min_value=1,
        max_value=500,
        widget=forms.Select(choices=[(km, f"{km} km") for km in RADIUS_CHOICES_KM if km]),
    )

    def __init__(self, data=None, *args, **kwargs) -> None:
        if data is not None and data.get("near", "").strip() and not data.get("radius_km"):
            data = data.copy()
            data["radius_km"] = str(selectors.DEFAULT_RADIUS_KM)  # what the search applies: say so
        super().__init__(data, *args, **kwargs)


class SavedSearchForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Types"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = SectorsField(label=gettext_lazy("Filières"), required=False)

    near = CommuneField(
        label=gettext_lazy("Près de (commune ou code postal)"),
        required=False,
        help_text=gettext_lazy("Laissez vide pour toute la France, ou choisissez un département."),
    )

    class Meta:
        model = SavedSearch
        fields = [
            "name",
            "query",
            "side",
            "kinds",
            "sectors",
            "near",
            "radius_km",
            "departement",
            "frequency",
        ]
        help_texts = {"radius_km": gettext_lazy("30 km si vous n'indiquez rien.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [("", _("Les deux")), *Side.choices]

    def clean(self) -> dict:
        cleaned = super().clean()
        if "near" in self.errors:  # the radius is not what went wrong: one message, not two
            cleaned.pop("radius_km", None)
        return cleaned

    def search_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
