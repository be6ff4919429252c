"""Full-text search of offers and needs, on the same engines as the directory.

SQLite: an FTS5 table over the folded `search_text` (external content, kept by triggers).
PostgreSQL: a stored generated French `tsvector` with a GIN index. Queries are folded and reduced
to words, every word must match, the last as a prefix (search as you type).
"""

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from maillage.core.text import fold, search_terms

FTS_TABLE = "catalogue_listing_fts"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='catalogue_listing', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3 4'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS catalogue_listing_fts_insert
        AFTER INSERT ON catalogue_listing BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS catalogue_listing_fts_delete
        AFTER DELETE ON catalogue_listing BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS catalogue_listing_fts_update
        AFTER UPDATE OF search_text ON catalogue_listing BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalogue_listing_fts_update",
    "DROP TRIGGER IF EXISTS catalogue_listing_fts_delete",
    "DROP TRIGGER IF EXISTS catalogue_listing_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_CREATE = [
    """ALTER TABLE catalogue_listing ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('french'::regconfig, coalesce(search_text, ''))) STORED""",
    """CREATE INDEX IF NOT EXISTS catalogue_listing_search_vector
        ON catalogue_listing USING gin (search_vector)""",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS catalogue_listing_search_vector",
    "ALTER TABLE catalogue_listing DROP COLUMN IF EXISTS search_vector",
]


def create_search_index(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop_search_index(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def matching(listings: QuerySet, query: str) -> QuerySet:
    """Listings whose text contains every word of the query (accents and case ignored)."""
    terms = search_terms(query)
    if not terms:
        return listings
    *complete, last = terms
    if connection.vendor == "sqlite":
        expression = " ".join([*(f'"{term}"' for term in complete), f'"{last}"*'])
        ids = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression])
        return listings.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        match = RawSQL(
            "catalogue_listing.search_vector @@ to_tsquery('french'::regconfig, %s)",
            [" & ".join([*complete, f"{last}:*"])],
            output_field=BooleanField(),
        )
        return listings.filter(match)
    for term in terms:
        listings = listings.filter(search_text__contains=term)
    return listings


def listing_search_text(listing, *, sector_names: list[str], place: str) -> str:
    """Title, description, sectors, organisation and place, folded."""
    parts = [
        listing.title,
        listing.description,
        *sector_names,
        listing.organisation.display_name,
        place,
        listing.get_kind_display(),
    ]
    return " ".join(fold(str(part)) for part in parts if part)
