"""Directory search benchmark on one engine: bulk load, then server-side timings via Django.

Usage: python bench/run.py sqlite|postgresql [--size N]
Writes bench/results/<engine>.json; bench/report.py turns both into BENCHMARKS.md.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
SQLITE_PATH = ROOT / "bench" / "results" / "bench.sqlite3"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/maillage_bench"
)

TEXT_QUERIES = [
    # accents and case
    "école",
    "ecole",
    "ÉPICERIE solidaire",
    "régie de quartier",
    "économie",
    "Émmaüs",
    # prefixes (search as you type)
    "recyc",
    "jard",
    "bou",
    "menuis",
    "restau",
    "blanchis",
    # two words
    "insertion bâtiment",
    "recyclerie poitiers",
    "jardin cocagne",
    "atelier vélo",
    "scop numérique",
    # misspelled names
    "recylcerie",
    "jardn cocagne",
    "cooperatve",
    "ressourcrie",
    "associaton",
    # rare words
    "apiculture",
    "confiturerie",
    "sérigraphie",
    "tonnellerie",
    "horlogerie",
    # the most common words of the corpus
    "association",
    "solidaire",
    "structure",
    "economie sociale",
    "services",
]


def configure(engine: str, *, reuse: bool = False) -> None:
    """Point Django at a fresh benchmark database (or, with `reuse`, at the last one)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    if engine == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in () if reuse else ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    elif reuse:
        os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        import psycopg

        database = POSTGRES_URL.rsplit("/", 1)[1]
        with psycopg.connect(
            POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
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


def timed_get(client, url: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} → {response.status_code}: {response.content[:300]!r}")
    return elapsed, response.status_code, response.content


def city_points(count: int = 10) -> list[tuple[str, float, float]]:
    from maillage.territory.models import Commune

    return list(
        Commune.objects.filter(latitude__isnull=False, kind="commune-actuelle")
        .order_by("-population")
        .values_list("name", "latitude", "longitude")[:count]
    )


def measure_text(client, runs: int) -> dict:
    from urllib.parse import quote

    samples, per_query = [], {}
    for query in TEXT_QUERIES:
        timings = []
        for _ in range(runs):
            elapsed, _status, content = timed_get(client, f"/api/v1/organisations?q={quote(query)}")
            timings.append(elapsed)
        samples.extend(timings)
        per_query[query] = {
            "ms": round(statistics.median(timings), 2),
            "count": json.loads(content)["count"],
        }
    return {"summary": percentiles(samples), "queries": per_query}


def measure_geo(client, runs: int) -> dict:
    results = {}
    points = city_points()
    for radius in (10, 50):
        samples = [
            timed_get(
                client, f"/api/v1/organisations?near={lat},{lon}&radius_km={radius}&facets=false"
            )[0]
            for _name, lat, lon in points
            for _ in range(runs)
        ]
        results[f"radius_{radius}km"] = percentiles(samples)
    samples = []
    for _name, lat, lon in points:
        bbox = f"{lon - 0.15},{lat - 0.1},{lon + 0.15},{lat + 0.1}"
        samples += [
            timed_get(client, f"/api/v1/organisations?bbox={bbox}&facets=false")[0]
            for _ in range(runs)
        ]
    results["bbox_city"] = percentiles(samples)
    return results


def measure_clusters(client, runs: int) -> dict:
    results = {}
    points = city_points()
    views = {
        5: [(-5.3, 41.3, 9.7, 51.2)],
        8: [(lon - 2.2, lat - 1.1, lon + 2.2, lat + 1.1) for _n, lat, lon in points],
        12: [(lon - 0.14, lat - 0.07, lon + 0.14, lat + 0.07) for _n, lat, lon in points],
    }
    for zoom, boxes in views.items():
        samples, sizes, features = [], [], []
        for box in boxes:
            bbox = ",".join(f"{value:.4f}" for value in box)
            for _ in range(runs):
                elapsed, _status, content = timed_get(
                    client, f"/api/v1/map/clusters?zoom={zoom}&bbox={bbox}"
                )
                samples.append(elapsed)
            sizes.append(len(content))
            features.append(len(json.loads(content)["features"]))
        results[f"zoom_{zoom}"] = {
            **percentiles(samples),
            "max_bytes": max(sizes),
            "max_features": max(features),
        }
    return results


def measure_pages(client, size: int, runs: int) -> dict:
    import random

    generator = random.Random(1)
    samples = [
        timed_get(client, f"/organisations/org-{generator.randrange(1, size)}/")[0]
        for _ in range(runs)
    ]
    return {"organisation_page": percentiles(samples)}


def measure_naive(points: list, runs: int = 1) -> dict:
    """What most directory apps do: icontains on name/description; distances in Python."""
    from django.db.models import Q

    from maillage.core.geo import haversine_km
    from maillage.directory.models import Establishment, Organisation
    from maillage.territory.models import Commune

    text_samples = []
    for query in TEXT_QUERIES:
        started = time.perf_counter()
        organisations = Organisation.objects.filter(is_published=True)
        for word in query.split():
            organisations = organisations.filter(
                Q(name__icontains=word) | Q(description__icontains=word)
            )
        organisations.count()
        list(organisations.order_by("name")[:20])
        text_samples.append((time.perf_counter() - started) * 1000)
    geo_samples = []
    for _name, lat, lon in points:
        started = time.perf_counter()
        nearest = min(
            Commune.objects.filter(
                latitude__range=(lat - 0.2, lat + 0.2), longitude__range=(lon - 0.3, lon + 0.3)
            ),
            key=lambda c: haversine_km(lat, lon, c.latitude, c.longitude),
        )
        rows = Establishment.objects.filter(
            commune__departement_id=nearest.departement_id
        ).values_list("organisation_id", "latitude", "longitude")
        within = sorted(
            (distance, pk)
            for pk, la, lo in rows
            if la is not None and (distance := haversine_km(lat, lon, la, lo)) <= 10
        )
        list(Organisation.objects.filter(pk__in=[pk for _d, pk in within[:20]]))
        geo_samples.append((time.perf_counter() - started) * 1000)
    return {
        "text": percentiles(text_samples),
        "text_note": "count + first page, without facets (facets would add more full scans)",
        "radius_10km": percentiles(geo_samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("engine", choices=["sqlite", "postgresql"])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the last loaded database again, no load"
    )
    arguments = parser.parse_args()
    configure(arguments.engine, reuse=arguments.reuse)

    from django.test import Client

    from maillage.directory.search.memory import build_index_now

    if arguments.reuse:
        from django.core.management import call_command

        from maillage.directory.search.clusters import rebuild_map_cells

        call_command("migrate", verbosity=0)  # the code measured may have new tables

        load = json.loads((RESULTS / f"{arguments.engine}.json").read_text())["load"]
        started = time.perf_counter()
        rebuild_map_cells()  # the code measured may count other cells than the loaded one did
        load["map_cells_seconds"] = round(time.perf_counter() - started, 1)
    else:
        load = bulk_load_with_progress(arguments.engine, arguments.size)
    started = time.perf_counter()
    index = build_index_now()
    load["memory_index_seconds"] = round(time.perf_counter() - started, 1)
    print(f"load: {load}", flush=True)
    rss_after_index = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    client = Client()
    client.get("/api/v1/organisations?q=warmup")
    results = {
        "engine": arguments.engine,
        "size": arguments.size,
        "load": {key: round(value, 1) for key, value in load.items()},
        "memory_index": {
            "organisations": index.size,
            "seconds": load["memory_index_seconds"],
            "peak_rss_mb_after_build": round(rss_after_index, 1),
        },
        "text_with_facets": measure_text(client, arguments.runs),
        "geo": measure_geo(client, arguments.runs),
        "clusters": measure_clusters(client, arguments.runs),
        "pages": measure_pages(client, arguments.size, 30),
    }
    print("measured the indexed search; now the naive approach", flush=True)
    results["naive"] = measure_naive(city_points())
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{arguments.engine}.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False)
    )
    print(json.dumps({k: v for k, v in results.items() if k != "text_with_facets"}, indent=1))


def bulk_load_with_progress(engine: str, size: int) -> dict:
    """Schema, territory, reference lists, then `size` generated organisations."""
    from django.core.management import call_command
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TimeRemainingColumn,
    )

    from bench.generate import bulk_load
    from maillage.directory.services.reference import load_reference_data
    from maillage.territory.services import load_territory

    call_command("migrate", verbosity=0)
    load_territory()
    load_reference_data()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    ) as progress:
        task = progress.add_task(f"{engine}: organisations", total=size)
        return bulk_load(size, progress=lambda done: progress.update(task, completed=done))


if __name__ == "__main__":
    main()
