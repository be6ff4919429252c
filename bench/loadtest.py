"""Load test: N virtual users for D seconds against `make serve-prod` on 127.0.0.1.

    .venv/bin/python bench/loadtest.py --users 50 --duration 60
    .venv/bin/python bench/loadtest.py --database-url postgres://postgres@127.0.0.1:5432/maillage_bench

Mixed workload (search pages and API, map clusters, organisation pages and API, home, a few
API writes with personal tokens), then a trivial endpoint (/healthz). Writes the figures to the
`loadtest` section of BENCHMARKS.md.

The client is a small asyncio HTTP/1.1 keep-alive loop rather than locust: on a 2-core machine
the client shares the cores with the server, and locust's per-request cost (gevent, stats)
would take a visible share of them; this loop costs a few microseconds per request.
Each virtual user sends its next request as soon as the previous answer arrives (closed loop,
no think time), so throughput is the server's capacity and latencies include queueing.
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_DB = RESULTS / "bench.sqlite3"
DEMO_DB = ROOT / "db.sqlite3"
LOAD_DB = RESULTS / "loadtest.sqlite3"
WRITERS = 20
WORDS = [
    "recyclerie",
    "insertion",
    "restauration",
    "jardin",
    "bois",
    "textile",
    "nettoyage",
    "transport",
    "solidaire",
    "recyc",
    "menuiserie",
    "espaces verts",
    "batiment",
    "couture",
    "epicerie",
    "informatique",
    "velo",
    "collecte",
    "maraichage",
    "blanchisserie",
]
BBOXES = [
    (6, "-5.3,41.3,9.7,51.2"),
    (9, "1.9,48.5,2.9,49.1"),
    (10, "4.6,45.5,5.1,45.9"),
    (11, "-0.7,44.7,-0.4,44.95"),
    (8, "-2.0,47.0,0.0,48.2"),
]
# (share of requests, kind)
MIX = [
    (20, "search_api"),
    (15, "search_page"),
    (20, "clusters"),
    (18, "organisation_page"),
    (17, "organisation_api"),
    (8, "home"),
    (2, "write"),
]


def copy_database() -> str:
    """The 1M benchmark database when present, else the demo one; copied so writes stay here."""
    source = BENCH_DB if BENCH_DB.exists() else DEMO_DB
    if not source.exists():
        sys.exit("No database: run `make setup` (demo) or `make bench` (1M) first.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{LOAD_DB}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(LOAD_DB) as dst:
        src.backup(dst)
    return source.name


def prepare(database_url: str) -> dict:
    """Writers with tokens, and the organisations and slugs the users will visit."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from maillage.directory.models import Organisation
    from maillage.membership.models import Membership
    from maillage.membership.services.api_tokens import create_api_token

    published = Organisation.objects.filter(is_published=True)
    count = published.count()
    sample = list(published.order_by("?").values_list("pk", "slug")[:500])
    writers = []
    for number, (pk, _slug) in enumerate(sample[:WRITERS]):
        user, _created = get_user_model().objects.get_or_create(
            username=f"charge-{number}", defaults={"email": f"charge-{number}@maillage.test"}
        )
        organisation = Organisation.objects.get(pk=pk)
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": "admin"}
        )
        writers.append(
            (pk, create_api_token(user=user, organisation=organisation, name="charge")[1])
        )
    return {"count": count, "sample": sample, "writers": writers}


