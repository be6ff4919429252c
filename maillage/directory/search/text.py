"""Full-text matching and relevance, one interface over SQLite FTS5 and PostgreSQL tsvector.

Queries are folded (no accents, lower case) and split into words of letters and digits, so
nothing the visitor types can reach the engines' query syntax. Every word must match, the
last one as a prefix (search as you type).
"""

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from maillage.core.text import search_terms
from maillage.directory.models import Organisation
from maillage.directory.search.schema import FTS_TABLE

# Ranking scores every candidate (about 1 µs each): rank a bounded set, not every match of a
# word most organisations contain.
RANKED_CANDIDATES = 2000


def _fts5_query(terms: list[str]) -> str:
    *complete, last = terms
    return " ".join([*(f'"{term}"' for term in complete), f'"{last}"*'])


def _tsquery(terms: list[str]) -> str:
    *complete, last = terms
    return " & ".join([*complete, f"{last}:*"])


def identifier_of(terms: list[str]) -> str:
    """The SIREN (9 digits) or SIRET (14) the words spell, spaces allowed, else ''."""
    digits = "".join(terms)
    return digits if digits.isdigit() and len(digits) in (9, 14) else ""


def identified_ids(identifier: str) -> list[int]:
    """The organisations a SIREN or SIRET names: identifiers are not words of the text index,
    so every entry point below answers them here, the same way on both engines."""
    from maillage.directory.models import Establishment

    if len(identifier) == 9:
        return list(Organisation.objects.filter(siren=identifier).values_list("pk", flat=True))
    return list(
        Establishment.objects.filter(siret=identifier).values_list("organisation_id", flat=True)
    )


def matching(organisations: QuerySet, query: str) -> QuerySet:
    """Organisations whose name or text contain every word of the query, or whose SIREN or
    SIRET it is."""
    terms = search_terms(query)
    if not terms:
        return organisations
    if identifier_of(terms):
        return organisations.filter(pk__in=identified_ids(identifier_of(terms)))
    if connection.vendor == "sqlite":
        ids = RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_fts5_query(terms)]
        )
        return organisations.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        # A subquery, not a condition on the outer table: the queryset may itself become a
        # subquery (map clusters), where Django renames the outer table.
        ids = RawSQL(
            "SELECT id FROM directory_organisation "
            "WHERE search_vector @@ to_tsquery('french'::regconfig, %s)",
            [_tsquery(terms)],
        )
        return organisations.filter(pk__in=ids)
    for term in terms:  # other engines: plain containment on the folded text
        organisations = organisations.filter(
            Q(search_name__contains=term) | Q(search_text__contains=term)
        )
    return organisations


def matching_ids(terms: list[str], *, complete: bool = False) -> list[int]:
    """Ids of every organisation containing the folded terms, the last one as a prefix unless
    `complete`, straight from the engine's index."""
    if identifier_of(terms):
        return identified_ids(identifier_of(terms))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            query = " ".join(f'"{term}"' for term in terms) if complete else _fts5_query(terms)
            cursor.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])
        elif connection.vendor == "postgresql":
            query = " & ".join(terms) if complete else _tsquery(terms)
            cursor.execute(
                "SELECT id FROM directory_organisation "
                "WHERE search_vector @@ to_tsquery('french'::regconfig, %s)",
                [query],
            )
        else:
            found = matching(Organisation.objects.all(), " ".join(terms))
            return list(found.values_list("pk", flat=True))
        return [row[0] for row in cursor.fetchall()]


def _fts5_rows(cursor, select: str, match: str, rowids: list[int]) -> list[tuple]:
    """The rows of an FTS5 `select … MATCH %s` among these rowids, one `rowid =` lookup each:
    with `rowid IN (…)`, FTS5 would first list every match of a prefix (100 ms for a short
    one at 1M), then keep these few."""
    rows = []
    for start in range(0, len(rowids), 100):
        chunk = rowids[start : start + 100]
        cursor.execute(
            " UNION ALL ".join([f"SELECT * FROM ({select} AND rowid = %s)"] * len(chunk)),
            [value for pk in chunk for value in (match, pk)],
        )
        rows += cursor.fetchall()
    return rows


def matching_among(query: str, ids: list[int]) -> list[int]:
    """Which of these organisations (a few: those changed since an index was built) contain
    every word of the query, the last as a prefix."""
    terms = search_terms(query)
    if not terms or not ids:
        return list(ids) if not terms else []
    if identifier_of(terms):
        return sorted(set(ids) & set(identified_ids(identifier_of(terms))))
    if connection.vendor == "sqlite":
        # The folded columns hold only [0-9a-z] words: FTS5's tokens are their words, and
        # reading a few rows beats asking FTS5 (a long prefix's lookup reads all its matches).
        *complete, last = terms
        found = []
        rows = Organisation.objects.filter(pk__in=ids).values_list(
            "pk", "search_name", "search_text"
        )
        for pk, name, body in rows:
            words = set(f"{name} {body}".split())
            if all(term in words for term in complete) and any(w.startswith(last) for w in words):
                found.append(pk)
        return found
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(  # by primary key, then the vector of each: not every match's
                "SELECT id FROM directory_organisation WHERE id = ANY(%s) "
                "AND search_vector @@ to_tsquery('french'::regconfig, %s)",
                [list(ids), _tsquery(terms)],
            )
            return [row[0] for row in cursor.fetchall()]
    found = matching(Organisation.objects.filter(pk__in=ids), query)
    return list(found.values_list("pk", flat=True))


