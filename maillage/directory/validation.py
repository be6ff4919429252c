"""Rules about where an establishment is; pure functions so that loaders can apply them in bulk."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.core.validators import validate_coordinates_in_france
from maillage.territory.models import PostalCode


def postal_code_prefix(departement_code: str) -> str:
    """The first digits every postal code of a département shares: '2A' → '20', '974' → '974'."""
    if departement_code in ("2A", "2B"):
        return "20"
    return departement_code


def postal_code_error(
    *,
    postal_code: str,
    commune_name: str,
    commune_postal_codes: list[str],
    departement_code: str,
    is_known_code: bool,
) -> str | None:
    """Why a postal code does not fit a commune, or None when it does.

    A code unknown to the postal base is a CEDEX (business) code: accepted when it belongs
    to the commune's département, as real organisations use them.
    """
    if len(postal_code) != 5 or not postal_code.isdigit():
        return _("Le code postal « %(code)s » doit compter 5 chiffres.") % {"code": postal_code}
    if postal_code in commune_postal_codes:
        return None
    if not is_known_code and postal_code.startswith(postal_code_prefix(departement_code)):
        return None
    return _(
        "Le code postal %(code)s ne correspond pas à la commune %(commune)s (codes possibles : %(codes)s)."
    ) % {
        "code": postal_code,
        "commune": commune_name,
        "codes": ", ".join(commune_postal_codes) or "—",
    }


def check_establishment_place(establishment) -> None:
    """Model-level check: postal code consistent with the commune, point inside France."""
    errors: dict[str, list[str]] = {}
    if establishment.commune_id and establishment.postal_code:
        commune = establishment.commune
        message = postal_code_error(
            postal_code=establishment.postal_code,
            commune_name=commune.name,
            commune_postal_codes=commune.postal_code_list,
            departement_code=commune.departement_id,
            is_known_code=PostalCode.objects.filter(code=establishment.postal_code).exists(),
        )
        if message:
            errors["postal_code"] = [message]
    latitude, longitude = establishment.latitude, establishment.longitude
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Indiquez la latitude et la longitude, ou aucune des deux.")]
    elif latitude is not None:
        try:
            validate_coordinates_in_france(latitude, longitude)
        except ValidationError as error:
            errors["latitude"] = error.messages
    organisation = establishment.organisation if establishment.organisation_id else None
    if (
        establishment.siret
        and organisation
        and organisation.siren
        and establishment.siret[:9] != organisation.siren
    ):
        errors["siret"] = [
            _("Le SIRET %(siret)s n'appartient pas au SIREN %(siren)s de l'organisation.")
            % {"siret": establishment.siret, "siren": organisation.siren}
        ]
    if errors:
        raise ValidationError(errors)
