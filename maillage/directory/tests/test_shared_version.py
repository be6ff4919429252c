"""Without a shared cache the directory versions live in the database (issue 14, item 20), and
so does the version the map's cells were counted for (issue 23)."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from maillage.directory.models import SharedVersion
from maillage.directory.search import clusters
from maillage.directory.search.cache import (
    PLACES_VERSION_KEY,
    VERSION_KEY,
    bump,
    bump_directory_version,
    directory_version,
    versions_in_database,
)
from maillage.directory.search.clusters import rebuild_map_cells
from maillage.directory.tests.factories import located_organisation

pytestmark = pytest.mark.django_db


def test_a_per_process_cache_keeps_the_versions_in_the_database():
    with override_settings(DIRECTORY_VERSION_STORE="auto"):
        assert versions_in_database()  # the tests' cache is local memory


@override_settings(DIRECTORY_VERSION_STORE="database")
def test_a_bump_by_another_process_is_seen_without_a_shared_cache():
    before = directory_version()
    # Another process (a manage.py import) bumps: its memory cache is not ours.
    SharedVersion.objects.filter(key=VERSION_KEY).update(value=before + 5)
    cache.clear()
    assert directory_version() == before + 5


@override_settings(DIRECTORY_VERSION_STORE="database")
def test_a_bump_moves_the_database_version():
    before = directory_version()
    bump_directory_version()
    assert directory_version() == before + 1


@override_settings(DIRECTORY_VERSION_STORE="database")
def test_map_cells_counted_by_another_process_are_used_without_a_shared_cache(monkeypatch):
    located_organisation(name="Recyclerie du Clain")
    rebuild_map_cells()  # in a task worker or a manage.py import: its memory cache is not ours
    cache.clear()
    rebuilds = []
    monkeypatch.setattr(clusters, "schedule_map_cells_rebuild", lambda: rebuilds.append(1))
    assert clusters._fresh_map_cells()
    assert rebuilds == []


@override_settings(DIRECTORY_VERSION_STORE="database")
def test_a_move_of_the_places_version_makes_the_map_cells_stale_in_every_process(monkeypatch):
    located_organisation(name="Recyclerie du Clain")
    rebuild_map_cells()
    bump(PLACES_VERSION_KEY)  # a point added by another process
    cache.clear()
    rebuilds = []
    monkeypatch.setattr(clusters, "schedule_map_cells_rebuild", lambda: rebuilds.append(1))
    assert not clusters._fresh_map_cells()
    assert rebuilds == [1]
