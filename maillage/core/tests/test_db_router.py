import pytest
from django.db import transaction

from maillage.core.db_router import ReplicaRouter
from maillage.directory.models import Organisation
from maillage.directory.tests.factories import OrganisationFactory

router = ReplicaRouter()


def test_reads_go_to_the_replica_and_writes_to_the_primary(settings, committed_db):
    settings.DATABASE_ROUTERS = ["maillage.core.db_router.ReplicaRouter"]
    assert router.db_for_read(Organisation) == "replica"
    assert router.db_for_write(Organisation) == "default"
    organisation = OrganisationFactory(name="Ressourcerie du Lac")
    assert organisation._state.db == "default"
    # The replica alias mirrors the test database: what the primary committed, it reads.
    read = Organisation.objects.get(pk=organisation.pk)
    assert read._state.db == "replica"
    assert read.name == "Ressourcerie du Lac"


def test_reads_inside_a_transaction_stay_on_the_primary(settings, committed_db):
    settings.DATABASE_ROUTERS = ["maillage.core.db_router.ReplicaRouter"]
    with transaction.atomic():
        organisation = OrganisationFactory(name="Épicerie solidaire")
        read = Organisation.objects.get(pk=organisation.pk)
    assert read._state.db == "default"


@pytest.mark.django_db
def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "directory")
    assert not router.allow_migrate("replica", "directory")
