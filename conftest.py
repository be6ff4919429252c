"""The cast and the stage shared by every test: France's geography and reference lists, loaded once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection

from maillage.directory.services.reference import load_reference_data
from maillage.territory.services import load_territory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Real communes and NAF codes in the test database, once per run (tests roll back on top)."""
    with django_db_blocker.unblock():
        load_territory()
        load_reference_data()
    yield
    # A connection left open by a background thread (directory index) would keep PostgreSQL
    # from dropping the test database at the end of the run.
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached search counts and rate-limit counters must not outlive a test (data rolls back)."""
    cache.clear()


@pytest.fixture
def anonymous_client(client):
    return client


@pytest.fixture
def platform_admin(db):
    return get_user_model().objects.create_superuser(
        username="admin", email="admin@maillage.test", password="mot-de-passe-solide"
    )


@pytest.fixture
def admin_client_logged(client, platform_admin):
    client.force_login(platform_admin)
    return client
