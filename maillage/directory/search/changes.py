"""What every write that can change search results calls: a line in the change log, and new
directory versions once the transaction commits (cache.py), so that every worker catches up."""

import datetime
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q

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


# The changes of the last minute are always read again: on PostgreSQL, a transaction may commit
# after a later one, whose change an index has already seen.
CHANGE_LOG_SLACK = datetime.timedelta(minutes=1)


def last_change_line() -> int:
    """The change log's last line, read when an index build starts (from the primary, like
    the build: a lagging replica would hide a change for good)."""
    return (
        SearchChange.objects.using(DEFAULT_DB_ALIAS)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


def organisations_changed_since(last_change: int, built_at: datetime.datetime) -> list[int] | None:
    """The organisations an index built at `built_at` (the log then ending at `last_change`) has
    not seen; [] when no new line, None after a bulk change (a line without organisation)."""
    changes = list(
        SearchChange.objects.using(DEFAULT_DB_ALIAS)
        .filter(
            Q(pk__gt=last_change)
            | Q(changed_at__gte=built_at - CHANGE_LOG_SLACK, organisation_id__isnull=False)
        )
        .values_list("pk", "organisation_id")
    )
    newer = [organisation for pk, organisation in changes if pk > last_change]
    if None in newer:
        return None
    if not newer:
        return []
    return sorted({organisation for _line, organisation in changes})
