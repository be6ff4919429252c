"""Cache of the page-independent parts of a search (count and facets).

Counting and faceting a word most organisations contain reads most of the table; the result
is the same for every visitor until the directory changes. Entries are keyed by the filters
and by a directory version that every write bumps, so nothing stale is ever served.
"""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

VERSION_KEY = "directory:version"
TIMEOUT_SECONDS = 15 * 60
T = TypeVar("T")


def directory_version() -> int:
    """Starts from the clock, not 1: a cleared cache must never bring back an old version."""
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


def bump_directory_version() -> None:
    """Call after any write that can change search results (services do it on commit)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def cached(part: str, key: str, compute: Callable[[], T]) -> T:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    full_key = f"search:{directory_version()}:{part}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout=TIMEOUT_SECONDS)
    return value
