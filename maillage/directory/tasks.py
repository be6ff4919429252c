"""Background work of the directory (django-tasks: immediate in development, a worker in production)."""

from django_tasks import task


@task()
def rebuild_map_cells() -> int:
    from maillage.directory.search.clusters import rebuild_map_cells as rebuild

    return rebuild()


@task()
def refresh_home_summary() -> None:
    from maillage.directory.search.cache import places_version, store_summary
    from maillage.directory.selectors import HOME_SUMMARY_KEY, home_summary

    store_summary(HOME_SUMMARY_KEY, places_version(), home_summary)
