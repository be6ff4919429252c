"""Validators for French identifiers and places; every message names what is wrong, in French."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

RNA_PATTERN = re.compile(r"^W\d{9}$")

# (name, min latitude, max latitude, min longitude, max longitude): France's land areas,
# metropolitan and overseas, each with a small margin for coastal points.
FRANCE_BOUNDING_BOXES: list[tuple[str, float, float, float, float]] = [
    ("France métropolitaine et Corse", 41.3, 51.2, -5.3, 9.7),
    ("Guadeloupe, Saint-Martin et Saint-Barthélemy", 15.8, 18.2, -63.3, -60.9),
    ("Martinique", 14.3, 14.95, -61.3, -60.75),
    ("Guyane", 2.0, 5.9, -54.7, -51.5),
    ("La Réunion", -21.45, -20.8, 55.15, 55.9),
    ("Mayotte", -13.1, -12.55, 44.9, 45.35),
    ("Saint-Pierre-et-Miquelon", 46.7, 47.2, -56.5, -56.1),
    ("Wallis-et-Futuna", -14.4, -13.1, -178.3, -176.1),
    ("Polynésie française", -28.0, -7.8, -154.8, -134.3),
    ("Nouvelle-Calédonie", -22.9, -19.4, 163.5, 168.2),
    ("Terres australes : Kerguelen", -50.1, -48.5, 68.3, 70.7),
    ("Terres australes : Crozet", -46.6, -46.2, 50.1, 52.4),
    ("Terres australes : Saint-Paul et Amsterdam", -39.0, -37.7, 77.4, 77.7),
    ("Îles Éparses", -22.5, -11.4, 39.6, 54.6),
    ("Terre Adélie", -90.0, -66.0, 136.0, 142.0),
    ("Clipperton", 10.2, 10.4, -109.3, -109.1),
]


# stdnum's InvalidLength is a subclass of InvalidFormat: catch it first.


def compact_digits(value: str) -> str:
    """Drop the spaces, dots and dashes people type inside numbers."""
    return re.sub(r"[\s.\-]", "", value or "")


def validate_siren(value: str) -> None:
    number = compact_digits(value)
    try:
        stdnum_siren.validate(number)
    except InvalidLength as error:
        raise ValidationError(
            _("Le SIREN « %(value)s » doit compter 9 chiffres (il en a %(length)s)."),
            code="siren_length",
            params={"value": value, "length": len(number)},
        ) from error
    except InvalidFormat as error:
        raise ValidationError(
            _("Le SIREN « %(value)s » ne doit contenir que des chiffres."),
            code="siren_format",
            params={"value": value},
        ) from error
    except InvalidChecksum as error:
        raise ValidationError(
            _("Le SIREN « %(value)s » est invalide : sa clé de contrôle (Luhn) ne correspond pas."),
            code="siren_checksum",
            params={"value": value},
        ) from error


def validate_siret(value: str) -> None:
    """Luhn check, except La Poste (SIREN 356000000) whose digits must sum to a multiple of 5."""
    number = compact_digits(value)
    try:
        stdnum_siret.validate(number)
    except InvalidLength as error:
        raise ValidationError(
            _("Le SIRET « %(value)s » doit compter 14 chiffres (il en a %(length)s)."),
            code="siret_length",
            params={"value": value, "length": len(number)},
        ) from error
    except InvalidFormat as error:
        raise ValidationError(
            _("Le SIRET « %(value)s » ne doit contenir que des chiffres."),
            code="siret_format",
            params={"value": value},
        ) from error
    except InvalidChecksum as error:
        raise ValidationError(
            _("Le SIRET « %(value)s » est invalide : sa clé de contrôle (Luhn) ne correspond pas."),
            code="siret_checksum",
            params={"value": value},
        ) from error


def validate_rna(value: str) -> None:
    if not RNA_PATTERN.match(value or ""):
        raise ValidationError(
            _("Le numéro RNA « %(value)s » doit être un W suivi de 9 chiffres (ex. W332001234)."),
            code="rna_format",
            params={"value": value},
        )


def france_area_of(latitude: float, longitude: float) -> str | None:
    """The name of the French land area that contains the point, or None."""
    for name, min_lat, max_lat, min_lon, max_lon in FRANCE_BOUNDING_BOXES:
        if min_lat <= latitude <= max_lat and min_lon <= longitude <= max_lon:
            return name
    return None


def validate_coordinates_in_france(latitude: float, longitude: float) -> None:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError(
            _("Coordonnées impossibles : latitude %(lat)s, longitude %(lon)s."),
            code="coordinates_range",
            params={"lat": latitude, "lon": longitude},
        )
    if france_area_of(latitude, longitude) is None:
        raise ValidationError(
            _(
                "Le point (latitude %(lat)s, longitude %(lon)s) est hors de France "
                "(métropole et outre-mer). Latitude et longitude sont-elles inversées ?"
            ),
            code="coordinates_outside_france",
            params={"lat": latitude, "lon": longitude},
        )


# Characters people never type in a profile but that change how text reads or where it goes:
# C0/C1 controls, and the invisible formatting marks (zero-width spaces and joiners, bidi
# embeddings, overrides and isolates, byte-order mark) that can hide or reverse a name.
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_ONE_LINE_FORBIDDEN = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_TEXT_FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_INVISIBLE}]")
PHONE_PATTERN = re.compile(r"^\+?[\d\s().\-/]+$")


def _forbidden_message(character: str) -> str:
    return _(
        "Ce texte contient un caractère invisible ou de contrôle (U+%(code)04X) : retirez-le."
    ) % {"code": ord(character)}


def validate_one_line(value: str) -> None:
    """A name, a title, an address, a phone: one line of visible text (no CR/LF, no bidi override)."""
    found = _ONE_LINE_FORBIDDEN.search(value or "")
    if found:
        raise ValidationError(_forbidden_message(found.group()), code="invisible_character")


def validate_text(value: str) -> None:
    """A presentation or a message: line breaks and tabs allowed, other controls and bidi marks not."""
    found = _TEXT_FORBIDDEN.search(value or "")
    if found:
        raise ValidationError(_forbidden_message(found.group()), code="invisible_character")


def validate_phone(value: str) -> None:
    """Digits with the usual separators and an optional leading +: 4 (short numbers such as 3949)
    to 20 digits: « appelez-nous » or « 12 » is not a number people can dial. Shared by forms,
    API and imports."""
    validate_one_line(value)
    digits = sum(character.isdigit() for character in value)
    if not PHONE_PATTERN.match(value) or not 4 <= digits <= 20:
        raise ValidationError(
            _(
                "Le téléphone « %(value)s » doit être un numéro : des chiffres, avec espaces, "
                "points, tirets ou un + initial (ex. 05 49 00 00 00 ou +33 5 49 00 00 00)."
            ),
            code="phone_format",
            params={"value": value},
        )


def validate_website(value: str) -> None:
    """A public address: a host with a top-level domain, not « localhost », an IP address or
    « www.monsite » (Django's URLValidator takes « monsite » for the domain there)."""
    message = _(
        "L'adresse web « %(value)s » est incomplète : il manque le domaine de premier niveau "
        "(ex. https://www.exemple.fr)."
    )
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError(message, code="website", params={"value": value}) from None
    host = (urlsplit(value).hostname or "").rstrip(".")
    labels = host.split(".")
    if (
        len(labels) < 2
        or labels[-1].isdigit()
        or not labels[-1].replace("-", "").isalnum()
        or (labels[0] == "www" and len(labels) < 3)
    ):
        raise ValidationError(message, code="website", params={"value": value})