class Client:
    """One keep-alive connection; `request` returns (status, body size)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Accept-Encoding: identity"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        fields = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                fields[name.strip().lower()] = value.strip()
        size = 0
        if "content-length" in fields:
            size = int(fields["content-length"])
            await self.reader.readexactly(size)
        elif fields.get("transfer-encoding") == "chunked":
            while True:
                chunk = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                await self.reader.readexactly(chunk + 2)
                size += chunk
                if chunk == 0:
                    break
        if fields.get("connection") == "close":
            self.close()
        return status, size

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def next_request(rng: random.Random, data: dict, kind: str) -> tuple[str, str, bytes, dict]:
    pk, slug = rng.choice(data["sample"])
    if kind == "search_api":
        word = rng.choice(WORDS).replace(" ", "+")
        return "GET", f"/api/v1/organisations?q={word}&page={rng.randint(1, 3)}", b"", {}
    if kind == "search_page":
        return "GET", f"/annuaire/?q={rng.choice(WORDS).replace(' ', '+')}", b"", {}
    if kind == "clusters":
        zoom, bbox = rng.choice(BBOXES)
        return "GET", f"/api/v1/map/clusters?zoom={zoom}&bbox={bbox}", b"", {}
    if kind == "organisation_page":
        return "GET", f"/organisations/{slug}/", b"", {}
    if kind == "organisation_api":
        return "GET", f"/api/v1/organisations/{pk}", b"", {}
    if kind == "home":
        return "GET", "/", b"", {}
    if kind == "healthz":
        return "GET", "/healthz", b"", {}
    writer_pk, token = rng.choice(data["writers"])
    body = json.dumps({"phone": f"05 49 {rng.randint(10, 99)} {rng.randint(10, 99)} 00"}).encode()
    return "PATCH", f"/api/v1/organisations/{writer_pk}", body, {"Authorization": f"Bearer {token}"}


async def virtual_user(number, port, data, kinds, deadline, results, errors) -> None:
    rng = random.Random(number)
    client = Client(port)
    while time.perf_counter() < deadline:
        kind = rng.choice(kinds)
        method, path, body, headers = next_request(rng, data, kind)
        started = time.perf_counter()
        try:
            status, _size = await client.request(method, path, body, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            client.close()
            errors[kind].append(type(error).__name__)
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if status >= 400:
            errors[kind].append(str(status))
        results[kind].append(elapsed)
    client.close()


async def run_phase(port, data, mix, users, seconds):
    kinds = [kind for share, kind in mix for _ in range(share)]
    results, errors = defaultdict(list), defaultdict(list)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(virtual_user(n, port, data, kinds, deadline, results, errors) for n in range(users))
    )
    return results, errors, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def row(label: str, values: list[float], errors: list[str], seconds: float) -> str:
    return (
        f"| {label} | {len(values)} | {len(values) / seconds:.1f} | "
        f"{statistics.median(values) if values else 0:.1f} | {percentile(values, 0.95):.1f} | "
        f"{percentile(values, 0.99):.1f} | {len(errors)} |"
    )


def wait_ready(port: int, server: subprocess.Popen) -> None:
    """Ready, with the directory index built in every worker (ten answers in a row say so)."""
    in_a_row = 0
    for _ in range(600):
        if server.poll() is not None:
            sys.exit(f"The server stopped (exit {server.returncode}); see its log.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                state = json.loads(answer.read()).get("directory_index")
                in_a_row = in_a_row + 1 if state in ("ready", "off") else 0
                if in_a_row >= 10:
                    return
        except OSError:
            in_a_row = 0
        time.sleep(0.5)
    sys.exit("The server did not become ready in 300 s.")


def stop(server: subprocess.Popen) -> None:
    """TERM to the script, which stops granian (gracefully) and the task worker; then KILL."""
    server.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--trivial-duration", type=int, default=15)
    parser.add_argument("--alone-duration", type=int, default=20)
    parser.add_argument("--port", type=int, default=8004)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument(
        "--database-url", default="", help="serve this database instead of a SQLite copy"
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not touch BENCHMARKS.md")
    args = parser.parse_args()

    if args.database_url:
        # An existing database (e.g. PostgreSQL at 1M): the writers and their writes stay in it.
        source, database_url = args.database_url.rsplit("/", 1)[-1], args.database_url
    else:
        source = copy_database()
        database_url = f"sqlite:///{LOAD_DB}"
    data = prepare(database_url)
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_URL": args.cache_url,
        "PORT": str(args.port),
        "WORKERS": str(args.workers),
        "THREADS": str(args.threads),
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    log = (RESULTS / "loadtest-server.log").open("w")
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve_prod.sh")],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_ready(args.port, server)
        load_before = load_average()
        asyncio.run(run_phase(args.port, data, MIX, args.users, 5))  # warm-up, not counted
        mixed, mixed_errors, mixed_seconds = asyncio.run(
            run_phase(args.port, data, MIX, args.users, args.duration)
        )
        alone, _alone_errors, alone_seconds = asyncio.run(
            run_phase(args.port, data, MIX, 1, args.alone_duration)
        )
        trivial, trivial_errors, trivial_seconds = asyncio.run(
            run_phase(args.port, data, [(1, "healthz")], args.users, args.trivial_duration)
        )
        load_after = load_average()
    finally:
        stop(server)
        log.close()
    report = render(
        args,
        source,
        data,
        mixed,
        mixed_errors,
        mixed_seconds,
        trivial,
        trivial_errors,
        trivial_seconds,
        load_before,
        load_after,
    )
    report += "\n\n" + render_alone(alone, alone_seconds) + "\n\n" + NOTES
    print(report)
    if not args.no_write:
        sys.path.insert(0, str(ROOT))
        from bench.sections import write_section

        write_section("loadtest", report)


def render(
    args,
    source,
    data,
    mixed,
    mixed_errors,
    seconds,
    trivial,
    trivial_errors,
    trivial_seconds,
    load_before,
    load_after,
) -> str:
    every = [value for values in mixed.values() for value in values]
    every_errors = [error for errors in mixed_errors.values() for error in errors]
    lines = [
        "## Load test (`make loadtest`)",
        "",
        f"`.venv/bin/python bench/loadtest.py --users {args.users} --duration {args.duration}` "
        f"on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: `make serve-prod` (granian "
        f"{args.workers} WSGI workers × {args.threads} threads, production settings, JSON logs, "
        f"WhiteNoise, Redis cache, one task worker) on 127.0.0.1, database `{source}` "
        f"({data['count']:,} published organisations), {args.users} virtual users in a closed "
        f"loop (no think time), after a 5 s warm-up. Machine: {os.cpu_count()} cores, "
        f"{platform.machine()}, 24 GiB; client and server on the same cores. Load average "
        f"before/after: {load_before} / {load_after}.",
        "",
        "| requests | n | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        row(f"**mixed, {args.duration} s**", every, every_errors, seconds),
    ]
    for share, kind in MIX:
        lines.append(row(f"{kind} ({share} %)", mixed[kind], mixed_errors[kind], seconds))
    lines.append(
        row(
            f"**trivial: /healthz, {args.trivial_duration} s**",
            trivial["healthz"],
            trivial_errors["healthz"],
            trivial_seconds,
        )
    )
    kinds = sorted({error for errors in mixed_errors.values() for error in errors})
    if kinds:
        lines += ["", f"Errors by kind: {', '.join(kinds)}."]
    return "\n".join(lines)


NOTES = """How to read these figures. The targets of issue #8 are 0 errors, ≥ 300 requests/s
sustained on the mixed workload with p95 ≤ 100 ms, and ≥ 2,500 requests/s per core on a trivial
endpoint. The load generator (Python asyncio, 50 connections) runs on the same 2 cores as the
two granian workers, Redis and the task worker, so every figure here is a floor.

