"""The home page's shared counts: one worker recomputes them, the others keep the last ones."""

import threading
import time

from maillage.directory.search import cache as search_cache
from maillage.directory.search.cache import shared_summary


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_computed_once_then_shared_until_the_version_moves():
    compute = Counter()
    assert shared_summary("summary", 1, compute, max_age=60) == 1
    assert shared_summary("summary", 1, compute, max_age=60) == 1
    assert shared_summary("summary", 2, compute, max_age=60) == 2  # at once: a new organisation
    assert compute.calls == 2


def test_an_old_value_is_served_while_a_thread_computes_the_next(monkeypatch):
    compute = Counter()
    shared_summary("summary", 1, compute, max_age=60)
    later = time.time() + 61
    monkeypatch.setattr(search_cache.time, "time", lambda: later)
    assert shared_summary("summary", 1, compute, max_age=60) == 1  # without waiting
    for thread in threading.enumerate():
        if thread.name == "refresh summary":
            thread.join(timeout=5)
    assert shared_summary("summary", 1, compute, max_age=60) == 2


def test_one_computation_at_a_time():
    compute = Counter()
    shared_summary("summary", 1, compute, max_age=60)
    search_cache.cache.add("summary:computing", True)  # another worker is at it
    assert shared_summary("summary", 2, compute, max_age=60) == 1
    assert compute.calls == 1
