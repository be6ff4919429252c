"""Versions of the directory, and a cache of the page-independent parts of a search.

Counting and faceting a word most organisations contain reads most of the table; the result
is the same for every visitor until the directory changes. Entries are keyed by the filters
and by a directory version that every write bumps, so nothing stale is ever served. A second
version moves only when points appear, move or disappear: the map's cells depend on nothing else.
"""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

VERSION_KEY = "directory:version"
PLACES_VERSION_KEY = "directory:places-version"
TIMEOUT_SECONDS = 15 * 60
T = TypeVar("T")


def _version(key: str) -> int:
    """Starts from the clock, not 1: a cleared cache must never bring back an old version."""
    return cache.get_or_set(key, time.time_ns, timeout=None)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), timeout=None)


def directory_version() -> int:
    return _version(VERSION_KEY)


def places_version() -> int:
    return _version(PLACES_VERSION_KEY)


def bump_directory_version(*, places: bool = True) -> None:
    """Call after any write that can change search results (search.changes does it on commit);
    `places`: the write may also have moved, added or removed a point of the map."""
    _bump(VERSION_KEY)
    if places:
        _bump(PLACES_VERSION_KEY)


def cached(part: str, key: str, compute: Callable[[], T]) -> T:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    full_key = f"search:{directory_version()}:{part}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout=TIMEOUT_SECONDS)
    return value
