"""The full-text index of organisations, per engine: created by a migration, rebuilt by a command.

SQLite: an FTS5 table over `search_name` and `search_text` (external content), kept in sync
by triggers. PostgreSQL: a stored generated `tsvector` (name weighted A, the rest B) with a GIN
index, and a trigram index on the name for typo tolerance.
"""

FTS_TABLE = "directory_organisation_fts"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_name, search_text,
        content='directory_organisation', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3 4'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS directory_organisation_fts_insert
        AFTER INSERT ON directory_organisation BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_name, search_text)
        VALUES (new.id, new.search_name, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS directory_organisation_fts_delete
        AFTER DELETE ON directory_organisation BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_name, search_text)
        VALUES ('delete', old.id, old.search_name, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS directory_organisation_fts_update
        AFTER UPDATE OF search_name, search_text ON directory_organisation BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_name, search_text)
        VALUES ('delete', old.id, old.search_name, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_name, search_text)
        VALUES (new.id, new.search_name, new.search_text);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS directory_organisation_fts_update",
    "DROP TRIGGER IF EXISTS directory_organisation_fts_delete",
    "DROP TRIGGER IF EXISTS directory_organisation_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

POSTGRES_INDEXES = [
    """CREATE INDEX IF NOT EXISTS directory_organisation_search_vector
        ON directory_organisation USING gin (search_vector)""",
    """CREATE INDEX IF NOT EXISTS directory_organisation_search_name_trgm
        ON directory_organisation USING gin (search_name gin_trgm_ops)""",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE directory_organisation ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('french'::regconfig, coalesce(search_name, '')), 'A')
            || setweight(to_tsvector('french'::regconfig, coalesce(search_text, '')), 'B')
        ) STORED""",
    *POSTGRES_INDEXES,
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS directory_organisation_search_name_trgm",
    "DROP INDEX IF EXISTS directory_organisation_search_vector",
    "ALTER TABLE directory_organisation DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement)


def create_search_index(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
        _run(schema_editor, [f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"])
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_CREATE)


def drop_search_index(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)
