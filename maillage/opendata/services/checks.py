"""Row by row checks of an import, with the product's own rules; every message says what and where.

A row either becomes a Candidate (the values to write, normalised) or is rejected with a
RowProblem. Optional values that are wrong are dropped with a warning; possible duplicates
are flagged for review, never merged.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import EmailValidator

from maillage.core.text import fold
from maillage.core.validators import (
    compact_digits,
    validate_coordinates_in_france,
    validate_phone,
    validate_rna,
    validate_siren,
    validate_siret,
    validate_website,
)
from maillage.directory.families import ess_family_of_legal_form
from maillage.directory.models import (
    EssFamily,
    Establishment,
    LegalForm,
    NafCode,
    Organisation,
    StructureKind,
)
from maillage.directory.services.demo import (
    ASSOCIATION_KINDS,
    ESUS_BY_RIGHT_KINDS,
    CommuneResolver,
)
from maillage.directory.validation import place_on_map, postal_code_error
from maillage.opendata.readers.base import RowProblem
from maillage.opendata.services.text import fast_fold

FAMILY_ALIASES = {fold(str(label)): value for value, label in EssFamily.choices} | {
    value: value for value in EssFamily.values
}
ORGANISATION_FIELDS = (
    "name",
    "brand",
    "siren",
    "rna",
    "legal_form_id",
    "ess_family",
    "is_esus",
    "naf_id",
    "website",
    "email",
    "phone",
    "description",
)
ESTABLISHMENT_FIELDS = (
    "siret",
    "address",
    "postal_code",
    "commune_id",
    "latitude",
    "longitude",
    "is_approximate_location",
)
# Values of the « Type » column that are not structure kinds but ESS families or legal forms
# (issue 23): (family, legal form code or None).
TYPE_ALIASES = {
    "association": (EssFamily.ASSOCIATION, "9220"),
    "association loi 1901": (EssFamily.ASSOCIATION, "9220"),
    "scop": (EssFamily.COOPERATIVE, None),
    "scic": (EssFamily.COOPERATIVE, None),
    "cae": (EssFamily.COOPERATIVE, None),
    "coop": (EssFamily.COOPERATIVE, None),
    "cooperative": (EssFamily.COOPERATIVE, None),
    "mutuelle": (EssFamily.MUTUELLE, None),
    "fondation": (EssFamily.FONDATION, "9300"),
    "esus": (EssFamily.COMPANY, None),
    "societe commerciale de l ess": (EssFamily.COMPANY, None),
}
# Import columns that are not model fields, for the report's labels.
COLUMN_LABELS = {
    "city": "commune",
    "kinds": "type de structure",
    "naf": "code NAF",
    "legal_form": "catégorie juridique",
    "source_id": "identifiant dans la source",
    "departement": "département",
}
UNKNOWN_CODE = {
    "naf": "Code NAF inconnu de la nomenclature NAF rév. 2",
    "legal_form": "Catégorie juridique inconnue (code INSEE à 4 chiffres attendu)",
}
MAX_LENGTHS = {"brand": 255, "address": 255, "phone": 30, "website": 300, "email": 254}


def field_label(name: str) -> str:
    """The words a person reads for an import column (« code postal », not « postal_code »)."""
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    for model in (Organisation, Establishment):
        try:
            return str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
        except FieldDoesNotExist:
            continue
    return name.replace("_", " ")


def _is_luhn_siret(number: str) -> bool:
    """The fast path of the SIRET check; stdnum explains the failures (and La Poste's rule)."""
    if len(number) != 14 or not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = ord(char) - 48
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


class Rejected(Exception):
    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


@dataclass
class Candidate:
    line: int
    source_id: str
    organisation: dict
    establishment: dict
    kinds: list[str]
    commune_name: str
    naf_label: str = ""
    slug: str = ""
    folded_name: str = ""
    others: list[dict] = field(default_factory=list)
    checksum: str = ""

    @property
    def siret(self) -> str:
        return self.establishment.get("siret") or ""


def _float(text: str, name: str) -> float:
    try:
        return float(text.replace(",", ".").strip())
    except ValueError:
        raise Rejected(
            name, text, f"{name.capitalize()} illisible : « {text} » n'est pas un nombre."
        ) from None


def _departement_of(postal_code: str) -> str:
    if postal_code.startswith("97") or postal_code.startswith("98"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if postal_code < "20200" else "2B"
    return postal_code[:2]


class RowChecker:
    """Holds what the checks need in memory (communes, codes) and what the file has shown so far."""

    def __init__(self, *, source: str) -> None:
        self.source = source
        self.resolver = CommuneResolver()
        self._resolved: dict[tuple, object] = {}
        self.naf = dict(NafCode.objects.values_list("code_compact", "label"))
        self.naf_ids = dict(NafCode.objects.values_list("code_compact", "code"))
        self.legal_forms = set(LegalForm.objects.filter(level=3).values_list("code", flat=True))
        self.kind_codes = set(StructureKind.objects.values_list("code", flat=True))
        # Keys seen in the file, as compact integers: bounded memory for millions of rows.
        self.seen_keys: dict[int, int] = {}
        self.seen_sirens: dict[int, int] = {}
        self.seen_names: dict[int, int] = {}

    def check(self, line: int, row: dict) -> tuple[Candidate | None, list[RowProblem]]:
        """The candidate and the warnings, or None and the rejection (first problem)."""
        warnings: list[RowProblem] = []
        try:
            candidate = self._candidate(line, row, warnings)
        except Rejected as rejected:
            return None, [RowProblem(line, rejected.field, rejected.value, rejected.reason)]
        return candidate, warnings

    def _candidate(self, line: int, row: dict, warnings: list[RowProblem]) -> Candidate:
        name = " ".join(row.get("name", "").split())
        if not name:
            raise Rejected("name", "", "Nom manquant : chaque organisation doit avoir un nom.")
        if len(name) > 255:
            raise Rejected("name", name[:40] + "…", "Nom trop long (255 caractères au plus).")
        siret, siren, rna = self._identifiers(row)
        establishment = self._place(row, warnings, line)
        establishment["siret"] = siret or None
        establishment["address"] = self._optional(row, "address", warnings, line)
        commune = self.resolver.communes[establishment["commune_id"]]
        source_id = row.get("source_id", "").strip() or siret or rna
        if not source_id:
            source_id = f"{fold(name)}@{commune.insee_code}"[:100]
        self._check_not_seen(line, siret, rna, source_id)
        kinds, typed_family, typed_form = self._kinds(row, warnings, line)
        organisation = {
            "name": name,
            "brand": self._optional(row, "brand", warnings, line),
            "siren": siren,
            "rna": rna,
            "legal_form_id": self._code(row, "legal_form", self.legal_forms, warnings, line)
            or (typed_form if typed_form in self.legal_forms else None),
            "ess_family": self._family(row, kinds, warnings, line) or typed_family,
            "is_esus": bool(ESUS_BY_RIGHT_KINDS & set(kinds)),
            "naf_id": None,
            "website": self._website(row, warnings, line),
            "email": self._email(row, warnings, line),
            "phone": self._validated(row, "phone", validate_phone, warnings, line),
            "description": row.get("description", "").strip(),
        }
        if organisation["brand"] == name:
            organisation["brand"] = ""
        naf_compact = row.get("naf", "").replace(".", "").strip().upper()
        naf_compact = self._code(row | {"naf": naf_compact}, "naf", self.naf, warnings, line)
        organisation["naf_id"] = self.naf_ids.get(naf_compact)
        candidate = Candidate(
            line=line,
            source_id=source_id,
            organisation=organisation,
            establishment=establishment,
            kinds=kinds,
            commune_name=commune.name,
            naf_label=self.naf.get(naf_compact, ""),
            slug=row.get("slug", "").strip(),
            folded_name=" ".join(fast_fold(part) for part in (name, organisation["brand"]) if part),
        )
        candidate.others = self._others(row, siren, warnings, line)
        self._flag_duplicates(candidate, warnings)
        candidate.checksum = hashlib.md5(
            json.dumps(
                [organisation, establishment, kinds, candidate.others], sort_keys=True, default=str
            ).encode(),
            usedforsecurity=False,
        ).hexdigest()
        return candidate

    def _identifiers(self, row: dict) -> tuple[str, str, str]:
        siret = compact_digits(row.get("siret", ""))
        siren = compact_digits(row.get("siren", ""))
        rna = row.get("rna", "").strip().upper()
        for value, validate, name in ((siret, validate_siret, "siret"), (rna, validate_rna, "rna")):
            if value and not (name == "siret" and _is_luhn_siret(value)):
                try:
                    validate(value)
                except ValidationError as error:
                    raise Rejected(name, row.get(name, ""), error.messages[0]) from None
        if siret and siren and siren != siret[:9]:
            raise Rejected(
                "siren", siren, f"Le SIREN {siren} ne correspond pas au SIRET {siret} de la ligne."
            )
        if siren and not siret:
            try:
                validate_siren(siren)
            except ValidationError as error:
                raise Rejected("siren", row.get("siren", ""), error.messages[0]) from None
        return siret, siret[:9] if siret else siren, rna

    def _place(self, row: dict, warnings: list[RowProblem], line: int) -> dict:
        latitude, longitude = row.get("latitude", "").strip(), row.get("longitude", "").strip()
        if bool(latitude) != bool(longitude):
            raise Rejected(
                "latitude",
                f"{latitude},{longitude}",
                "Coordonnées incomplètes : indiquez la latitude et la longitude, ou aucune des deux.",
            )
        point = (_float(latitude, "latitude"), _float(longitude, "longitude")) if latitude else None
        if point:
            try:
                validate_coordinates_in_france(*point)
            except ValidationError as error:
                raise Rejected("latitude", f"{latitude},{longitude}", error.messages[0]) from None
        postal_code = row.get("postal_code", "").replace(" ", "").strip()
        city = row.get("city", "").strip()
        insee = row.get("commune_insee", "").strip()
        if insee:
            commune = self.resolver.communes.get(insee.zfill(5))
        else:
            departement = row.get("departement") or _departement_of(postal_code)
            commune = self._resolve(postal_code, city, departement)
            if commune is None and point:  # the nearest commune of the code, the last resort
                commune = self.resolver.resolve(
                    postal_code=postal_code,
                    city=city,
                    departement=departement,
                    latitude=point[0],
                    longitude=point[1],
                )
        if commune is None:
            value = insee or f"{postal_code} {city}".strip()
            raise Rejected(
                "city",
                value,
                f"Commune inconnue : aucune commune ne correspond à « {value} ».",
            )
        if city and not insee:
            self._check_city_fits(commune, city, postal_code)
        codes = self.resolver.codes_of[commune.insee_code]
        if not postal_code and codes:
            postal_code = codes[0]
        message = postal_code_error(
            postal_code=postal_code,
            commune_name=commune.name,
            commune_postal_codes=codes,
            departement_code=commune.departement_id,
            is_known_code=postal_code in self.resolver.by_postal_code,
        )
        if message:
            raise Rejected("postal_code", postal_code, message)
        placed = place_on_map(commune, *(point or (None, None)))
        if placed.far_km is not None:
            warnings.append(
                RowProblem(
                    line,
                    "latitude",
                    f"{latitude},{longitude}",
                    placed.far_message(commune.name),
                    kind="approx",
                )
            )
        return {
            "postal_code": postal_code,
            "commune_id": commune.insee_code,
            "latitude": placed.latitude,
            "longitude": placed.longitude,
            "is_approximate_location": placed.is_approximate,
        }

    def _resolve(self, postal_code: str, city: str, departement: str):
        """Without a point the resolver's answer depends on these three only: remember it."""
        key = (postal_code, city, departement)
        if key not in self._resolved:
            if len(self._resolved) > 200_000:
                self._resolved.clear()
            self._resolved[key] = self.resolver.resolve(
                postal_code=postal_code,
                city=city,
                departement=departement,
                latitude=None,
                longitude=None,
            )
        return self._resolved[key]

    def _check_city_fits(self, commune, city: str, postal_code: str) -> None:
        message = self.resolver.city_mismatch(commune, city, postal_code)
        if message:
            raise Rejected("postal_code", postal_code, message)

    def _check_not_seen(self, line: int, siret: str, rna: str, source_id: str) -> None:
        if siret:
            key, name, value = int(siret), "siret", siret
        elif rna:
            key, name, value = -int(rna[1:]) - 1, "rna", rna
        else:
            key, name, value = hash(("source", source_id)), "source_id", source_id
        keys = [(key, name, value)]
        if name != "source_id":  # the source id is a key too: one provenance row per id
            keys.append((hash(("source", source_id)), "source_id", source_id))
        for key, name, value in keys:
            first = self.seen_keys.setdefault(key, line)
            if first != line:
                label = {"siret": "SIRET", "rna": "numéro RNA", "source_id": "identifiant"}[name]
                raise Rejected(
                    name,
                    value,
                    f"{label} {value} en double dans le fichier (déjà à la ligne {first}).",
                )

    def _flag_duplicates(self, candidate: Candidate, warnings: list[RowProblem]) -> None:
        siren = candidate.organisation["siren"]
        if siren:
            first = self.seen_sirens.setdefault(int(siren), candidate.line)
            if first != candidate.line:
                warnings.append(
                    RowProblem(
                        candidate.line,
                        "siren",
                        siren,
                        f"Doublon possible : même SIREN que la ligne {first} (un autre établissement ?).",
                        kind="duplicate",
                    )
                )
        name_key = hash(
            (fold(candidate.organisation["name"]), candidate.establishment["commune_id"])
        )
        first = self.seen_names.setdefault(name_key, candidate.line)
        if first != candidate.line:
            warnings.append(
                RowProblem(
                    candidate.line,
                    "name",
                    candidate.organisation["name"],
                    f"Doublon possible : même nom dans la même commune que la ligne {first}.",
                    kind="duplicate",
                )
            )

    def _optional(self, row: dict, name: str, warnings: list[RowProblem], line: int) -> str:
        value = row.get(name, "").strip()
        limit = MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            warnings.append(
                RowProblem(
                    line,
                    name,
                    value[:40] + "…",
                    f"Valeur trop longue ({limit} caractères au plus) : ignorée.",
                )
            )
            return ""
        return value

    def _code(self, row, name, known, warnings, line) -> str | None:
        value = row.get(name, "").strip()
        if value and value not in known:
            warnings.append(RowProblem(line, name, value, f"{UNKNOWN_CODE[name]} : ignoré."))
            return None
        return value or None

    def _kinds(
        self, row: dict, warnings: list[RowProblem], line: int
    ) -> tuple[list[str], str, str | None]:
        """Structure kinds, and the ESS family and legal form that the « Type » column may name
        instead (« ASSOCIATION », « SCOP »…); only values that are none of these are reported."""
        kinds, family, legal_form = [], "", None
        for part in row.get("kinds", "").replace(";", ",").replace("/", ",").split(","):
            code = part.strip().upper()
            if not code:
                continue
            if code in self.kind_codes:
                if code not in kinds:
                    kinds.append(code)
            elif fold(code) in TYPE_ALIASES:
                family, legal_form = TYPE_ALIASES[fold(code)]
            else:
                warnings.append(
                    RowProblem(line, "kinds", part, "Type de structure inconnu : ignoré.")
                )
        return kinds, family, legal_form

    def _family(self, row, kinds, warnings, line) -> str:
        text = row.get("ess_family", "").strip()
        if text:
            family = FAMILY_ALIASES.get(fold(text)) or FAMILY_ALIASES.get(text)
            if family:
                return family
            warnings.append(
                RowProblem(line, "ess_family", text, "Famille de l'ESS inconnue : ignorée.")
            )
        if ASSOCIATION_KINDS & set(kinds):
            return EssFamily.ASSOCIATION
        # SIRENE gives the legal form, not the family: derived here, for every format.
        return ess_family_of_legal_form(row.get("legal_form", ""))

    def _website(self, row, warnings, line) -> str:
        website = self._optional(row, "website", warnings, line)
        if website and website.lower().startswith("www."):
            website = f"https://{website}"
        return self._validated({"website": website}, "website", validate_website, warnings, line)

    def _validated(self, row, name: str, validate, warnings, line) -> str:
        """An optional value checked by the validator the forms and the API use; dropped with
        its message when wrong."""
        value = self._optional(row, name, warnings, line)
        if value:
            try:
                validate(value)
            except ValidationError as error:
                warnings.append(RowProblem(line, name, value, f"{error.messages[0]} Ignoré."))
                return ""
        return value

    def _email(self, row, warnings, line) -> str:
        email = self._optional(row, "email", warnings, line)
        if email:
            try:
                EmailValidator()(email)
            except ValidationError:
                warnings.append(
                    RowProblem(line, "email", email, "Adresse e-mail invalide : ignorée.")
                )
                return ""
        return email

    def _others(self, row: dict, siren: str, warnings, line) -> list[dict]:
        """Further establishments (SIRENE): checked like the first; a wrong one is dropped."""
        others = []
        for other in row.get("other_establishments") or []:
            try:
                validate_siret(other["siret"])
                place = self._place(other, warnings, line)
            except (Rejected, ValidationError) as error:
                reason = error.reason if isinstance(error, Rejected) else error.messages[0]
                warnings.append(
                    RowProblem(line, "siret", other["siret"], f"Établissement ignoré : {reason}")
                )
                continue
            others.append(
                place | {"siret": other["siret"], "address": other.get("address", "")[:255]}
            )
        return others
