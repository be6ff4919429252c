"""Without a shared cache the directory versions live in the database (issue 14, item 20)."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from maillage.directory.models import SharedVersion
from maillage.directory.search.cache import (
    VERSION_KEY,
    bump_directory_version,
    directory_version,
    versions_in_database,
)

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
