"""Rules about where an establishment is; pure functions so that loaders can apply them in bulk."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from maillage.core.geo import haversine_km
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


# A point farther than this from its commune's centre is taken for a wrong point (the demo
# had points 50 to 904 km away). The largest metropolitan communes are under 25 km across;
# some of Guyane's are wider, and their far points are only moved to the centre, flagged.
FAR_FROM_COMMUNE_KM = 40.0


@dataclass(frozen=True)
class MapPlace:
    latitude: float | None
    longitude: float | None
    is_approximate: bool
    far_km: float | None = None  # the distance of a point given but set aside

    def far_message(self, commune_name: str) -> str:
        return _(
            "Point à %(km)s km de la commune %(commune)s : placé au centre de la commune "
            "(position approximative)."
        ) % {"km": round(self.far_km), "commune": commune_name}


def place_on_map(commune, latitude: float | None, longitude: float | None) -> MapPlace:
    """The one rule of imports and the demo: a point is kept when it lies in or near its
    commune; without one, or with one far from it, the commune's centre stands in, flagged as
    approximate, so that the organisation is on the map and in radius searches."""
    has_centre = commune.latitude is not None and commune.longitude is not None
    if latitude is not None and longitude is not None:
        if not has_centre:
            return MapPlace(latitude, longitude, False)
        distance = haversine_km(latitude, longitude, commune.latitude, commune.longitude)
        if distance <= FAR_FROM_COMMUNE_KM:
            return MapPlace(latitude, longitude, False)
        return MapPlace(commune.latitude, commune.longitude, True, far_km=distance)
    if has_centre:
        return MapPlace(commune.latitude, commune.longitude, True)
    return MapPlace(None, None, False)


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


def identity_owner(siren: str, *, exclude_pk: int | None):
    """Another organisation that is this legal entity (same SIREN, or an establishment whose SIRET
    starts with it), or None: a SIREN is not taken over without an animator's review."""
    from maillage.directory.models import Organisation  # the models import this module

    if not siren:
        return None
    others = Organisation.objects.filter(
        Q(siren=siren) | Q(establishments__siret__startswith=siren)
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.order_by("pk").first()


def identity_taken_error(siren: str, owner) -> str:
    return _(
        "Le SIREN %(siren)s est celui de « %(name)s », déjà dans l'annuaire : demandez à gérer "
        "cette fiche (« Revendiquer »), l'animation de votre territoire examinera la demande."
    ) % {"siren": siren, "name": owner.display_name}
