"""import_organisations: one service for the command and the upload page.

The file is first read whole without writing (a broken file is refused and nothing is
written), then row by row in batches: each batch is one transaction that also moves the run's
checkpoint, so an interrupted run resumes after its last committed batch. The reading happens
in a child process under memory and CPU limits (readers/isolated.py); whatever stops a run,
it ends « échoué » with a reason, never « en cours ».
"""

import contextlib
import dataclasses
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.csv_safe import csv_writer
from maillage.directory.models import Organisation
from maillage.directory.search import schema
from maillage.directory.search.changes import directory_changed
from maillage.opendata.models import ImportProblem, ImportRun
from maillage.opendata.readers import FileRefused, Preview, RowProblem
from maillage.opendata.readers.isolated import IsolatedReader, ReaderCrashed
from maillage.opendata.services.categories import CategoryLinker
from maillage.opendata.services.checks import RowChecker, field_label
from maillage.opendata.services.text import plural
from maillage.opendata.services.upsert import CREATED, UNCHANGED, UPDATED, Upsert

BATCH_SIZE = 1000
# A first load of this many rows into an empty directory builds the search index once at the
# end instead of row by row (bench/generate.py does the same).
FIRST_LOAD_ROWS = 20_000
Progress = Callable[[ImportRun], None]
logger = logging.getLogger(__name__)


def start_run(
    *,
    file_name: str,
    format: str,
    source: str = "",
    dry_run: bool = False,
    mapping=None,
    user=None,
    stored_file: str = "",
) -> ImportRun:
    return ImportRun.objects.create(
        file_name=file_name,
        stored_file=stored_file,
        format=format,
        source=source or format,
        mapping=mapping or {},
        is_dry_run=dry_run,
        started_by=user,
    )


@contextlib.contextmanager
def _local_file(path: Path | None, opener: Callable | None, file_name: str) -> Iterator[Path]:
    """A path the reader process can open: the given one, or a copy of the stored file."""
    if path is not None:
        yield Path(path)
        return
    with tempfile.NamedTemporaryFile(suffix=Path(file_name).suffix[:10]) as copy:
        with opener() as source:
            shutil.copyfileobj(source, copy, 1 << 20)
        copy.flush()
        yield Path(copy.name)


def isolated_reader(run: ImportRun, path: Path) -> IsolatedReader:
    return IsolatedReader(
        run.format,
        path=path,
        file_name=run.file_name,
        mapping=run.mapping or None,
        memory_mb=settings.IMPORT_MEMORY_MB,
        cpu_seconds=settings.IMPORT_CPU_SECONDS,
    )


def preview_file(*, run: ImportRun, path: Path | None = None, opener=None) -> ImportRun:
    """Read the first rows once, in the reader process, and keep them on the run.

    The page shows the stored preview: opening it never parses the file again. A file that
    cannot be read is refused; one that kills the reader fails with the reason.
    """
    try:
        with _local_file(path, opener, run.file_name) as local:
            preview = isolated_reader(run, local).preview(timeout=settings.IMPORT_PREVIEW_SECONDS)
    except FileRefused as refused:
        return _finish(run, ImportRun.Status.REFUSED, str(refused))
    except ReaderCrashed as crashed:
        return _finish(run, ImportRun.Status.FAILED, str(crashed))
    run.preview = dataclasses.asdict(preview)
    run.save(update_fields=["preview", "updated_at"])
    return run


def stored_preview(run: ImportRun) -> Preview | None:
    if not run.preview:
        return None
    data = dict(run.preview)
    data["notices"] = [RowProblem(**notice) for notice in data.get("notices", [])]
    return Preview(**data)


