"""Versions of the directory, and a cache of the page-independent parts of a search.

Counting and faceting a word most organisations contain reads most of the table; the result
is the same for every visitor until the directory changes. Entries are keyed by the filters
and by a directory version that every write bumps, so nothing stale is ever served. A second
version moves only when points appear, move or disappear: the map's cells depend on nothing else.

The versions live where every process sees them: the shared cache (Redis) when there is one,
else the database (`SharedVersion`), so that an import run by `manage.py` next to a development
server (per-process memory caches) reaches its searches at once. `DIRECTORY_VERSION_STORE`
(`auto`, `cache` or `database`) overrides the choice.
"""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F

from maillage.directory.models import SharedVersion

VERSION_KEY = "directory:version"
PLACES_VERSION_KEY = "directory:places-version"
TIMEOUT_SECONDS = 15 * 60
T = TypeVar("T")


def versions_in_database() -> bool:
    """Whether the versions need the database: the cache is not shared between processes."""
    store = getattr(settings, "DIRECTORY_VERSION_STORE", "auto")
    if store != "auto":
        return store == "database"
    backend = settings.CACHES["default"]["BACKEND"]
    return backend.endswith(("LocMemCache", "DummyCache"))


def version_of(key: str) -> int:
    """Starts from the clock, not 1: a cleared cache must never bring back an old version."""
    if versions_in_database():
        value = recorded_version(key)
        if value is None:
            value = time.time_ns()
            try:
                with transaction.atomic():
                    SharedVersion.objects.create(key=key, value=value)
            except IntegrityError:  # another process created it meanwhile
                return SharedVersion.objects.get(key=key).value
        return value
    return cache.get_or_set(key, time.time_ns, timeout=None)


def recorded_version(key: str) -> int | None:
    """A version some process recorded with record_version (what the map's cells were counted
    for), read from the same store as the versions; None if none was recorded."""
    if versions_in_database():
        return SharedVersion.objects.filter(key=key).values_list("value", flat=True).first()
    return cache.get(key)


def record_version(key: str, value: int) -> None:
    if versions_in_database():
        SharedVersion.objects.update_or_create(key=key, defaults={"value": value})
    else:
        cache.set(key, value, timeout=None)


def bump(key: str, *, by: int = 1) -> None:
    if versions_in_database():
        if not SharedVersion.objects.filter(key=key).update(value=F("value") + by):
            version_of(key)
        return
    try:
        cache.incr(key, by)
    except ValueError:
        cache.set(key, time.time_ns(), timeout=None)


def directory_version() -> int:
    return version_of(VERSION_KEY)


def places_version() -> int:
    return version_of(PLACES_VERSION_KEY)


def bump_directory_version(*, places_changed: bool = True) -> None:
    """Call after any write that can change search results (search.changes does it on commit);
    `places_changed`: the write may also have moved, added or removed a point of the map."""
    bump(VERSION_KEY)
    if places_changed:
        bump(PLACES_VERSION_KEY)


def cached(part: str, key: str, compute: Callable[[], T]) -> T:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    full_key = f"search:{directory_version()}:{part}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout=TIMEOUT_SECONDS)
    return value


def shared_summary(
    key: str,
    version: int,
    compute: Callable[[], T],
    max_age: int,
    *,
    refresh_later: Callable[[], object],
) -> T:
    """A value every visitor shares (the home page's counts), computed by one worker at a time
    while the others keep showing the previous one: in the request that first sees `version`
    move (so that a new organisation counts at once), else by a background task
    (`refresh_later`, which calls store_summary) once it is older than `max_age` seconds. Only
    the very first computation makes visitors wait."""
    entry = cache.get(key)  # (version, computed at, value)
    if entry is None:
        entry = _first_computation(key, version, compute)
    stored_version, computed_at, value = entry
    if stored_version == version and time.time() - computed_at < max_age:
        return value
    if not cache.add(f"{key}:computing", True, timeout=300):
        return value
    if stored_version != version:
        return store_summary(key, version, compute)
    refresh_later()
    return value


def store_summary(key: str, version: int, compute: Callable[[], T]) -> T:
    """Compute and share the value, then let the next computation start."""
    try:
        value = compute()
        cache.set(key, (version, time.time(), value), timeout=None)
        return value
    finally:
        cache.delete(f"{key}:computing")


def _first_computation(key: str, version: int, compute: Callable[[], T]) -> tuple:
    """Computed by one worker while the others wait for it (up to a minute, then compute too)."""
    deadline = time.monotonic() + 60
    while not cache.add(f"{key}:computing", True, timeout=300):
        entry = cache.get(key)
        if entry is not None:
            return entry
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return (version, time.time(), store_summary(key, version, compute))
