"""Matching benchmark on one engine: 1,000,000 organisations, 200,000 open offers, 10,000 needs.

Usage: python bench/matching.py sqlite|postgresql [--size N] [--offers N] [--needs N]
Reuses the directory benchmark's database (bench/run.py) when it already holds the organisations,
otherwise generates them with bench/generate.py. Offers and needs are generated here, in bulk.
Writes bench/results/matching/<engine>.json (outside the directory report's glob); bench/matching_report.py writes BENCHMARKS.md.
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE_PATH", RESULTS / "bench.sqlite3"))
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/maillage_bench"
)
KINDS = ["product", "service", "service", "service", "skill", "equipment", "premises", "volunteer"]
MODES = ["priced", "priced", "priced", "free", "barter", "time_bank"]
UNITS = ["kg", "heures", "repas", "m²"]


def configure(engine: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    # Indexes built here, before measuring, as each worker does when it starts.
    os.environ["DIRECTORY_MEMORY_INDEX"] = os.environ["MATCHING_MEMORY_INDEX"] = "sync"
    if engine == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        import psycopg

        database = POSTGRES_URL.rsplit("/", 1)[1]
        with psycopg.connect(
            POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True
        ) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database]
            ).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = POSTGRES_URL
    import django

    django.setup()


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def rank(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p95": round(rank(0.95), 2),
        "p99": round(rank(0.99), 2),
        "max": round(ordered[-1], 2),
    }


def ensure_organisations(size: int) -> dict:
    """The directory benchmark's organisations, generated only when they are not there."""
    from django.core.management import call_command

    from maillage.directory.models import Organisation

    call_command("migrate", verbosity=0)
    present = Organisation.objects.filter(source="bench").count()
    if present >= size:
        return {"reused": True, "organisations": present}
    if Organisation.objects.exists():
        raise SystemExit(
            f"The benchmark database holds {present} generated organisations, not {size}: "
            "run bench/run.py first, or remove it."
        )
    from bench.generate import bulk_load
    from maillage.directory.services.reference import load_reference_data
    from maillage.territory.services import load_territory

    load_territory()
    load_reference_data()
    started = time.perf_counter()
    bulk_load(
        size,
        progress=lambda done: (
            print(f"  {done} organisations", flush=True) if done % 200_000 == 0 else None
        ),
    )
    return {
        "reused": False,
        "organisations": size,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _listing_rows(side: str, count: int, start_id: int, seed: int, size: int):
    """Listings of random generated organisations, at their establishment, with its sectors."""
    from django.db import connection

    from maillage.core.geo import cells_of
    from maillage.core.text import fold

    rnd = random.Random(seed)
    now = datetime.now(UTC)
    today = date.today()
    # About half the generated organisations have no sector (NAF codes without a rule): draw
    # more, keep `count`.
    org_ids = rnd.sample(range(1, size + 1), min(size, count * 3))
    places, sectors = {}, {}
    with connection.cursor() as cursor:
        for chunk_start in range(0, len(org_ids), 5000):
            chunk = org_ids[chunk_start : chunk_start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                "SELECT e.organisation_id, e.id, e.latitude, e.longitude, e.commune_id, "
                "c.epci_id, c.departement_id FROM directory_establishment e "
                f"JOIN territory_commune c ON c.insee_code = e.commune_id WHERE e.organisation_id IN ({marks})",
                chunk,
            )
            for row in cursor.fetchall():
                places[row[0]] = row[1:]
            cursor.execute(
                "SELECT organisation_id, sector_id FROM directory_organisationsector "
                f"WHERE organisation_id IN ({marks})",
                chunk,
            )
            for organisation_id, sector_id in cursor.fetchall():
                sectors.setdefault(organisation_id, []).append(sector_id)
    listings, links, areas = [], [], []
    pk = start_id
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        families = Jsonb([])
    else:
        families = "[]"
    for organisation_id in org_ids:
        if organisation_id not in places or organisation_id not in sectors:
            continue
        if len(listings) >= count:
            break
        establishment_id, lat, lon, commune, epci, departement = places[organisation_id]
        _r3, r5, r7 = cells_of(lat, lon)
        kind, mode = rnd.choice(KINDS), rnd.choice(MODES)
        on_quote = mode == "priced" and side == "offer"
        quantity = rnd.choice([None, None, rnd.randint(5, 500)])
        unit = rnd.choice(UNITS) if quantity else ""
        start = today + timedelta(days=rnd.randint(-30, 120)) if rnd.random() < 0.4 else None
        end = start + timedelta(days=rnd.randint(10, 200)) if start else None
        has_list = rnd.random() < 0.1
        radius = (
            None if has_list and rnd.random() < 0.5 else rnd.choice([5, 10, 20, 30, 50, 80, 100])
        )
        reserved = rnd.choice(["", "", "", "", "", "", "siae", "ea_esat"]) if side == "need" else ""
        title = f"{'Offre' if side == 'offer' else 'Besoin'} {kind} {pk}"
        listings.append(
            (
                pk,
                now,
                now,
                side,
                organisation_id,
                establishment_id,
                title,
                title,
                kind,
                mode,
                None,
                on_quote,
                "",
                quantity,
                unit,
                start,
                end,
                "once",
                radius,
                "open",
                today + timedelta(days=90),
                reserved,
                families,
                False,
                lat,
                lon,
                r5,
                r7,
                commune,
                epci,
                departement,
                has_list,
                fold(title),
            )
        )
        links.extend((pk, sector_id) for sector_id in sectors[organisation_id][:2])
        if has_list:
            areas.append((pk, departement))
        pk += 1
    return listings, links, areas


LISTING_COLUMNS = (
    "id, created_at, updated_at, side, organisation_id, establishment_id, title, description, kind, "
    "exchange_mode, price, price_on_quote, cpv_code, quantity, unit, available_from, "
    "available_until, recurrence, radius_km, status, expires_on, reserved_market, "
    "preferred_families, is_example, latitude, longitude, h3_r5, h3_r7, commune_id, epci_id, "
    "departement_id, has_area_list, search_text"
)


def generate_listings(size: int, offers: int, needs: int) -> dict:
    """Bulk insert (executemany), as an import would; replaces earlier generated listings."""
    from django.db import connection, transaction

    from maillage.catalogue import search
    from maillage.catalogue.models import Listing

    started = time.perf_counter()
    present = (
        Listing.objects.filter(side="offer").count(),
        Listing.objects.filter(side="need").count(),
    )
    if present == (offers, needs) and os.environ.get("BENCH_REGENERATE") != "1":
        return {"offers": offers, "needs": needs, "reused": True}
    Listing.objects.all().delete()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # index once at the end, not row by row
            for statement in search.SQLITE_DROP:
                cursor.execute(statement)
        for side, count, start_id, seed in (
            ("offer", offers, 1, 7),
            ("need", needs, offers + 1, 11),
        ):
            listings, links, areas = _listing_rows(side, count, start_id, seed, size)
            for batch in range(0, len(listings), 20_000):
                rows = listings[batch : batch + 20_000]
                marks = ", ".join(["%s"] * len(rows[0]))
                cursor.executemany(
                    f"INSERT INTO catalogue_listing ({LISTING_COLUMNS}) VALUES ({marks})", rows
                )
            cursor.executemany(
                "INSERT INTO catalogue_listing_sectors (listing_id, sector_id) VALUES (%s, %s)",
                links,
            )
            if areas:
                cursor.executemany(
                    "INSERT INTO catalogue_listing_area_departements (listing_id, departement_id) VALUES (%s, %s)",
                    areas,
                )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('catalogue_listing', 'id'), %s)",
                [offers + needs + 1],
            )
        else:
            for statement in search.SQLITE_CREATE:
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('rebuild')")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "offers": Listing.objects.filter(side="offer").count(),
        "needs": Listing.objects.filter(side="need").count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def build_indexes() -> dict:
    """The two in-memory indexes matching reads: the directory's (organisations without a
    listing) and the catalogue's (open listings), built as a worker builds them at start."""
    from maillage.catalogue.match_index import keeper
    from maillage.directory.search.memory import build_index_now

    def rss_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    started, before = time.perf_counter(), rss_mb()
    build_index_now(warm=False)
    directory = {"seconds": round(time.perf_counter() - started, 1)}
    started, middle = time.perf_counter(), rss_mb()
    keeper.build_now()
    catalogue = {"seconds": round(time.perf_counter() - started, 1)}
    directory["peak_rss_growth_mb"] = round(middle - before, 1)
    catalogue["peak_rss_growth_mb"] = round(rss_mb() - middle, 1)
    return {"directory": directory, "catalogue": catalogue}


