"""Write the « matching » section of BENCHMARKS.md from bench/results/matching/*.json."""

import json
from datetime import date
from pathlib import Path

from report import machine
from sections import write_section

RESULTS = Path(__file__).resolve().parent / "results" / "matching"
TARGETS = "p50 ≤ 15 ms, p95 ≤ 50 ms"


def n(value: int) -> str:
    """1 000 000, the French way."""
    return f"{value:,}".replace(",", "\u202f")


def row(label: str, stats: dict, extra: str = "") -> str:
    return (
        f"| {label} | {stats['n']} | {stats['p50']} | {stats['p95']} | {stats['p99']} | "
        f"{stats['max']} | {extra} |"
    )


def engine_lines(result: dict) -> list[str]:
    organisations = result["organisations"]
    listings = result["listings"]
    batch = result["batch"]
    single = result["single"]
    origin = (
        "reused from the directory benchmark"
        if organisations.get("reused")
        else f"generated in {organisations.get('seconds')} s"
    )
    made = (
        "reused from the previous run"
        if listings.get("reused")
        else f"generated in {listings['seconds']} s"
    )
    return [
        f"### {result['engine']}",
        "",
        f"{n(organisations['organisations'])} organisations ({origin}); "
        f"{n(listings['offers'])} open offers and {n(listings['needs'])} needs ({made}). "
        f"Load average at the end: {', '.join(f'{v:.1f}' for v in result['load_average'])}; "
        f"peak RSS {result['peak_rss_mb']} MB.",
        "",
        "| measure (ms, one process, in Python) | n | p50 | p95 | p99 | max | |",
        "|---|---:|---:|---:|---:|---:|---|",
        row("one need → ranked offers (`match_party`)", single["offers_only"], TARGETS),
        row(
            "one need → offers + organisations without an offer (`matches_for`, page and API)",
            single["full"],
        ),
        row("naive: every open offer read and scored in Python", result["naive"]),
        "",
        f"Batch: {n(batch['needs'])} needs matched in {batch['seconds']} s "
        f"({n(batch['with_matches'])} with at least one offer); target ≤ 300 s. "
        f"Median offers found per need: {single['offers_found_median']}. "
        f"**Speed-up over the naive approach: ×{result['ratio_p50']} at p50**; the naive and indexed "
        f"top results agree for {result['naive']['same_top_results']} needs compared.",
        "",
    ]


def main() -> None:
    results = [json.loads(path.read_text()) for path in sorted(RESULTS.glob("*.json"))]
    lines = [
        "## Matching offers and needs",
        "",
        f"Measured on {date.today().isoformat()}: {machine()}. **The two cores were shared with "
        "other engineers' test suites and benchmarks during the run**, so the tails are noisier "
        "than on an idle machine.",
        "",
        "Command: `make bench-matching` (also part of `make bench`): `bench/matching.py sqlite`, "
        "`bench/matching.py postgresql`, then `bench/matching_report.py`. Organisations come from "
        "`bench/generate.py` (reused when `bench/run.py` has just filled the same databases); "
        "offers and needs are generated in bulk at random generated organisations, at their "
        "establishment, with their sectors, radii of 5–100 km (10 % serving a département "
        "instead or as well), kinds, exchange modes, quantities, periods and, for 25 % of the "
        "needs, a reserved-market requirement.",
        "",
    ]
    for result in results:
        lines += engine_lines(result)
    write_section("matching", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