def _ranked(
    terms: list[str], limit: int, *, prefix: bool, among: list[int] | None
) -> list[tuple[int, float]]:
    """(id, score) of at most `limit` matches, best (lowest score) first; `among`: only these."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = _fts5_query(terms) if prefix else " ".join(f'"{term}"' for term in terms)
            # bm25: lower is better; a match in the name weighs ten times a match elsewhere.
            # Sorted here, not in SQL: SQLite would push ORDER BY into FTS5, which then ranks
            # every match before applying the limit (a second for a word in every row).
            select = f"SELECT rowid, bm25({FTS_TABLE}, 10.0, 1.0) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            if among is None:
                cursor.execute(f"{select} LIMIT %s", [match, limit])
                scored = cursor.fetchall()
            else:
                scored = _fts5_rows(cursor, select, match, among[:limit])
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id, -ts_rank(search_vector, query) "
                "FROM directory_organisation, to_tsquery('french'::regconfig, %s) AS query "
                f"WHERE search_vector @@ query{' AND id = ANY(%s)' if among else ''} LIMIT %s",
                [
                    _tsquery(terms) if prefix else " & ".join(terms),
                    *([among] if among else []),
                    limit,
                ],
            )
            scored = cursor.fetchall()
        else:
            return []
    return sorted(scored, key=lambda row: (row[1], row[0]))


# The prefix search runs when the complete words do not fill a first page.
PAGE_FILLED = 20


def ranked_scores(
    query: str, limit: int = RANKED_CANDIDATES
) -> list[tuple[int, tuple[int, float]]]:
    """(id, score) of the best matches, best (lowest) first, among at most `limit` matches in
    index order.

    The words are first taken as complete: the engines stream an exact word's matches and stop
    at the limit, while a prefix merges the matches of every word it starts, all of them. The
    prefix search runs only when the complete words do not fill a page (typing in progress);
    its matches come after, whatever their scores: the score's first part says which search.
    """
    terms = search_terms(query)
    if not terms:
        return []
    if identifier_of(terms):
        return [(pk, (0, 0.0)) for pk in identified_ids(identifier_of(terms))[:limit]]
    complete = [(pk, (0, score)) for pk, score in _ranked(terms, limit, prefix=False, among=None)]
    if not needs_prefix_pass(complete, limit):
        return complete
    seen = {pk for pk, _score in complete}
    return complete + [
        (pk, (1, score))
        for pk, score in _ranked(terms, limit, prefix=True, among=None)
        if pk not in seen
    ]


def needs_prefix_pass(ranked: list[tuple[int, tuple[int, float]]], limit: int = RANKED_CANDIDATES):
    return sum(1 for _pk, (tier, _score) in ranked if tier == 0) < min(limit, PAGE_FILLED)


def scores_among(
    query: str, ids: list[int], ranking: list[tuple[int, tuple[int, float]]]
) -> list[tuple[int, tuple[int, float]]]:
    """The scores ranked_scores would give these organisations, which match the query (a few:
    those changed since an index was built), next to the whole `ranking` made without them.

    The engines rank the first `limit` matches in index order (ids ascending): when that list
    was full, later ids stay unranked, as they would be. The others are looked up row by row,
    and by prefix only when the ranking needed it and only for the rows the complete words
    miss: on SQLite, one row's bm25 costs a scan of each word's matches (20 ms for a word in
    every row at 1M), so this must stay rare.
    """
    terms = search_terms(query)
    complete_ids = [pk for pk, (tier, _score) in ranking if tier == 0]
    full = complete_ids if len(complete_ids) >= RANKED_CANDIDATES else [pk for pk, _ in ranking]
    if len(full) >= RANKED_CANDIDATES:
        last_ranked = max(full)
        ids = [pk for pk in ids if pk < last_ranked]
    prefix_pass = needs_prefix_pass(ranking)
    if not terms or not ids:
        return []
    if identifier_of(terms):
        return [(pk, (0, 0.0)) for pk in matching_among(query, ids)]
    complete = [(pk, (0, score)) for pk, score in _ranked(terms, len(ids), prefix=False, among=ids)]
    seen = {pk for pk, _score in complete}
    rest = [pk for pk in ids if pk not in seen]
    if not prefix_pass or not rest:
        return complete
    return complete + [
        (pk, (1, score)) for pk, score in _ranked(terms, len(rest), prefix=True, among=rest)
    ]


def ranked_candidates(query: str, limit: int = RANKED_CANDIDATES) -> list[int]:
    """Ids of the best matches, best first (see ranked_scores)."""
    return [pk for pk, _score in ranked_scores(query, limit)]


def similar_names(query: str, limit: int = 50) -> list[int]:
    """Typo tolerance (PostgreSQL): for the words no organisation contains, close names.

    Only those words are compared, by trigram word similarity (a GIN index serves it); the other
    words must still match, so « recylcerie gap » finds the recyclerie in Gap and nothing else.
    """
    if connection.vendor != "postgresql":
        return []
    terms = search_terms(query)
    unknown = [
        term
        for term in terms
        if len(term) >= 4 and not matching(Organisation.objects.all(), term).exists()
    ]
    if not unknown:
        return []
    text = " ".join(unknown)
    with connection.cursor() as cursor:
        # 0.4 lets one transposition or missing letter through ("recylcerie" → "recyclerie").
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', '0.4', false)")
        cursor.execute(
            "SELECT id FROM directory_organisation WHERE %s <%% search_name "
            "ORDER BY word_similarity(%s, search_name) DESC, id LIMIT %s",
            [text, text, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
    known = " ".join(term for term in terms if term not in unknown)
    if known:
        passing = set(
            matching(Organisation.objects.filter(pk__in=ids), known).values_list("pk", flat=True)
        )
        ids = [pk for pk in ids if pk in passing]
    return ids


def rebuild_index() -> None:
    """After bulk writes that bypass the triggers (or to repair): rebuild the SQLite index."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
