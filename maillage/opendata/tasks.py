"""Imports and their previews run in the background (django-tasks); the run row tells the page
how far they are. Both read the file in a child process under limits (readers/isolated.py)."""

from django_tasks import task


def _opener(run):
    from django.core.files.storage import default_storage

    return lambda: default_storage.open(run.stored_file, "rb")


@task()
def preview_import(run_id: int) -> str:
    from django.core.files.storage import default_storage

    from maillage.opendata.models import ImportRun
    from maillage.opendata.services.imports import preview_file

    run = ImportRun.objects.get(pk=run_id)
    run = preview_file(run=run, opener=_opener(run))
    if run.status in (ImportRun.Status.REFUSED, ImportRun.Status.FAILED):
        default_storage.delete(run.stored_file)
    return run.status


@task()
def run_import(run_id: int) -> str:
    from django.core.files.storage import default_storage

    from maillage.opendata.models import ImportRun
    from maillage.opendata.services.imports import fail_dead_runs, import_organisations

    fail_dead_runs()  # runs left « en cours » by a worker that died before this one started
    run = ImportRun.objects.get(pk=run_id)
    run = import_organisations(run=run, opener=_opener(run))
    if run.status != ImportRun.Status.FAILED:  # a failed run keeps its file to be resumed
        default_storage.delete(run.stored_file)
    return run.status
