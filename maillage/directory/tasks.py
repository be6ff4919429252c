"""Background work of the directory (django-tasks: immediate in development, a worker in production)."""

from django_tasks import task


@task()
def rebuild_map_cells() -> int:
    from maillage.directory.search.clusters import rebuild_map_cells as rebuild

    return rebuild()