def import_organisations(
    *,
    run: ImportRun,
    path: Path | None = None,
    opener: Callable | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportRun:
    """Run (or resume) an import; the run row holds the counts, its problems the report."""
    run.status, run.message = ImportRun.Status.RUNNING, ""
    run.save(update_fields=["status", "message", "updated_at"])
    try:
        with _local_file(path, opener, run.file_name) as local:
            return _import(run, isolated_reader(run, local), batch_size, progress)
    except FileRefused as refused:
        # Only a file changed while it was imported gets here: committed batches stay, the
        # checkpoint says where to resume.
        return _finish(run, ImportRun.Status.FAILED, str(refused))
    except ReaderCrashed as crashed:
        return _finish(run, ImportRun.Status.FAILED, _after_checkpoint(run, str(crashed)))
    except Exception as error:  # a bug or the database: the run must not stay « en cours »
        logger.exception("import run %s failed", run.pk)
        return _finish(
            run,
            ImportRun.Status.FAILED,
            _after_checkpoint(run, f"Erreur inattendue : {type(error).__name__} : {error}"[:500]),
        )


def _after_checkpoint(run: ImportRun, reason: str) -> str:
    """The reason, and how far the committed batches went (the counts are the database's)."""
    run.refresh_from_db()
    if run.checkpoint_line:
        return f"{reason} Les lignes jusqu'à la ligne {run.checkpoint_line} sont enregistrées."
    return reason


def _import(run: ImportRun, reader: IsolatedReader, batch_size: int, progress) -> ImportRun:
    try:
        run.total_rows = reader.count()
    except FileRefused as refused:
        return _finish(run, ImportRun.Status.REFUSED, str(refused))
    run.save(update_fields=["total_rows", "updated_at"])
    if run.checkpoint_line == 0 and reader.notices:
        ImportProblem.objects.bulk_create(
            _problem(run, ImportProblem.Kind.WARNING, notice) for notice in reader.notices
        )
    first_load = (
        not run.is_dry_run
        and run.checkpoint_line == 0
        and run.total_rows >= FIRST_LOAD_ROWS
        and not Organisation.objects.exists()
    )
    try:
        if first_load:
            suspend_search_index()
        _run_batches(run, reader.rows(), batch_size, progress)
    finally:
        if first_load:
            restore_search_index()
    if not run.is_dry_run:
        directory_changed()  # on commit: search indexes catch up, map cells are recounted
    return _finish(run, ImportRun.Status.DONE, summary(run))


def fail_dead_runs() -> int:
    """Mark « échoué » the runs left « en cours » (or awaiting their preview) by a process
    that died (killed, restarted machine): their row has not moved for IMPORT_STALE_MINUTES,
    whereas a live run saves it after every batch. Called where runs are listed and when a
    run starts."""
    limit = timezone.now() - timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    waiting = Q(status=ImportRun.Status.RUNNING) | Q(
        status=ImportRun.Status.PENDING, preview__isnull=True
    )
    dead = ImportRun.objects.filter(waiting, updated_at__lt=limit)
    return dead.update(
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now(),
        message=(
            "L'import s'est arrêté sans se terminer (processus interrompu) : relancez-le, il "
            "reprendra après sa dernière ligne enregistrée."
        ),
    )


def _run_batches(
    run: ImportRun, rows: Iterator, batch_size: int, progress: Progress | None
) -> None:
    checker = RowChecker(source=run.source)
    upsert = Upsert(run=run)
    categories = CategoryLinker(source=run.source)
    resume_after = run.checkpoint_line
    candidates, problems, read, last_line = [], [], 0, resume_after
    for line, row in rows:
        read, last_line = read + 1, max(last_line, line)
        if isinstance(row, RowProblem):
            problem = row
            if line > resume_after:
                problems.append(_problem(run, ImportProblem.Kind.REJECTED, problem))
            continue
        candidate, row_problems = checker.check(line, row)
        if line <= resume_after:
            continue  # committed by an earlier attempt; checked again only to know the file's keys
        kind = ImportProblem.Kind.REJECTED if candidate is None else None
        for problem in row_problems:
            problems.append(
                _problem(run, kind or problem.kind or ImportProblem.Kind.WARNING, problem)
            )
        if candidate:
            candidates.append(candidate)
            if row.get("categories"):
                problems += [
                    _problem(run, ImportProblem.Kind.WARNING, problem)
                    for problem in categories.read(candidate, row["categories"])
                ]
        if len(candidates) >= batch_size:
            _commit_batch(run, upsert, candidates, problems, line, read, categories)
            candidates, problems = [], []
            if progress:
                progress(run)
    _commit_batch(run, upsert, candidates, problems, last_line, read, categories)
    upsert.notify()
    if progress:
        progress(run)


def _problem(run: ImportRun, kind: str, problem: RowProblem) -> ImportProblem:
    return ImportProblem(
        run=run,
        kind=kind,
        line=problem.line,
        field=problem.field[:100],
        value=str(problem.value)[:500],
        reason=problem.reason,
    )


def _commit_batch(
    run, upsert: Upsert, candidates, problems, last_line: int, read: int, categories
) -> None:
    with transaction.atomic():
        plans, duplicates = upsert.plan(candidates)
        if not run.is_dry_run:
            upsert.apply(plans)
            categories.link()
        problems = problems + duplicates
        ImportProblem.objects.bulk_create(problems)
        run.created_count += sum(1 for p in plans if p.action == CREATED)
        run.updated_count += sum(1 for p in plans if p.action == UPDATED)
        run.unchanged_count += sum(1 for p in plans if p.action == UNCHANGED)
        run.rejected_count += sum(1 for p in problems if p.kind in ImportProblem.NOT_WRITTEN)
        run.duplicate_count += sum(1 for p in problems if p.kind == ImportProblem.Kind.DUPLICATE)
        run.approximate_count += sum(1 for p in plans if p.is_approximate)
        run.rows_read = max(run.rows_read, read)
        run.checkpoint_line = max(run.checkpoint_line, last_line)
        run.save()


def suspend_search_index() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in schema.SQLITE_DROP[:3]:  # the triggers; the index table stays
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            for statement in schema.POSTGRES_DROP[:2]:  # the two GIN indexes
                cursor.execute(statement)


def restore_search_index() -> None:
    """Put the triggers or indexes back and index every row, whatever happened meanwhile."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in schema.SQLITE_CREATE:
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {schema.FTS_TABLE}({schema.FTS_TABLE}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            # Deferred foreign-key checks inside an outer transaction would block CREATE INDEX.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in schema.POSTGRES_INDEXES:
                cursor.execute(statement)


def _finish(run: ImportRun, status: str, message: str) -> ImportRun:
    run.status, run.message, run.finished_at = status, message, timezone.now()
    run.save()
    return run


def summary(run: ImportRun, *, final: bool = True) -> str:
    """'3 créées, 1 mise à jour, 10 inchangées, 2 lignes rejetées' — and the no-op said plainly."""
    if run.status == ImportRun.Status.REFUSED:
        return run.message
    counts = {
        "created": run.created_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "rejected": run.rejected_count,
        "duplicates": run.duplicate_count,
        "approximate": run.approximate_count,
        "reviews": run.review_count,
    }
    parts = [
        plural("%(created)s créée", "%(created)s créées", counts["created"]),
        plural("%(updated)s mise à jour", "%(updated)s mises à jour", counts["updated"]),
        plural("%(unchanged)s inchangée", "%(unchanged)s inchangées", counts["unchanged"]),
        plural(
            "%(rejected)s ligne non écrite", "%(rejected)s lignes non écrites", counts["rejected"]
        ),
        plural(
            "%(duplicates)s doublon possible à vérifier",
            "%(duplicates)s doublons possibles à vérifier",
            counts["duplicates"],
        ),
    ]
    if counts["approximate"]:
        parts.append(
            plural(
                "%(approximate)s placée au centre de sa commune (position approximative)",
                "%(approximate)s placées au centre de leur commune (position approximative)",
                counts["approximate"],
            )
        )
    if counts["reviews"]:
        parts.append(
            plural(
                "%(reviews)s valeur modifiée par un membre, à arbitrer",
                "%(reviews)s valeurs modifiées par un membre, à arbitrer",
                counts["reviews"],
            )
        )
    text = ", ".join(part % counts for part in parts) + "."
    if run.is_dry_run:
        text = _("Essai à blanc, rien n'est enregistré : %(counts)s") % {"counts": text}
    elif final and not run.created_count and not run.updated_count:
        text += " " + _("Rien n'a changé : l'annuaire était déjà à jour de ce fichier.")
    return text


REPORT_COLUMNS = ["ligne", "nature", "champ", "valeur", "motif"]


def write_report(run: ImportRun, handle) -> int:
    """The rejected rows and the warnings as a CSV for spreadsheet software (UTF-8 with BOM)."""
    writer = csv_writer(handle)
    writer.writerow(REPORT_COLUMNS)
    count = 0
    for problem in run.problems.order_by("line", "pk").iterator(chunk_size=2000):
        writer.writerow(
            [
                problem.line,
                problem.get_kind_display(),
                problem.field_label,
                problem.value,
                problem.reason,
            ]
        )
        count += 1
    return count


def counts_per_reason(run: ImportRun) -> list[tuple[str, str, int]]:
    """(kind, reason with the row's own values removed, count): the report's summary."""
    import re

    counts: dict[tuple[str, str], int] = {}
    for kind, field, reason in run.problems.values_list("kind", "field", "reason").iterator(
        chunk_size=2000
    ):
        general = re.sub(r"«[^»]*»|\d{5,}|ligne \d+", "…", re.sub(r" ?\([^)]*\)", "", reason))
        label = field_label(field)
        key = (kind, f"{label[:1].upper()}{label[1:]} — {general}" if field else general)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((k, r, n) for (k, r), n in counts.items()), key=lambda item: -item[2])
