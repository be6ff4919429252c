"""Load the real inclusion enterprises of data/siae.csv as the demo directory.

Every row is checked with the product's own rules; a row that fails is reported with its
line, field, value and reason, and not loaded. Problems in optional fields (an unknown NAF
code, a malformed website) drop that field only and are reported as warnings.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from maillage.core.datasets import file_checksum, is_already_loaded, read_csv, record_load
from maillage.core.text import fold, slug_of
from maillage.core.validators import validate_coordinates_in_france, validate_siret
from maillage.directory.models import (
    EssFamily,
    Establishment,
    NafCode,
    Organisation,
    OrganisationSector,
    Sector,
    StructureKind,
)
from maillage.directory.search.changes import directory_changed
from maillage.directory.services.profile import NafSectorIndex, build_search_text, fold_parts
from maillage.directory.validation import place_on_map, postal_code_error
from maillage.territory.models import Commune, PostalCode

DATASET_NAME = "demo-siae"
SOURCE = "lemarche"
# Kinds that are associations by law (AI) or almost always (GEIQ are employers' groups under the 1901 law).
ASSOCIATION_KINDS = {"AI", "GEIQ"}
# SIAE, EA and ESAT hold the ESUS agreement by right (code du travail, art. L3332-17-1).
ESUS_BY_RIGHT_KINDS = {"EI", "ETTI", "ACI", "AI", "EITI", "EA", "ESAT"}


ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


@dataclass
class RowProblem:
    line: int
    field: str
    value: str
    reason: str


@dataclass
class DemoLoadReport:
    read: int = 0
    organisations_created: int = 0
    organisations_unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    skipped: bool = False
    approximate: int = 0  # organisations placed at their commune's centre


class RowRejected(Exception):
    def __init__(self, problem: RowProblem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


@dataclass
class Place:
    commune: Commune
    postal_code: str
    latitude: float | None
    longitude: float | None
    is_approximate: bool = False


class CommuneResolver:
    """Finds the commune of an address from its postal code and city, in memory."""

    def __init__(self) -> None:
        self.communes = {commune.insee_code: commune for commune in Commune.objects.all()}
        self.by_postal_code: dict[str, list[Commune]] = defaultdict(list)
        self.codes_of: dict[str, list[str]] = defaultdict(list)
        for code, insee_code in PostalCode.objects.values_list("code", "commune_id"):
            self.by_postal_code[code].append(self.communes[insee_code])
            self.codes_of[insee_code].append(code)
        self.by_departement: dict[str, list[Commune]] = defaultdict(list)
        self.by_name: dict[str, list[Commune]] = defaultdict(list)
        for commune in self.communes.values():
            self.by_departement[commune.departement_id].append(commune)
            self.by_name[commune.search_name].append(commune)

    def city_mismatch(self, commune: Commune, city: str, postal_code: str) -> str | None:
        """A postal code of one commune written with the name of another, elsewhere: an error,
        not a guess (imports and the demo alike). None when the name fits."""
        key = city_search_key(city)
        if not key or commune.search_name == key or commune.search_name.startswith(key):
            return None
        named = self.by_name.get(key, [])
        if not named:
            return None
        codes = sorted({code for c in named for code in self.codes_of[c.insee_code]})
        return (
            f"Le code postal {postal_code} ne correspond pas à la commune {city} "
            f"(codes possibles : {', '.join(codes[:10])})."
        )

    def resolve(
        self,
        *,
        postal_code: str,
        city: str,
        departement: str,
        latitude: float | None,
        longitude: float | None,
    ) -> Commune | None:
        city_key = city_search_key(city)
        by_code = self.by_postal_code.get(postal_code, [])
        named = [commune for commune in by_code if commune.search_name == city_key]
        if len(named) == 1:
            return named[0]
        arrondissements = [
            commune
            for commune in by_code
            if commune.kind == Commune.Kind.ARRONDISSEMENT
            and commune.search_name.startswith(city_key)
        ]
        if len(arrondissements) == 1:
            return arrondissements[0]
        # A CEDEX code, or a code of another commune: trust the city name within the département,
        # and let the postal-code check judge the pair.
        in_departement = self.by_departement.get(departement, [])
        named = [commune for commune in in_departement if commune.search_name == city_key]
        if len(named) == 1:
            return named[0]
        candidates = by_code or in_departement
        if len(candidates) == 1:
            return candidates[0]
        if latitude is not None and candidates:
            return min(candidates, key=lambda c: _squared_distance(c, latitude, longitude))
        return None


@lru_cache(maxsize=100_000)  # imports ask for the same cities row after row
def city_search_key(city: str) -> str:
    """'ST PIERRE CEDEX 2' → 'saint pierre', comparable with Commune.search_name."""
    words = fold(city).split()
    words = [ABBREVIATIONS.get(word, word) for word in words if word != "cedex"]
    return " ".join(word for word in words if not word.isdigit())


def _squared_distance(commune: Commune, latitude: float, longitude: float) -> float:
    if commune.latitude is None:
        return math.inf
    return (commune.latitude - latitude) ** 2 + (commune.longitude - longitude) ** 2


def _place_of(row: dict, line: int, resolver: CommuneResolver, warnings: list[RowProblem]) -> Place:
    """The importer's rules (docs/opendata.md): postal code and city consistent, the point near
    its commune or else its centre, flagged approximate."""
    latitude = float(row["latitude"]) if row["latitude"] else None
    longitude = float(row["longitude"]) if row["longitude"] else None
    if latitude is not None:
        try:
            validate_coordinates_in_france(latitude, longitude)
        except ValidationError as error:
            raise RowRejected(
                RowProblem(line, "latitude", f"{latitude},{longitude}", error.messages[0])
            ) from error
    postal_code = row["postcode"].strip()
    commune = resolver.resolve(
        postal_code=postal_code,
        city=row["city"],
        departement=row["department"],
        latitude=latitude,
        longitude=longitude,
    )
    if commune is None:
        raise RowRejected(
            RowProblem(
                line,
                "city",
                f"{postal_code} {row['city']}",
                f"Commune inconnue : aucune commune ne correspond à « {postal_code} {row['city']} ».",
            )
        )
    message = postal_code_error(
        postal_code=postal_code,
        commune_name=commune.name,
        commune_postal_codes=resolver.codes_of[commune.insee_code],
        departement_code=commune.departement_id,
        is_known_code=postal_code in resolver.by_postal_code,
    )
    message = message or resolver.city_mismatch(commune, row["city"], postal_code)
    if message:
        raise RowRejected(RowProblem(line, "postcode", postal_code, message))
    placed = place_on_map(commune, latitude, longitude)
    if placed.far_km is not None:
        warnings.append(
            RowProblem(
                line, "latitude", f"{latitude},{longitude}", placed.far_message(commune.name)
            )
        )
    return Place(commune, postal_code, placed.latitude, placed.longitude, placed.is_approximate)


def _check_required(row: dict, line: int) -> None:
    if not row["name"].strip():
        raise RowRejected(RowProblem(line, "name", "", "Nom manquant."))
    try:
        validate_siret(row["siret"])
    except ValidationError as error:
        raise RowRejected(RowProblem(line, "siret", row["siret"], error.messages[0])) from error


def _optional_fields(
    row: dict, line: int, naf_codes: dict[str, NafCode], warnings: list[RowProblem]
) -> dict:
    naf_compact = row["naf"].strip().upper()
    naf = naf_codes.get(naf_compact)
    if naf_compact and naf is None:
        warnings.append(
            RowProblem(
                line, "naf", row["naf"], "Code NAF inconnu de la nomenclature NAF rév. 2 : ignoré."
            )
        )
    website = row["website"].strip()
    if website:
        try:
            URLValidator()(website)
        except ValidationError:
            warnings.append(RowProblem(line, "website", website, "Adresse web invalide : ignorée."))
            website = ""
    return {"naf": naf, "website": website}


@dataclass
class _Candidate:
    line: int
    row: dict
    place: Place
    naf: NafCode | None
    website: str
    kinds: list[str] = field(default_factory=list)
    sector_ids: list[int] = field(default_factory=list)
    organisation: Organisation | None = None


def _read_candidates(path: Path, report: DemoLoadReport) -> dict[str, _Candidate]:
    """Valid rows grouped by SIRET: a structure holding two agreements is one organisation."""
    resolver = CommuneResolver()
    naf_codes = {naf.code_compact: naf for naf in NafCode.objects.all()}
    known_kinds = set(StructureKind.objects.values_list("code", flat=True))
    candidates: dict[str, _Candidate] = {}
    for line, row in read_csv(path):
        report.read += 1
        try:
            _check_required(row, line)
            if row["kind"] not in known_kinds:
                raise RowRejected(
                    RowProblem(line, "kind", row["kind"], "Type de structure inconnu.")
                )
            place = _place_of(row, line, resolver, report.warnings)
        except RowRejected as rejected:
            report.rejected.append(rejected.problem)
            continue
        siret = row["siret"]
        if siret not in candidates:
            optional = _optional_fields(row, line, naf_codes, report.warnings)
            candidates[siret] = _Candidate(line, row, place, **optional)
        candidates[siret].kinds.append(row["kind"])
    return candidates


def _unique_slug(base: str, taken: set[str]) -> str:
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    taken.add(slug)
    return slug


def _write(candidates: dict[str, _Candidate], report: DemoLoadReport) -> None:
    """Create the organisations not loaded yet; never touch one that exists.

    Its members or an animator may have edited it since: demo data must not overwrite them.
    """
    existing = set(
        Organisation.objects.filter(source=SOURCE, source_id__in=list(candidates)).values_list(
            "source_id", flat=True
        )
    )
    taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
    sector_index = NafSectorIndex()
    sector_names = dict(Sector.objects.values_list("pk", "name"))
    new = [candidate for siret, candidate in candidates.items() if siret not in existing]
    for candidate in new:
        row, siret = candidate.row, candidate.row["siret"]
        name, brand = row["name"].strip(), row["brand"].strip()
        base_slug = row["slug"] or slug_of(f"{name}-{row['department']}")
        sector_ids = sector_index.sectors_for(candidate.naf.code_compact) if candidate.naf else []
        description = row["description"].strip()
        candidate.sector_ids = sector_ids
        candidate.organisation = Organisation(
            source=SOURCE,
            source_id=siret,
            slug=_unique_slug(base_slug[:240], taken_slugs),
            name=name,
            brand="" if brand == name else brand,
            siren=siret[:9],
            naf=candidate.naf,
            website=candidate.website,
            description=description,
            ess_family=EssFamily.ASSOCIATION if ASSOCIATION_KINDS & set(candidate.kinds) else "",
            is_esus=bool(ESUS_BY_RIGHT_KINDS & set(candidate.kinds)),
            search_name=fold_parts(name, "" if brand == name else brand),
            search_text=build_search_text(
                naf_label=candidate.naf.label if candidate.naf else "",
                places=[candidate.place.commune.name, candidate.place.postal_code],
                sectors=[sector_names[pk] for pk in sector_ids],
                kinds=candidate.kinds,
                description=description,
            ),
        )
    Organisation.objects.bulk_create([c.organisation for c in new], batch_size=500)
    report.organisations_created = len(new)
    report.approximate = sum(1 for candidate in new if candidate.place.is_approximate)
    report.organisations_unchanged = len(existing)
    _write_links(new)


def _write_links(candidates: list[_Candidate]) -> None:
    """Head-office establishment, kinds and derived sectors of newly created organisations."""
    establishments = [
        Establishment(
            organisation=candidate.organisation,
            siret=candidate.row["siret"],
            address=candidate.row["address"].strip(),
            postal_code=candidate.place.postal_code,
            commune=candidate.place.commune,
            latitude=candidate.place.latitude,
            longitude=candidate.place.longitude,
            is_approximate_location=candidate.place.is_approximate,
            is_head_office=True,
        )
        for candidate in candidates
    ]
    for establishment in establishments:
        establishment.set_cells()
    Establishment.objects.bulk_create(establishments, batch_size=500)
    kind_links = Organisation.kinds.through
    kind_links.objects.bulk_create(
        [
            kind_links(organisation_id=candidate.organisation.pk, structurekind_id=code)
            for candidate in candidates
            for code in dict.fromkeys(candidate.kinds)
        ],
        batch_size=1000,
    )
    OrganisationSector.objects.bulk_create(
        [
            OrganisationSector(
                organisation_id=candidate.organisation.pk, sector_id=sector_id, is_derived=True
            )
            for candidate in candidates
            for sector_id in candidate.sector_ids
        ],
        batch_size=1000,
    )


def load_demo_organisations(*, path: Path | None = None, force: bool = False) -> DemoLoadReport:
    """Load the demo directory in one transaction: all valid rows, or nothing."""
    path = path or settings.DATA_DIR / "siae.csv"
    checksum = file_checksum(path, settings.DATA_DIR / "naf_sectors.csv")
    if not force and is_already_loaded(DATASET_NAME, checksum):
        return DemoLoadReport(skipped=True)
    report = DemoLoadReport()
    with transaction.atomic():
        candidates = _read_candidates(path, report)
        _write(candidates, report)
        record_load(DATASET_NAME, checksum, len(candidates), len(report.rejected))
        directory_changed()
    return report
