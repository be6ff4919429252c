"""What every write that can change search results calls: a line in the change log, and new
directory versions once the transaction commits (cache.py), so that every worker catches up."""

from collections.abc import Iterable

from django.db import transaction

from maillage.directory.models import SearchChange
from maillage.directory.search.cache import bump_directory_version


def directory_changed(
    organisation_ids: Iterable[int] | None = None, *, places_changed: bool = True
) -> None:
    """These organisations changed (None: a bulk change, too many to list); `places_changed`:
    some of their points may have moved, appeared or disappeared (the map's cells count them)."""
    if organisation_ids is None:
        SearchChange.objects.create(organisation_id=None)
    else:
        SearchChange.objects.bulk_create(
            SearchChange(organisation_id=pk) for pk in set(organisation_ids)
        )
    transaction.on_commit(lambda: _after_commit(places_changed))


def _after_commit(places_changed: bool) -> None:
    bump_directory_version(places_changed=places_changed)
    if places_changed:  # recount the map's cells now, not when a visitor next opens the map
        from maillage.directory.search.clusters import schedule_map_cells_rebuild

        schedule_map_cells_rebuild()
