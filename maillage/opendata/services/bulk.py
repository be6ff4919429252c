"""Raw multi-row inserts for the create path of big imports: the ORM's per-value work is most of
the time of a bulk_create. COPY on PostgreSQL, executemany on SQLite; values already prepared.

Columns come from the models, with their defaults for anything an import does not set, so a
field another app adds later with a default keeps working.
"""

import json
from collections.abc import Iterable

from django.db import connection, models

RETURNING_CHUNK = 400  # rows per INSERT … RETURNING (SQLite allows 32,766 parameters)


def prepared(value):
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


class Table:
    """The insertable columns of a model and a row builder that fills in the defaults."""

    def __init__(self, model: type[models.Model]) -> None:
        self.table = model._meta.db_table
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key and not getattr(field, "generated", False)
        ]
        self.columns = [field.column for field in self.fields]
        self.names = [field.attname for field in self.fields]

    def defaults(self, **values) -> list:
        """One row's template: the given values (prepared once) and each field's default."""
        row = []
        for field in self.fields:
            if field.attname in values:
                value = values[field.attname]
                if isinstance(field, models.DateTimeField | models.DateField):
                    value = field.get_db_prep_save(value, connection)
                row.append(prepared(value))
            elif field.has_default():
                row.append(prepared(field.get_db_prep_save(field.get_default(), connection)))
            else:
                row.append(None if field.null else "")
        return row

    def positions(self, *names: str) -> list[int]:
        return [self.names.index(name) for name in names]


def insert_returning_ids(table: Table, rows: list[list]) -> list[int]:
    """Insert rows and return their ids in order (the same assumption Django's bulk_create makes)."""
    if connection.vendor == "postgresql":
        return _copy_with_ids(table, rows)
    columns = ", ".join(connection.ops.quote_name(column) for column in table.columns)
    placeholders = "(" + ", ".join(["%s"] * len(table.columns)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), RETURNING_CHUNK):
            chunk = rows[start : start + RETURNING_CHUNK]
            cursor.execute(
                f"INSERT INTO {table.table} ({columns}) VALUES "
                + ", ".join([placeholders] * len(chunk))
                + " RETURNING id",
                [value for row in chunk for value in row],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def insert_rows(table: str, columns: Iterable[str], rows: list[tuple | list]) -> None:
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = len(list(columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * count)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


def _copy_with_ids(table: Table, rows: list[list]) -> list[int]:
    """PostgreSQL: take the ids from the sequence in one query, then COPY the rows with them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table.table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    insert_rows(
        table.table, ["id", *table.columns], [[pk, *row] for pk, row in zip(ids, rows, strict=True)]
    )
    return ids
