import pytest
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections

from maillage.directory.models import Organisation


def _last_pk(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Writes committed for real (a second connection, a dump, must see them), without the
    flush of transactional tests that would empty the communes and reference lists the session
    loaded for every later test: the organisations and people created here are deleted after.
    Its module must hold a test marked `django_db`, so that pytest-django creates the test
    database even when the module runs alone."""
    name = str(connection.settings_dict["NAME"])
    if "test" not in name and "memory" not in name:
        pytest.fail(f"committed_db would write to {name}: run it with a test using the database.")
    user_model = get_user_model()
    with django_db_blocker.unblock():
        last_organisation, last_user = _last_pk(Organisation), _last_pk(user_model)
        yield
        Organisation.objects.filter(pk__gt=last_organisation).delete()
        user_model.objects.filter(pk__gt=last_user).delete()
        # The replica alias opened its own connection: close it, or the test database
        # cannot be dropped at the end of the session.
        for alias in connections:
            if alias != DEFAULT_DB_ALIAS:
                connections[alias].close()
