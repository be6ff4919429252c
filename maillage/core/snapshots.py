"""One in-memory snapshot of some tables per process, kept current without blocking readers.

A snapshot is tagged with versions (cache counters that writes bump on commit). When they move,
it *catches up*: a cheap copy that leaves out what changed since the build, for the caller to
ask the database. Now and then, or when it cannot catch up, a thread rebuilds it while the
previous one (or the database) answers. The directory's search index (directory/search/memory.py)
and the catalogue's matching index (catalogue/match_index.py) are kept this way.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


class Snapshot(Protocol):
    versions: tuple
    built_in_seconds: float

    def caught_up(self, versions: tuple) -> "Snapshot | None": ...

    def due_for_rebuild(self) -> bool: ...


S = TypeVar("S", bound=Snapshot)


class SnapshotKeeper(Generic[S]):
    """The current snapshot of this process. The mode setting says how it is kept: "background"
    (production: rebuilt in a thread, the database answers meanwhile), "sync" (tests: rebuilt
    before answering) or "off" (never built)."""

    def __init__(
        self,
        name: str,
        build: Callable[[], S],
        versions: Callable[[], tuple],
        mode_setting: str,
        *,
        build_in_background: Callable[[], S] | None = None,
    ) -> None:
        """`build_in_background`: what a thread runs instead of `build` (it may also warm the
        snapshot before it serves, since the previous one answers meanwhile)."""
        self.name, self._build, self._versions, self.mode_setting = (
            name,
            build,
            versions,
            mode_setting,
        )
        self._background_build = build_in_background or build
        self._current: S | None = None
        self._cannot_catch_up: tuple[S, tuple] | None = None
        self._building = threading.Lock()
        self._installing = threading.Lock()
        self._last_build_finished = 0.0

    @property
    def mode(self) -> str:
        return getattr(settings, self.mode_setting, "off")

    def current(self) -> S | None:
        """The snapshot, caught up with the versions; None when there is none (the caller asks
        the database)."""
        if self.mode == "off":
            return None
        snapshot, versions = self._current, self._versions()
        if snapshot is not None and snapshot.versions != versions:
            snapshot = self._catch_up(snapshot, versions)
        if self.mode == "sync":
            return snapshot or self.build_now()
        if snapshot is None or snapshot.due_for_rebuild():
            self.rebuild_in_background()
        return snapshot

    def state(self) -> str:
        """For the readiness check: "ready", "building" or "off"."""
        if self.mode == "off":
            return "off"
        return "ready" if self.current() is not None else "building"

    def build_now(self, build: Callable[[], S] | None = None) -> S:
        with self._building:
            snapshot = (build or self._build)()
            self._install(snapshot)
        return snapshot

    def forget(self) -> None:
        """Drop the snapshot (tests: each starts from its own database)."""
        with self._installing:
            self._current = self._cannot_catch_up = None

    def rebuild_in_background(self) -> None:
        """At most one build at a time, and not more often than one build's duration."""
        previous = self._current.built_in_seconds if self._current else 0.0
        if time.monotonic() - self._last_build_finished >= previous and self._building.acquire(
            blocking=False
        ):
            threading.Thread(target=self._build_in_background, name=self.name, daemon=True).start()

    def _catch_up(self, snapshot: S, versions: tuple) -> S | None:
        if self._cannot_catch_up == (snapshot, versions):  # known already: wait for the rebuild
            return None
        caught_up = snapshot.caught_up(versions)
        with self._installing:
            if caught_up is None:
                self._cannot_catch_up = (snapshot, versions)
            elif self._current is snapshot:  # not if a rebuild was installed meanwhile
                self._current = caught_up
        return caught_up

    def _install(self, snapshot: S) -> None:
        with self._installing:
            self._current = snapshot
        self._last_build_finished = time.monotonic()
        logger.info("%s: %s, built in %.1f s", self.name, snapshot, snapshot.built_in_seconds)

    def _build_in_background(self) -> None:
        try:
            close_old_connections()
            self._install(self._background_build())
        except Exception:  # the database path keeps answering; say why the fast one is missing
            logger.exception("%s: build failed", self.name)
        finally:
            connection.close()
            self._building.release()
