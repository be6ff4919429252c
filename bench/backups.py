"""Backup round trip on each engine: `manage.py backup`, `manage.py restore --into` a scratch
database, then every table's row count compared. Writes the section "backups" of BENCHMARKS.md.

Usage: python bench/backups.py [--no-write] [--sqlite FILE] [--postgres-url URL]
Uses the 1M benchmark databases when present (bench/run.py), else the demo database (SQLite).
"""

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import POSTGRES_URL, SQLITE_PATH  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
DEMO_DB = ROOT / "db.sqlite3"
SCRATCH_POSTGRES = POSTGRES_URL.rsplit("/", 1)[0] + "/maillage_restore_bench"


def manage(database_url: str, *arguments: str) -> float:
    """Run a management command against this database; its duration in seconds."""
    environment = {**os.environ, "DATABASE_URL": database_url}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", *arguments], cwd=ROOT, env=environment, check=True)
    return time.perf_counter() - started


def row_counts(database, tables_sql: str) -> dict[str, int]:
    """Rows of every table listed by `tables_sql`, on an open DB-API connection."""
    tables = [row[0] for row in database.execute(tables_sql)]
    return {
        table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
    }


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as database:
        return row_counts(
            database,
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'",
        )


def postgres_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as database:
        return row_counts(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")


def postgres_exists(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as database:
            database.execute("SELECT 1 FROM directory_organisation LIMIT 1")
        return True
    except psycopg.Error:
        return False


def recreate_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def round_trip(engine: str, source: str, scratch: str, counts, directory: Path) -> dict:
    """Back up `source`, restore into `scratch`, compare the row counts of every table."""
    backup_file = directory / f"{engine}.backup"
    backup_seconds = manage(source, "backup", "--output", str(backup_file))
    restore_seconds = manage(source, "restore", str(backup_file), "--into", scratch, "--force")
    before, after = counts(source), counts(scratch)
    different = sorted(table for table in before if before[table] != after.get(table))
    return {
        "engine": engine,
        "organisations": before.get("directory_organisation", 0),
        "tables": len(before),
        "rows": sum(before.values()),
        "size_mb": backup_file.stat().st_size / 1024 / 1024,
        "backup_seconds": backup_seconds,
        "restore_seconds": restore_seconds,
        "different": different,
    }


def render(results: list[dict]) -> str:
    lines = [
        "## Backups (`make backup`, `make restore`)",
        "",
        f"`.venv/bin/python bench/backups.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f": {os.cpu_count()} cores, {platform.machine()}, 24 GiB. Each database is backed up with "
        "`manage.py backup` (SQLite's online backup API; `pg_dump -Fc` for PostgreSQL), restored "
        "with `manage.py restore --into` a scratch database (a copy of the file; `pg_restore` "
        "into an empty database), then the row count of every table is compared.",
        "",
        "| engine | organisations | tables | rows | backup size | backup | restore | tables that differ |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        lines.append(
            f"| {result['engine']} | {result['organisations']:,} | {result['tables']} | "
            f"{result['rows']:,} | {result['size_mb']:,.0f} MB | {result['backup_seconds']:.1f} s | "
            f"{result['restore_seconds']:.1f} s | {', '.join(result['different']) or 'none'} |"
        )
    lines += [
        "",
        "The test suite runs the same round trip on small data for both engines and compares every "
        "row, not only the counts (`maillage/core/tests/test_backups.py`). Retention advice is in "
        "`docs/deploy.md`.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true", help="print, do not touch BENCHMARKS.md")
    parser.add_argument(
        "--postgres-url", default=POSTGRES_URL, help="the PostgreSQL database to back up"
    )
    parser.add_argument("--sqlite", type=Path, default=None, help="the SQLite file to back up")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as scratch_dir:
        directory = Path(scratch_dir)
        source = args.sqlite or (SQLITE_PATH if SQLITE_PATH.exists() else DEMO_DB)
        scratch = directory / "restored.sqlite3"
        results.append(
            round_trip(
                "sqlite",
                f"sqlite:///{source}",
                f"sqlite:///{scratch}",
                lambda url: sqlite_counts(Path(url.removeprefix("sqlite:///"))),
                directory,
            )
        )
        if postgres_exists(args.postgres_url):
            recreate_postgres(SCRATCH_POSTGRES)
            results.append(
                round_trip(
                    "postgresql", args.postgres_url, SCRATCH_POSTGRES, postgres_counts, directory
                )
            )
            recreate_postgres(SCRATCH_POSTGRES)  # leave it empty
    report = render(results)
    print(report)
    if not args.no_write:
        from bench.sections import write_section

        write_section("backups", report)


if __name__ == "__main__":
    main()
