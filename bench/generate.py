"""A generator of realistic organisations for benchmarks.

Names and descriptions come from real vocabulary (sector labels, NAF labels, legal forms of the
ESS); places are real communes drawn in proportion to their population, points jittered within
about 2 km; SIRENs and SIRETs pass the Luhn check; sectors follow the product's NAF rules.
Rows are written in batches straight through the database cursor, which is what a bulk import
does, and the full-text index is built once at the end.
"""

import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from stdnum import luhn

from maillage.core.geo import cells_of
from maillage.core.text import fold
from maillage.directory.models import NafCode, Sector
from maillage.directory.search import schema
from maillage.directory.search.cache import bump_directory_version
from maillage.directory.search.clusters import rebuild_map_cells
from maillage.directory.services.profile import NafSectorIndex, fold_parts
from maillage.territory.models import Commune

PREFIXES = [
    "Association",
    "Coopérative",
    "SCOP",
    "SCIC",
    "Atelier",
    "Chantier d'insertion",
    "Régie de quartier",
    "Ressourcerie",
    "Recyclerie",
    "Jardin de Cocagne",
    "Entreprise d'insertion",
    "Groupement",
    "Mutuelle",
    "Fondation",
    "ESAT",
    "Entreprise adaptée",
    "Collectif",
    "Les Ateliers",
    "La Fabrique",
    "Maison",
    "Épicerie solidaire",
    "Tiers-lieu",
    "Accorderie",
    "Réseau",
]
QUALIFIERS = [
    "solidaire",
    "du Pays",
    "de la Vallée",
    "des Deux Rives",
    "citoyenne",
    "partagée",
    "du Lien",
    "Emmaüs",
    "Envie",
    "Tremplin",
    "Horizon",
    "Le Relais",
    "Solidarité",
    "Avenir",
    "Trait d'Union",
    "L'Éveil",
    "Passerelle",
    "Cap Emploi",
    "Le Pont",
    "Archipel",
    "La Ruche",
    "Les Colibris",
]
STOP_WORDS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "et",
    "en",
    "a",
    "l",
    "d",
    "au",
    "aux",
    "par",
    "sur",
    "hors",
}
KINDS = [
    ("ACI", 30),
    ("EI", 16),
    ("AI", 10),
    ("ETTI", 5),
    ("EITI", 2),
    ("EA", 12),
    ("ESAT", 15),
    ("GEIQ", 4),
    (None, 6),
]
FAMILIES = [
    "association",
    "association",
    "association",
    "cooperative",
    "mutuelle",
    "fondation",
    "societe_ess",
]


def luhn_number(body: str) -> str:
    return body + luhn.calc_check_digit(body)


class Vocabulary:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        communes = list(
            Commune.objects.filter(latitude__isnull=False, population__gt=0).values_list(
                "insee_code", "name", "latitude", "longitude", "population"
            )
        )
        self.communes = communes
        self.cumulative_weights = []
        total = 0
        for commune in communes:
            total += commune[4]
            self.cumulative_weights.append(total)
        self.postal_code = dict(
            Commune.objects.filter(postal_codes__isnull=False).values_list(
                "insee_code", "postal_codes__code"
            )
        )
        self.naf = list(
            NafCode.objects.filter(level="sous-classe").values_list("code", "code_compact", "label")
        )
        self.sector_index = NafSectorIndex()
        self.sector_names = dict(Sector.objects.values_list("pk", "name"))
        self.activity_words = sorted(
            {
                word.capitalize()
                for (_code, _compact, label) in self.naf
                for word in fold(label).split()
                if len(word) > 5 and word not in STOP_WORDS
            }
        )

    def commune(self):
        return self.random.choices(self.communes, cum_weights=self.cumulative_weights)[0]