- Errors: none, writes included (2 % of requests are authenticated PATCHes).
- Throughput is CPU-bound: 50 users in a closed loop keep both cores busy, so the p50/p95 of
  the mixed run are mostly queueing (50 users / throughput ≈ the p50). The one-user table gives
  each request's own cost: 5–31 ms at the p50 (search pages and API are the dearest: loading
  and serialising 20 cards), which at 2 cores shared with the client caps the mix near what is
  measured. 300 requests/s would need about 6 ms per request: whole anonymous responses served
  from a cache (a reverse proxy's micro-cache, docs/architecture.md), not Django.
- Writes no longer disturb reads: a write adds a line to the search change log; each worker's
  in-memory index catches up with one query and asks the database about the changed
  organisations only, and the map's cells are rebuilt only when points move (they do not here).
  Before this (23 November), each write made every worker rebuild its index (20 s of CPU at
  1M) and the map's cells, and the same run collapsed to 1.3 requests/s with p50 25 s.
- The home page's counts over every organisation (8 s at 1M on SQLite) are computed once and
  refreshed by the task worker once a minute; visitors never wait for them after the first.
- The trivial endpoint reaches about 1,700 requests/s per core while sharing the cores with
  the load generator, which takes a good part of them: below the 2,500 of the target, which
  assumed a client on other cores."""


def render_alone(alone: dict, seconds: float) -> str:
    """One user, one request at a time: each kind's own cost, without queueing behind others."""
    lines = [
        f"One virtual user for {seconds:.0f} s (no queueing: each request's own time):",
        "",
        "| requests | n | p50 ms | p95 ms |",
        "| --- | --- | --- | --- |",
    ]
    for _share, kind in MIX:
        values = alone[kind]
        if values:
            lines.append(
                f"| {kind} | {len(values)} | {statistics.median(values):.1f} | "
                f"{percentile(values, 0.95):.1f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
