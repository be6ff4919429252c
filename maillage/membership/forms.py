"""Forms of the member space: they parse and explain; the services validate again and write."""

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from maillage.core.text import fold
from maillage.directory.forms import SectorsField
from maillage.directory.models import DailyNeed, Organisation
from maillage.membership.models import College, Membership, SelfAssessment, Vote
from maillage.membership.services.organisations import PROFILE_FIELDS, normalise
from maillage.territory.models import Commune


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
        labels = {"first_name": _("Prénom"), "last_name": _("Nom")}


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Site web"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("Par exemple https://www.mon-association.fr"),
    )
    sectors = SectorsField(
        label=_("Filières"),
        required=False,
        help_text=_("Vos choix remplacent les filières déduites du code NAF."),
    )
    daily_needs = forms.ModelMultipleChoiceField(
        label=_("Besoins du quotidien"),
        queryset=DailyNeed.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = PROFILE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def clean_siren(self) -> str:
        return normalise("siren", self.cleaned_data["siren"])


class OrganisationCreateForm(OrganisationForm):
    """A new profile: its identity, then its head office."""

    # Classifications come once the profile exists (declared fields must be removed by name).
    sectors = None
    daily_needs = None

    address = forms.CharField(label=_("Adresse du siège"), max_length=255, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=5)
    commune_name = forms.CharField(
        label=_("Commune"),
        max_length=100,
        required=False,
        help_text=_("Facultatif quand le code postal ne dessert qu'une commune."),
    )

    class Meta(OrganisationForm.Meta):
        fields = [
            "name",
            "brand",
            "siren",
            "rna",
            "ess_family",
            "website",
            "email",
            "phone",
            "description",
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        _resolve_commune_into(self, cleaned)
        return cleaned

    def head_office(self) -> dict:
        return {
            "address": self.cleaned_data["address"],
            "postal_code": self.cleaned_data["postal_code"],
            "commune": self.cleaned_data["commune"],
        }

    def profile(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def resolve_commune(postal_code: str, name: str) -> tuple[Commune | None, str]:
    """The commune a postal code and a name point at, or None with the reason."""
    candidates = list(
        Commune.objects.filter(postal_codes__code=postal_code).distinct().order_by("name")
    )
    folded = fold(name)
    if not candidates and folded:
        # CEDEX codes are unknown to the postal base: look the name up in the département.
        candidates = list(Commune.objects.filter(search_name=folded))
    matching = candidates
    if folded:
        matching = [c for c in candidates if c.search_name == folded] or [
            c for c in candidates if c.search_name.startswith(folded)
        ]
    elif len(candidates) > 1:
        matching = []
    if len(matching) == 1:
        return matching[0], ""
    if not candidates:
        return None, str(
            _("Aucune commune ne correspond au code postal %(code)s.") % {"code": postal_code}
        )
    names = ", ".join(commune.name for commune in candidates[:12])
    if not folded:
        return None, str(
            _("Le code postal %(code)s dessert plusieurs communes : précisez laquelle (%(names)s).")
            % {"code": postal_code, "names": names}
        )
    return None, str(
        _("« %(name)s » ne fait pas partie des communes du code postal %(code)s : %(names)s.")
        % {"name": name, "code": postal_code, "names": names}
    )


def _resolve_commune_into(form: forms.Form, cleaned: dict) -> None:
    postal_code = (cleaned.get("postal_code") or "").strip()
    if not postal_code:
        return
    if len(postal_code) != 5 or not postal_code.isdigit():
        form.add_error("postal_code", _("Le code postal doit compter 5 chiffres."))
        return
    commune, reason = resolve_commune(postal_code, cleaned.get("commune_name") or "")
    if commune is None:
        form.add_error("commune_name", reason)
    cleaned["postal_code"] = postal_code
    cleaned["commune"] = commune


class EstablishmentForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'établissement"), max_length=255, required=False)
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 chiffres ; les 9 premiers sont le SIREN de l'organisation."),
    )
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    postal_code = forms.CharField(label=_("Code postal"), max_length=5)
    commune_name = forms.CharField(
        label=_("Commune"),
        max_length=100,
        required=False,
        help_text=_("Facultatif quand le code postal ne dessert qu'une commune."),
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False)
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    is_head_office = forms.BooleanField(label=_("Siège de l'organisation"), required=False)

    @classmethod
    def initial_for(cls, establishment) -> dict:
        return {
            "name": establishment.name,
            "siret": establishment.siret or "",
            "address": establishment.address,
            "postal_code": establishment.postal_code,
            "commune_name": establishment.commune.name,
            "latitude": establishment.latitude,
            "longitude": establishment.longitude,
            "is_head_office": establishment.is_head_office,
        }

    def clean_siret(self) -> str:
        return "".join(self.cleaned_data["siret"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        _resolve_commune_into(self, cleaned)
        return cleaned

    def establishment_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields if name != "commune_name"}
        data["commune"] = self.cleaned_data["commune"]
        return data


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Votre rôle dans l'organisation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Facultatif : aide l'équipe d'animation à vérifier votre demande (fonction, "
            "téléphone de la structure…)."
        ),
    )


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("accept", _("Accepter")), ("reject", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (obligatoire pour un refus)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)


class SuggestionForm(OrganisationForm):
    """The profile's facts as they are now; what the person changes becomes the suggestion."""

    sectors = None
    daily_needs = None

    message = forms.CharField(
        label=_("Pourquoi cette correction ?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : votre source aide l'organisation à décider."),
    )

    class Meta(OrganisationForm.Meta):
        fields = ["name", "brand", "description", "siren", "rna", "website", "email", "phone"]

    def proposed(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CharterSignatureForm(forms.Form):
    """One checkbox per admission criterion of the charter version shown."""

    def __init__(self, *args, charter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria"] = forms.MultipleChoiceField(
            label=_("Critères d'admission remplis par l'organisation"),
            choices=[(c.pk, c.text) for c in charter.criteria.all()],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )

    def checked(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["criteria"]]


class SelfAssessmentForm(forms.Form):
    """A level per criterion, and a comment."""

    def __init__(self, *args, charter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(charter.criteria.all())
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.text,
                choices=SelfAssessment.Level.choices,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Commentaire (progrès, projets de l'année)"),
            required=False,
            max_length=3000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def levels(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class ApplicationForm(forms.Form):
    motivation = forms.CharField(
        label=_("Présentez la candidature"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Activité, engagements sociaux et environnementaux, liens avec les acteurs du "
            "territoire : ce que les collèges doivent savoir pour se prononcer."
        ),
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Votre vote"), choices=Vote.Choice.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Commentaire (obligatoire pour un vote contre)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, colleges, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["college"] = forms.ModelChoiceField(
            label=_("Au titre du collège"), queryset=colleges, empty_label=None
        )
        self.order_fields(["college", "choice", "comment"])


class CollegeForm(forms.ModelForm):
    class Meta:
        model = College
        fields = ["name", "description", "quorum", "is_required"]
        labels = {"name": _("Nom du collège"), "quorum": _("Quorum (votes)")}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ReviewerForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du compte à ajouter"))
