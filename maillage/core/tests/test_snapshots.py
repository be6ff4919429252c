"""The snapshot keeper: catch up when it can, rebuild when it cannot, never block readers."""

import threading

import pytest

from maillage.core.snapshots import SnapshotKeeper


class Counted:
    """A snapshot of a counter: catches up with small moves, not with jumps."""

    def __init__(self, version: int) -> None:
        self.versions = (version,)
        self.built_in_seconds = 0.0
        self.caught_up_from = None

    def caught_up(self, versions: tuple):
        if versions[0] - self.versions[0] > 10:
            return None
        copy = Counted(versions[0])
        copy.caught_up_from = self
        return copy

    def due_for_rebuild(self) -> bool:
        return False


@pytest.fixture
def world(settings):
    state = {"version": 1, "builds": 0, "built": threading.Event()}

    def build():
        state["builds"] += 1
        state["built"].set()
        return Counted(state["version"])

    keeper = SnapshotKeeper("test-snapshot", build, lambda: (state["version"],), "TEST_SNAPSHOT")
    return state, keeper, settings


def test_off_never_builds(world):
    state, keeper, settings = world
    settings.TEST_SNAPSHOT = "off"

    assert keeper.current() is None
    assert keeper.state() == "off" and state["builds"] == 0


def test_sync_builds_then_catches_up_then_rebuilds_after_a_jump(world):
    state, keeper, settings = world
    settings.TEST_SNAPSHOT = "sync"
    first = keeper.current()

    state["version"] = 3
    caught_up = keeper.current()
    state["version"] = 100
    rebuilt = keeper.current()

    assert state["builds"] == 2
    assert caught_up.caught_up_from is first and caught_up.versions == (3,)
    assert rebuilt.caught_up_from is None and rebuilt.versions == (100,)


def test_background_answers_none_while_a_thread_builds(world):
    state, keeper, settings = world
    settings.TEST_SNAPSHOT = "background"

    assert keeper.current() is None  # the caller asks the database meanwhile
    assert state["built"].wait(timeout=10)
    keeper._building.acquire(timeout=10)  # the thread has installed it and let go
    keeper._building.release()
    assert keeper.current().versions == (1,)
    assert keeper.state() == "ready"