def measure_single(needs: list, runs: int) -> dict:
    """The full service behind the need page and the API: offers, then organisations."""
    from maillage.catalogue.matching import match_party, matches_for, party_of

    full, offers_only, found = [], [], []
    for listing in needs:
        for _ in range(runs):
            started = time.perf_counter()
            result = matches_for(listing)
            full.append((time.perf_counter() - started) * 1000)
        found.append(len(result.listings))
        started = time.perf_counter()
        match_party(party_of(listing))
        offers_only.append((time.perf_counter() - started) * 1000)
    return {
        "full": percentiles(full),
        "offers_only": percentiles(offers_only),
        "offers_found_median": statistics.median(found),
    }


def measure_offers(offers: list) -> dict:
    """The other direction: one offer → ranked needs (the offer page)."""
    from maillage.catalogue.matching import match_party, party_of

    samples = []
    for listing in offers:
        started = time.perf_counter()
        match_party(party_of(listing))
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def measure_database_path(needs: list) -> dict:
    """The same service without the in-memory index (SQL candidates in growing circles, the
    path each worker takes until its index is built): for comparison."""
    from django.conf import settings

    from maillage.catalogue.matching import match_party, party_of

    settings.MATCHING_MEMORY_INDEX = "off"
    try:
        samples = []
        for listing in needs:
            started = time.perf_counter()
            match_party(party_of(listing))
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        settings.MATCHING_MEMORY_INDEX = "sync"
    return percentiles(samples)


