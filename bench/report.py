"""Write BENCHMARKS.md from bench/results/*.json, with the machine and the commands."""

import json
import os
import platform
import subprocess
from datetime import date
from pathlib import Path

from sections import write_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

TARGETS = {
    "text": "p50 ≤ 10 ms, p95 ≤ 50 ms, p99 ≤ 150 ms",
    "geo": "p50 ≤ 5 ms, p95 ≤ 15 ms",
    "clusters": "p95 ≤ 10 ms, ≤ 500 features, ≤ 30 KB",
    "page": "p50 ≤ 10 ms",
}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    sqlite = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", "import sqlite3; print(sqlite3.sqlite_version)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    postgres = subprocess.run(
        ["psql", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB, Python "
        f"{platform.python_version()}, SQLite {sqlite}, {postgres}"
    )


def row(label: str, stats: dict, extra: str = "") -> str:
    return f"| {label} | {stats['n']} | {stats['p50']} | {stats['p95']} | {stats['p99']} | {stats['max']} | {extra} |"


def engine_section(result: dict) -> list[str]:
    load = result["load"]
    lines = [
        f"### {result['engine']} — {result['size']:,} organisations".replace(",", " "),
        "",
        f"Bulk load: {load['total_seconds']} s in all ({load['rows_seconds']} s of rows, "
        f"{load['index_seconds']} s to build the full-text index once, "
        f"{load.get('map_cells_seconds', '?')} s to count the map cells). Peak RSS of the process: "
        f"{result['peak_rss_mb']} MB.",
        "",
        *(
            [
                "In-memory index (`maillage/directory/search/memory.py`): "
                + f"{result['memory_index']['organisations']:,}".replace(",", " ")
                + f" organisations built in {result['memory_index']['seconds']} s, common words "
                f"included; peak RSS after the build "
                f"{result['memory_index']['peak_rss_mb_after_build']} MB.",
                "",
            ]
            if "memory_index" in result
            else []
        ),
        "| measure (ms, server side through Django) | n | p50 | p95 | p99 | max | |",
        "|---|---:|---:|---:|---:|---:|---|",
        row(
            "full text + facets, 32 queries × runs",
            result["text_with_facets"]["summary"],
            TARGETS["text"],
        ),
        row("radius 10 km, 10 cities", result["geo"]["radius_10km"], TARGETS["geo"]),
        row("radius 50 km, 10 cities", result["geo"]["radius_50km"], TARGETS["geo"]),
        row("bbox around a city", result["geo"]["bbox_city"], TARGETS["geo"]),
    ]
    for zoom in (5, 8, 12):
        stats = result["clusters"][f"zoom_{zoom}"]
        lines.append(
            row(
                f"clusters at zoom {zoom}",
                stats,
                f"{stats['max_features']} features, {stats['max_bytes'] / 1024:.1f} KB max",
            )
        )
    lines.append(row("organisation page", result["pages"]["organisation_page"], TARGETS["page"]))
    naive = result["naive"]
    lines += [
        row("naive: icontains text (count + page, no facets)", naive["text"]),
        row("naive: 10 km in Python over the département", naive["radius_10km"]),
        "",
        f"Speed-up over the naive approach (p50): text ×{naive['text']['p50'] / result['text_with_facets']['summary']['p50']:.1f} "
        f"(the naive figure leaves facets out), radius ×{naive['radius_10km']['p50'] / result['geo']['radius_10km']['p50']:.1f}.",
        "",
        "<details><summary>Each text query: median ms and match count</summary>",
        "",
        "| query | ms | matches |",
        "|---|---:|---:|",
        *(
            f"| {query} | {value['ms']} | {value['count']} |"
            for query, value in result["text_with_facets"]["queries"].items()
        ),
        "",
        "</details>",
        "",
    ]
    return lines


def main() -> None:
    # Only this benchmark's files: the other benchmarks write theirs in the same folder.
    results = [
        json.loads(path.read_text())
        for path in (RESULTS / "postgresql.json", RESULTS / "sqlite.json")
        if path.exists()
    ]
    lines = [
        "## Directory search and map",
        "",
        f"Measured on {date.today().isoformat()}: {machine()}.",
        "",
        "Command: `make bench-search` (runs `bench/run.py sqlite`, `bench/run.py postgresql`, then "
        "this report; `--reuse` measures the last loaded database again). Data: organisations generated by `bench/generate.py` from real vocabulary, on "
        "real communes in proportion to their population, with one establishment each.",
        "",
    ]
    notes = ROOT / "bench" / "NOTES.md"
    for result in results:
        lines += engine_section(result)
    if notes.exists():
        lines += [notes.read_text()]
    write_section("search", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
