"""Import pages for animators: upload, preview and mapping, progress, report.

The preview and the import run as tasks, reading the file in a child process under limits:
a hostile file can never take down the web server. The page shows the preview stored on the
run, so opening it never parses the file. With the immediate backend of development the
request that starts a task lasts as long as it, while the page polls the status fragment;
with a worker it returns at once. Without JavaScript a button starts the import.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.csv_safe import csv_writer
from maillage.membership.permissions import Action, can
from maillage.opendata.forms import MappingForm, UploadForm
from maillage.opendata.models import FieldReview, ImportProblem, ImportRun
from maillage.opendata.services.imports import (
    REPORT_COLUMNS,
    counts_per_reason,
    fail_dead_runs,
    start_run,
    stored_preview,
)
from maillage.opendata.services.reviews import ReviewError, decide_review
from maillage.opendata.services.upsert import changed_organisations
from maillage.opendata.tasks import preview_import, run_import


def _require_animator(request: HttpRequest) -> None:
    if not can(request.user, Action.VIEW_DASHBOARD):
        raise PermissionDenied(_("Les imports sont réservés à l'animation des territoires."))


def _get_run_for_user(request: HttpRequest, pk: int) -> ImportRun:
    """Animators see the imports they started; platform administrators see them all."""
    _require_animator(request)
    runs = ImportRun.objects.all()
    if not request.user.is_superuser:
        runs = runs.filter(started_by=request.user)
    return get_object_or_404(runs, pk=pk)


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _require_animator(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = get_valid_filename(upload.name)[:100] or "fichier"
        stored = default_storage.save(f"imports/{uuid.uuid4().hex}-{name}", upload)
        run = start_run(
            file_name=name,
            format=form.cleaned_data["format"],
            source=form.cleaned_data["source"],
            user=request.user,
            stored_file=stored,
        )
        preview_import.enqueue(run.pk)
        return redirect("opendata:import_detail", pk=run.pk)
    fail_dead_runs()
    runs = ImportRun.objects.select_related("started_by")
    if not request.user.is_superuser:
        runs = runs.filter(started_by=request.user)
    return render(request, "opendata/import_list.html", {"form": form, "runs": runs[:50]})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Before the run: preview and mapping; after: progress, then the report."""
    fail_dead_runs()
    run = _get_run_for_user(request, pk)
    context: dict = {"run": run}
    preview = stored_preview(run)
    if run.status == ImportRun.Status.PENDING and preview:
        context["preview"] = preview
        context["form"] = MappingForm(headers=preview.headers, mapping=preview.mapping)
        context["can_map"] = run.format in ("csv", "xlsx")
    if run.is_finished:
        context["reasons"] = [
            (ImportProblem.Kind(kind).label, reason, count)
            for kind, reason, count in counts_per_reason(run)[:20]
        ]
        context["problems"] = run.problems.all()[:100]
        context["changed"] = changed_organisations(run)[:100]
    return render(request, "opendata/import_detail.html", context)


@login_required
@require_POST
def import_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep the confirmed mapping; the progress page then starts the run."""
    run = _get_run_for_user(request, pk)
    preview = stored_preview(run)
    if run.status != ImportRun.Status.PENDING or preview is None:
        return redirect("opendata:import_detail", pk=run.pk)
    form = MappingForm(request.POST, headers=preview.headers, mapping=preview.mapping)
    if run.format in ("csv", "xlsx") and not form.is_valid():
        can_map = True
        return render(
            request,
            "opendata/import_detail.html",
            {"run": run, "preview": preview, "form": form, "can_map": can_map},
            status=400,
        )
    form.is_valid()
    if run.format in ("csv", "xlsx"):
        run.mapping = form.mapping()
    run.is_dry_run = bool(form.cleaned_data.get("dry_run"))
    run.status = ImportRun.Status.QUEUED
    run.save()
    return redirect("opendata:import_detail", pk=run.pk)


@login_required
@require_POST
def import_execute(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand a queued run to the task backend, once (two clicks never run it twice)."""
    run = _get_run_for_user(request, pk)
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING
    )
    if claimed:
        run_import.enqueue(run.pk)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204)
    return redirect("opendata:import_detail", pk=run.pk)


@login_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    fail_dead_runs()
    run = _get_run_for_user(request, pk)
    response = render(request, "opendata/_import_status.html", {"run": run})
    preview_ready = run.status == ImportRun.Status.PENDING and run.preview is not None
    if request.headers.get("HX-Request") and (run.is_finished or preview_ready):
        # The preview and the report are on the full page: reload it once they are ready.
        response["HX-Refresh"] = "true"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def import_report(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    run = _get_run_for_user(request, pk)
    writer = csv_writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(REPORT_COLUMNS)
        for problem in run.problems.order_by("line", "pk").iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    problem.line,
                    ImportProblem.Kind(problem.kind).label,
                    problem.field_label,
                    problem.value,
                    problem.reason,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rapport-import-{run.pk}.csv"'
    return response


@login_required
def import_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    """Fields members edited since the last import: « garder » or « prendre la valeur importée »."""
    run = _get_run_for_user(request, pk)
    if request.method == "POST":
        review = get_object_or_404(run.reviews, pk=request.POST.get("review", "0") or 0)
        try:
            decide_review(
                review=review, user=request.user, take=request.POST.get("choice") == "take"
            )
        except ReviewError as error:
            messages.error(request, str(error))
        return redirect("opendata:import_reviews", pk=run.pk)
    reviews = run.reviews.select_related("organisation")
    return render(
        request,
        "opendata/import_reviews.html",
        {
            "run": run,
            "pending": reviews.filter(status=FieldReview.Status.PENDING),
            "decided": reviews.exclude(status=FieldReview.Status.PENDING),
        },
    )