def measure_batch(count: int) -> dict:
    from maillage.catalogue.matching import match_party, party_of, sector_tree
    from maillage.catalogue.models import Listing

    tree = sector_tree()
    started = time.perf_counter()
    matched = 0
    for listing in (
        Listing.objects.filter(side="need").order_by("pk")[:count].iterator(chunk_size=2000)
    ):
        matched += bool(match_party(party_of(listing), tree=tree))
    seconds = time.perf_counter() - started
    return {"needs": count, "seconds": round(seconds, 1), "with_matches": matched}


def naive_match(need) -> list:
    """Every open offer read from the database and scored in Python with the same rules."""
    from django.utils import timezone

    from maillage.catalogue.matching import (
        DISTANCE_SCALE_KM,
        Party,
        _distance,
        _organisation_facts,
        _serves,
        party_of,
        reserved_kinds,
        score_pair,
        sector_tree,
        siae_kinds,
    )
    from maillage.catalogue.models import Listing

    source = party_of(need)
    relations = sector_tree().related(source.sector_ids)
    admitted = reserved_kinds(source.reserved_market)
    sectors: dict[int, list[int]] = {}
    for listing_id, sector_id in Listing.sectors.through.objects.filter(
        listing__side="offer", listing__status="open"
    ).values_list("listing_id", "sector_id"):
        sectors.setdefault(listing_id, []).append(sector_id)
    areas: dict[int, set] = {}
    for listing_id, departement in Listing.area_departements.through.objects.values_list(
        "listing_id", "departement_id"
    ):
        areas.setdefault(listing_id, set()).add(departement)
    candidates = []
    for row in Listing.objects.filter(
        side="offer", status="open", expires_on__gte=timezone.localdate()
    ).values_list(
        "id",
        "organisation_id",
        "latitude",
        "longitude",
        "commune_id",
        "epci_id",
        "departement_id",
        "radius_km",
        "kind",
        "exchange_mode",
        "quantity",
        "unit",
        "available_from",
        "available_until",
        "price_on_quote",
    ):
        offer = Party(
            side="offer",
            organisation_id=row[1],
            latitude=row[2],
            longitude=row[3],
            commune_id=row[4],
            epci_id=row[5],
            departement_id=row[6],
            radius_km=row[7],
            kind=row[8],
            exchange_mode=row[9],
            quantity=row[10],
            unit=row[11],
            available_from=row[12],
            available_until=row[13],
            price_on_quote=row[14],
            area_departements=frozenset(areas.get(row[0], ())),
            listing_id=row[0],
        )
        if offer.organisation_id == source.organisation_id:
            continue
        relation = max((relations.get(s, 0) for s in sectors.get(row[0], [])), default=0)
        distance = _distance(source, offer)
        if relation and _serves(source, offer, distance) and _serves(offer, source, distance):
            candidates.append((offer, relation, distance))
    facts = _organisation_facts(
        {offer.organisation_id for offer, _r, _d in candidates},
        with_labels=bool(source.preferred_labels),
    )
    today, siae = timezone.localdate(), siae_kinds()
    scored = []
    for offer, relation, distance in candidates:
        if offer.organisation_id not in facts:  # hidden profile
            continue
        if admitted is not None and not facts[offer.organisation_id].kinds & admitted:
            continue
        result = score_pair(
            need=source,
            offer=offer,
            relation=relation,
            distance=distance,
            facts=facts[offer.organisation_id],
            siae=siae,
            today=today,
            scale_km=source.radius_km or DISTANCE_SCALE_KM,
        )
        if result:  # matching's order: score, then distance, then id
            far = distance if distance is not None else float("inf")
            scored.append((-result[0], far, offer.listing_id))
    return [(score, pk) for score, _far, pk in sorted(scored)[:20]]


