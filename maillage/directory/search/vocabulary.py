"""Typo tolerance: the directory's own words that are close to a word no organisation contains.

Closeness is trigram similarity as `pg_trgm` computes it (a word padded with two spaces before
and one after; shared trigrams over all trigrams of both), but against the vocabulary of indexed
words held in memory — tens of thousands of words, not a million names — so a misspelled query
costs milliseconds, and SQLite gets the same tolerance as PostgreSQL.
"""

import bisect
from collections import defaultdict
from itertools import product

import numpy as np
from django.db import connection

from maillage.core.text import search_terms
from maillage.directory.search.schema import FTS_TABLE

# pg_trgm's default word-similarity threshold lets one transposition or a missing letter through
# ("recylcerie" → "recyclerie", "associaton" → "association").
SIMILARITY = 0.4
MIN_LENGTH = 4
CANDIDATES_PER_WORD = 2


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class Vocabulary:
    """Words with the number of organisations using them, and trigram postings to find them."""

    def __init__(self, frequencies: dict[str, int]) -> None:
        self.words = sorted(frequencies)
        self.frequencies = np.asarray([frequencies[w] for w in self.words], dtype=np.int64)
        postings: dict[str, list[int]] = defaultdict(list)
        sizes = []
        for word_id, word in enumerate(self.words):
            grams = trigrams(word)
            sizes.append(len(grams))
            for gram in grams:
                postings[gram].append(word_id)
        self.postings = {gram: np.asarray(ids, dtype=np.int32) for gram, ids in postings.items()}
        self.sizes = np.asarray(sizes, dtype=np.int32)

    @classmethod
    def load(cls, cursor) -> "Vocabulary":
        """The engine's indexed words (SQLite: FTS5's own vocabulary; PostgreSQL, which stores
        stems, not words: the words of the names), with at least MIN_LENGTH letters."""
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.directory_vocabulary "
                f"USING fts5vocab(main, {FTS_TABLE}, row)"
            )
            cursor.execute("SELECT term, doc FROM temp.directory_vocabulary")
        else:
            cursor.execute(
                "SELECT word, count(*) FROM directory_organisation, "
                "regexp_split_to_table(search_name, '[^a-z0-9]+') AS word "
                "WHERE is_published AND length(word) >= %s GROUP BY word",
                [MIN_LENGTH],
            )
        return cls(
            {
                word: count
                for word, count in cursor.fetchall()
                if len(word) >= MIN_LENGTH and word.isalpha()
            }
        )

    def __len__(self) -> int:
        return len(self.words)

    def knows(self, term: str, *, as_prefix: bool = False) -> bool:
        at = bisect.bisect_left(self.words, term)
        if at == len(self.words):
            return False
        return self.words[at].startswith(term) if as_prefix else self.words[at] == term

    def closest(self, term: str, limit: int = CANDIDATES_PER_WORD) -> list[str]:
        """The most similar words, then the most used among equally similar ones."""
        grams = trigrams(term)
        lists = [self.postings[gram] for gram in grams if gram in self.postings]
        if not lists:
            return []
        shared = np.bincount(np.concatenate(lists), minlength=len(self.words))
        similarity = shared / (len(grams) + self.sizes - shared)
        candidates = np.flatnonzero(similarity >= SIMILARITY)
        ranked = sorted(
            candidates.tolist(),
            key=lambda i: (-similarity[i], -self.frequencies[i], self.words[i]),
        )
        return [self.words[i] for i in ranked[:limit]]

    def corrections(self, query: str) -> list[str]:
        """Queries with each unknown word replaced by a close known one, most likely first."""
        terms = search_terms(query)
        choices = []
        for position, term in enumerate(terms):
            is_last = position == len(terms) - 1
            if len(term) < MIN_LENGTH or self.knows(term, as_prefix=is_last):
                choices.append([term])
                continue
            close = self.closest(term)
            if not close:
                return []
            choices.append(close)
        if all(len(options) == 1 and options[0] in terms for options in choices):
            return []
        return [" ".join(words) for words in product(*choices)]
