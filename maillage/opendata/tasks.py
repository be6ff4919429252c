"""Imports run in the background (django-tasks); the run row tells the page how far they are."""

from django_tasks import task


@task()
def run_import(run_id: int) -> str:
    from django.core.files.storage import default_storage

    from maillage.opendata.models import ImportRun
    from maillage.opendata.services.imports import import_organisations

    run = ImportRun.objects.get(pk=run_id)
    run = import_organisations(run=run, opener=lambda: default_storage.open(run.stored_file, "rb"))
    if run.status != ImportRun.Status.FAILED:  # a failed run keeps its file to be resumed
        default_storage.delete(run.stored_file)
    return run.status