def measure_naive(needs: list) -> dict:
    from maillage.catalogue.matching import match_party, party_of

    samples, agree = [], 0
    for listing in needs:
        started = time.perf_counter()
        naive = naive_match(listing)
        samples.append((time.perf_counter() - started) * 1000)
        indexed = match_party(party_of(listing))
        agree += [pk for _s, pk in naive[:5]] == [m.listing_id for m in indexed[:5]] or (
            {pk for _s, pk in naive} == {m.listing_id for m in indexed}
        )
    return {**percentiles(samples), "same_top_results": f"{agree}/{len(needs)}"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", choices=["sqlite", "postgresql"])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--offers", type=int, default=200_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200, help="needs timed one by one")
    parser.add_argument("--naive", type=int, default=5)
    arguments = parser.parse_args()
    configure(arguments.engine)

    from maillage.catalogue.models import Listing

    organisations = ensure_organisations(arguments.size)
    print(f"organisations: {organisations}", flush=True)
    load = generate_listings(arguments.size, arguments.offers, arguments.needs)
    print(f"listings: {load}", flush=True)
    indexes = build_indexes()
    print(f"indexes: {indexes}", flush=True)
    sample = list(Listing.objects.filter(side="need").order_by("pk")[: arguments.sample])
    measure_single(sample[:5], 1)  # warm-up: connections, caches
    single = measure_single(sample, 2)
    print(f"single: {single}", flush=True)
    offers = measure_offers(
        list(Listing.objects.filter(side="offer").order_by("pk")[: arguments.sample])
    )
    print(f"offers: {offers}", flush=True)
    database_path = measure_database_path(sample[: arguments.sample // 4])
    print(f"database path: {database_path}", flush=True)
    batch = measure_batch(arguments.needs)
    print(f"batch: {batch}", flush=True)
    naive = measure_naive(sample[: arguments.naive])
    print(f"naive: {naive}", flush=True)
    results = {
        "engine": arguments.engine,
        "organisations": organisations,
        "listings": load,
        "indexes": indexes,
        "single": single,
        "offers": offers,
        "database_path": database_path,
        "batch": batch,
        "naive": naive,
        "ratio_p50": round(naive["p50"] / single["offers_only"]["p50"], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": os.getloadavg(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "matching").mkdir(parents=True, exist_ok=True)
    (RESULTS / "matching" / f"{arguments.engine}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
