"""Import benchmark: a CSV of N organisations imported until searchable, on SQLite and PostgreSQL.

Usage: python bench/imports.py [--size N]   (each step runs in its own process, so that the
peak RSS of an import is its own). Writes the `imports` section of BENCHMARKS.md.

Steps: generate the CSV once (bench/generate.py vocabulary: real communes, Luhn-valid SIRETs),
then per engine: fresh database → `import_organisations` (the command's service) → map cells
rebuilt and search cache bumped → a search finds the last row; then one edit through the
profile service and the time until the search finds it; then a CSV export of everything.
"""

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
SQLITE_PATH = RESULTS / "imports.sqlite3"
POSTGRES_URL = os.environ.get(
    "BENCH_IMPORTS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/maillage_bench_imports"
)
HEADER = [
    "name",
    "siret",
    "address",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "naf",
    "kinds",
    "ess_family",
    "description",
]


def configure(engine: str, *, fresh: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    # The database answers the searches measured here, as it does while a worker's in-memory
    # index builds after an import; a build in a thread would only blur the CPU figures.
    os.environ["DIRECTORY_MEMORY_INDEX"] = "off"
    if engine == "sqlite":
        RESULTS.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        import psycopg

        database = POSTGRES_URL.rsplit("/", 1)[1]
        if fresh:
            with psycopg.connect(
                POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True
            ) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
                admin.execute(f'CREATE DATABASE "{database}"')
        os.environ["DATABASE_URL"] = POSTGRES_URL
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    from maillage.directory.services.reference import load_reference_data
    from maillage.territory.services import load_territory

    call_command("migrate", verbosity=0)
    load_territory()
    load_reference_data()


def generate(size: int, path: Path) -> None:
    """The CSV an animator or the SIRENE stock would bring, in the import's own columns."""
    from bench.generate import KINDS, PREFIXES, QUALIFIERS, Vocabulary, luhn_number

    vocabulary = Vocabulary(2026)
    rnd = vocabulary.random
    kinds, weights = zip(*KINDS, strict=True)
    families = ["association", "cooperative", "mutuelle", "fondation", "societe_ess", ""]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for pk in range(1, size + 1):
            insee, commune_name, latitude, longitude, _population = vocabulary.commune()
            _naf_code, naf_compact, naf_label = rnd.choice(vocabulary.naf)
            name = f"{rnd.choice(PREFIXES)} {rnd.choice(vocabulary.activity_words)} {rnd.choice(QUALIFIERS)}"
            siren = luhn_number(f"{10_000_000 + (pk * 7919) % 90_000_000}")
            siret = luhn_number(f"{siren}{rnd.randrange(1, 999):04d}")
            writer.writerow(
                [
                    name,
                    siret,
                    f"{rnd.randrange(1, 120)} rue de la Coopération",
                    vocabulary.postal_code.get(insee, ""),
                    commune_name,
                    f"{latitude + rnd.uniform(-0.02, 0.02):.6f}",
                    f"{longitude + rnd.uniform(-0.02, 0.02):.6f}",
                    naf_compact,
                    rnd.choices(kinds, weights=weights)[0] or "",
                    rnd.choice(families),
                    f"{naf_label}. Structure de l'économie sociale et solidaire à {commune_name}.",
                ]
            )


def cpu_seconds() -> float:
    """This process's CPU time (user + system): what the shared cores actually gave it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure_import(engine: str, csv_path: Path, size: int) -> dict:
    from django.db import connection

    from maillage.directory.models import Organisation
    from maillage.directory.search.query import DirectoryFilters, search_directory
    from maillage.opendata.services.imports import import_organisations, start_run

    started, cpu_started = time.perf_counter(), cpu_seconds()
    run = start_run(file_name=csv_path.name, format="csv", source="bench")
    run = import_organisations(run=run, path=csv_path, batch_size=5000)
    imported = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    probe = Organisation.objects.order_by("-pk").values_list("name", flat=True).first() or ""
    result = search_directory(DirectoryFilters(q=probe), page=1, page_size=20, with_facets=True)
    searchable = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started
    return {
        "engine": engine,
        "size": size,
        "status": run.status,
        "created": run.created_count,
        "rejected": run.rejected_count,
        "import_seconds": round(imported, 1),
        "searchable_seconds": round(searchable, 1),
        "rows_per_second": round(size / searchable),
        "probe_found": result.count > 0,
        "peak_rss_mb": peak_rss_mb(),
        "import_cpu_seconds": round(cpu, 1),
    }


def measure_edit() -> dict:
    """An edit through the profile service, as the page saves it, until the search finds it."""
    from maillage.directory.models import Organisation
    from maillage.directory.search.query import DirectoryFilters, search_directory
    from maillage.membership.services.organisations import update_organisation

    organisation = Organisation.objects.order_by("pk")[12345 % Organisation.objects.count()]
    started = time.perf_counter()
    update_organisation(
        organisation=organisation, user=None, data={"name": "Zyxwvutrecyclerie Benchmark"}
    )
    while True:
        result = search_directory(DirectoryFilters(q="zyxwvutrecyclerie"), page=1, page_size=20)
        if result.count:
            break
    return {"edit_searchable_ms": round((time.perf_counter() - started) * 1000, 1)}


def measure_export() -> dict:
    from maillage.directory.models import Organisation
    from maillage.opendata.services.exports import export_csv

    started, cpu_started = time.perf_counter(), cpu_seconds()
    size = 0
    for chunk in export_csv(Organisation.objects.published()):
        size += len(chunk)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started
    count = Organisation.objects.published().count()
    return {
        "export_rows": count,
        "export_seconds": round(seconds, 1),
        "export_rows_per_second": round(count / seconds),
        "export_mb": round(size / 1e6, 1),
        "export_cpu_seconds": round(cpu, 1),
        "export_rows_per_cpu_second": round(count / cpu),
    }


def child(step: str, engine: str, size: int, csv_path: Path) -> None:
    if step == "generate":
        configure("sqlite", fresh=True)
        prepare_database()
        generate(size, csv_path)
        return
    if step == "export":  # again on the loaded database, e.g. after a change of the exporter
        configure(engine, fresh=False)
        path = RESULTS / f"imports-{engine}-{size}.json"
        results = json.loads(path.read_text()) | measure_export()
        path.write_text(json.dumps(results, indent=2))
        print(json.dumps(results), flush=True)
        return
    configure(engine, fresh=True)
    prepare_database()
    results = measure_import(engine, csv_path, size)
    results |= measure_edit()
    results |= measure_export()
    results["peak_rss_mb"] = peak_rss_mb()
    (RESULTS / f"imports-{engine}-{size}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results), flush=True)


def _cell(result: dict, key: str, unit: str = "") -> str:
    return f"{result[key]:,}{unit}".replace(",", " ") if key in result else "–"


def report(size: int) -> str:
    """Every size measured so far (results/imports-ENGINE-SIZE.json), largest first."""
    rows = []
    for path in sorted(
        RESULTS.glob("imports-*-*.json"), key=lambda p: (-int(p.stem.rsplit("-", 1)[1]), p.name)
    ):
        r = json.loads(path.read_text())
        target = (90 if r["engine"] == "sqlite" else 120) * r["size"] // 1_000_000
        rows.append(
            f"| {r['engine']} | {_cell(r, 'size')} | {r['searchable_seconds']} s ({'target' if r['size'] >= 1_000_000 else 'pro rata'} {target} s) | "
            f"{_cell(r, 'import_cpu_seconds', ' s')} | {_cell(r, 'rows_per_second')} | "
            f"{r['peak_rss_mb']} MB | {r['edit_searchable_ms']} ms | "
            f"{_cell(r, 'export_rows_per_second')} ({r['export_seconds']} s) | "
            f"{_cell(r, 'export_rows_per_cpu_second')} |"
        )
    return f"""## Imports and exports (issue #6)

`make bench-imports` (`python bench/imports.py --size {size}`), {platform.machine()}, 2 cores,
24 GiB, on an idle machine (1 December 2026). A CSV of {size:,} organisations (bench/generate.py vocabulary: real communes weighted by
population, Luhn-valid SIRETs, real NAF labels) is imported by the same service as
`manage.py import_organisations` into an empty directory, in batches of 5,000 rows, each one
transaction; the clock stops when the map cells are rebuilt, the search cache version is bumped
and a full-text search with facets finds the last row (through the database: the workers'
in-memory indexes rebuild in the background after an import). Each engine runs in its own process:
the RSS is that process's peak (import, edit and export together).

| engine | rows | until searchable (wall) | CPU of the import process | rows/s (wall) | peak RSS | one edit searchable | CSV export rows/s (wall) | CSV export rows per CPU second |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Targets of issue #6: until searchable ≤ 90 s (SQLite) and ≤ 120 s (PostgreSQL), peak RSS
≤ 500 MB, one edit searchable within 1 s, CSV export ≥ 50,000 rows/s. The export times the
API's CSV generator (`GET /api/v1/organisations/export?format=csv`) without HTTP.

How: into an empty directory nothing can match but rows of the same file (which the checks
refuse as duplicates), so batches skip every lookup; rows are inserted raw (multi-row
`INSERT … RETURNING id` on SQLite, ids from the sequence and `COPY` on PostgreSQL); the
full-text triggers (SQLite) or GIN indexes (PostgreSQL) are suspended and built once at the
end; communes, NAF labels and sectors are folded once. What remains per row is parsing, the
checks (SIRET key, commune and postal code, point in France, duplicates in the file) and, on
PostgreSQL, the stored `tsvector` computed by the server for every row. The memory grows with
the file's keys (SIRET, SIREN and name+commune as integers, for the in-file duplicate checks).

Reading. Met: peak RSS under 500 MB at 1,000,000 rows (about 440 MB, most of it the in-file
duplicate maps; the map-cell rebuild no longer brings rows into Python), one edit searchable in
21 ms (SQLite) and 201 ms (PostgreSQL), and the CSV export at 60,000–61,000 rows/s. Not met: the
import itself, 295 s on SQLite (target 90 s, 3.3 times over) and 318 s on PostgreSQL (target
120 s, 2.7 times over). On SQLite the importing process spends 270 s of CPU, about 270 µs per
row: parsing, the checks, the inserts, the full-text index and the map cells all run in it.
On PostgreSQL the client spends 131 s and the server the rest (COPY, the stored `tsvector` of
every row, the GIN indexes). Next steps: a compiled CSV parser and vectorised checks (per-row
Python is most of the time), key sets that keep only hashes, and batches checked by a second
process while the first one writes.
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--step", choices=["generate", "import", "export"])
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--engines", default="sqlite,postgresql")
    arguments = parser.parse_args()
    csv_path = RESULTS / f"imports-{arguments.size}.csv"
    if arguments.step:
        child(arguments.step, arguments.engine, arguments.size, csv_path)
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, __file__, "--size", str(arguments.size)]
    if not csv_path.exists():
        subprocess.run([*me, "--step", "generate"], check=True)
    for engine in arguments.engines.split(","):
        subprocess.run([*me, "--step", "import", "--engine", engine], check=True)
    from bench.sections import write_section

    write_section("imports", report(arguments.size))


if __name__ == "__main__":
    main()
