"""Backup and restore round trips: every table, every row, on the engine the tests run on."""

import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from maillage.directory.models import Organisation
from maillage.directory.tests.factories import OrganisationFactory
from maillage.membership.models import Membership
from maillage.membership.services.api_tokens import create_api_token
from maillage.membership.tests.factories import MembershipFactory

ENGINE = settings.DATABASES["default"]["ENGINE"]


def _rows_of_every_table(cursor, tables: list[str]) -> dict[str, list[tuple]]:
    rows = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def _tables() -> list[str]:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return sorted(name for (name,) in cursor.fetchall() if not name.startswith("sqlite_"))
    return sorted(connection.introspection.table_names())


def _some_data() -> None:
    # Without establishments: an earlier transactional test may have emptied the communes.
    organisation = OrganisationFactory(name="Recyclerie du Clain ♻️", description="« Réemploi »")
    OrganisationFactory(name="Épicerie solidaire")
    member = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    create_api_token(user=member, organisation=organisation, name="Sauvegarde")


@pytest.mark.skipif("sqlite" not in ENGINE, reason="SQLite round trip")
def test_a_sqlite_backup_restores_every_row_of_every_table(tmp_path, committed_db):
    _some_data()
    tables = _tables()
    with connection.cursor() as cursor:
        before = _rows_of_every_table(cursor, tables)
    backup = tmp_path / "maillage.sqlite3"
    call_command("backup", output=str(backup))

    Organisation.objects.filter(name__startswith="Recyclerie").delete()
    OrganisationFactory(name="Écrite après la sauvegarde")
    call_command("restore", str(backup), force=True)

    with connection.cursor() as cursor:
        after = _rows_of_every_table(cursor, tables)
    assert [table for table in tables if after[table] != before[table]] == []
    assert sum(len(rows) for rows in before.values()) > 10


@pytest.mark.skipif("postgresql" not in ENGINE, reason="PostgreSQL round trip")
def test_a_postgresql_dump_restores_every_row_of_every_table_in_a_scratch_database(
    tmp_path, committed_db
):
    _some_data()
    backup = tmp_path / "maillage.dump"
    call_command("backup", output=str(backup))
    settings_dict = connection.settings_dict
    scratch = f"maillage_restore_{uuid.uuid4().hex[:8]}"
    base = (
        f"postgres://{settings_dict['USER']}:{settings_dict.get('PASSWORD') or ''}"
        f"@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    )
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        call_command("restore", str(backup), into=f"{base}/{scratch}")
        tables = _tables()
        with connection.cursor() as cursor:
            before = _rows_of_every_table(cursor, tables)
        with psycopg.connect(f"{base}/{scratch}") as restored:
            after = _rows_of_every_table(restored.cursor(), tables)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    assert [table for table in tables if after[table] != before[table]] == []
    assert sum(len(rows) for rows in before.values()) > 10


@pytest.mark.django_db
def test_restore_refuses_to_overwrite_without_force(tmp_path):
    backup = tmp_path / "maillage.sqlite3"
    backup.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(backup))


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("pas une sauvegarde")
    with pytest.raises(CommandError, match="n'est pas une sauvegarde"):
        call_command("restore", str(bogus), force=True)