def organisation_rows(
    count: int, *, seed: int = 2026, start_id: int = 1
) -> Iterator[tuple[list, list, list, list]]:
    """Batches of (organisations, establishments, kind links, sector links) as tuples."""
    vocabulary = Vocabulary(seed)
    rnd = vocabulary.random
    now = datetime.now(UTC)
    valid_until = date.today() + timedelta(days=365)
    kinds, weights = zip(*KINDS, strict=True)
    batch: tuple[list, list, list, list] = ([], [], [], [])
    for offset in range(count):
        pk = start_id + offset
        insee, commune_name, latitude, longitude, _population = vocabulary.commune()
        naf_code, naf_compact, naf_label = rnd.choice(vocabulary.naf)
        name = f"{rnd.choice(PREFIXES)} {rnd.choice(vocabulary.activity_words)} {rnd.choice(QUALIFIERS)}"
        if rnd.random() < 0.3:
            name += f" {commune_name}"
        description = f"{naf_label}. Structure de l'économie sociale et solidaire à {commune_name}."
        # A permutation of the ids: real-looking, never twice the same.
        siren = luhn_number(f"{10_000_000 + (pk * 7919) % 90_000_000}")
        siret = luhn_number(f"{siren}{rnd.randrange(1, 999):04d}")
        kind = rnd.choices(kinds, weights=weights)[0]
        sector_ids = vocabulary.sector_index.sectors_for(naf_compact)[:2]
        postal_code = vocabulary.postal_code.get(insee, "")
        search_text = fold_parts(
            naf_label,
            commune_name,
            postal_code,
            *(vocabulary.sector_names[s] for s in sector_ids),
            kind or "",
            description,
        )
        batch[0].append(
            (
                pk,
                now,
                now,
                name,
                "",
                f"org-{pk}",
                siren,
                "",
                None,
                rnd.choice(FAMILIES),
                kind is not None,
                naf_code,
                description,
                "",
                "",
                "",
                "",
                valid_until,
                True,
                "bench",
                str(pk),
                fold(name),
                search_text,
            )
        )
        latitude += rnd.uniform(-0.02, 0.02)
        longitude += rnd.uniform(-0.02, 0.02)
        r3, r5, r7 = cells_of(latitude, longitude)
        batch[1].append(
            (
                pk,
                now,
                now,
                pk,
                "",
                siret,
                "1 rue de la Coopération",
                postal_code or "00000",
                insee,
                latitude,
                longitude,
                True,
                r3,
                r5,
                r7,
            )
        )
        if kind:
            batch[2].append((pk, kind))
        batch[3].extend((pk, sector_id, True) for sector_id in sector_ids)
        if len(batch[0]) >= 20_000:
            yield batch
            batch = ([], [], [], [])
    if batch[0]:
        yield batch


ORGANISATION_COLUMNS = (
    "id, created_at, updated_at, name, brand, slug, siren, rna, legal_form_id, ess_family, is_esus, "
    "naf_id, description, website, email, phone, size_band, valid_until, is_published, source, "
    "source_id, search_name, search_text"
)
ESTABLISHMENT_COLUMNS = (
    "id, created_at, updated_at, organisation_id, name, siret, address, postal_code, commune_id, "
    "latitude, longitude, is_head_office, h3_r3, h3_r5, h3_r7"
)


def _insert(cursor, table: str, columns: str, rows: list[tuple]) -> None:
    placeholders = ", ".join(["%s"] * len(rows[0]))
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def bulk_load(count: int, *, progress=None) -> dict[str, float]:
    """Insert `count` organisations, then build the full-text index once. Returns timings."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in schema.SQLITE_DROP:
                cursor.execute(statement)
        else:
            cursor.execute("DROP INDEX IF EXISTS directory_organisation_search_vector")
            cursor.execute("DROP INDEX IF EXISTS directory_organisation_search_name_trgm")
        loaded = 0
        for organisations, establishments, kind_links, sector_links in organisation_rows(count):
            _insert(cursor, "directory_organisation", ORGANISATION_COLUMNS, organisations)
            _insert(cursor, "directory_establishment", ESTABLISHMENT_COLUMNS, establishments)
            if kind_links:
                _insert(
                    cursor,
                    "directory_organisation_kinds",
                    "organisation_id, structurekind_id",
                    kind_links,
                )
            if sector_links:
                _insert(
                    cursor,
                    "directory_organisationsector",
                    "organisation_id, sector_id, is_derived",
                    sector_links,
                )
            loaded += len(organisations)
            if progress:
                progress(loaded)
        timings["rows_seconds"] = time.perf_counter() - started
        index_started = time.perf_counter()
        if connection.vendor == "sqlite":
            for statement in schema.SQLITE_CREATE:
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {schema.FTS_TABLE}({schema.FTS_TABLE}) VALUES ('rebuild')")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in schema.POSTGRES_INDEXES:
                cursor.execute(statement)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('directory_organisation', 'id'), %s)", [count]
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('directory_establishment', 'id'), %s)",
                [count],
            )
        timings["index_seconds"] = time.perf_counter() - index_started
    bump_directory_version()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    cells_started = time.perf_counter()
    rebuild_map_cells()
    timings["map_cells_seconds"] = time.perf_counter() - cells_started
    timings["total_seconds"] = time.perf_counter() - started
    return timings
