"""The home page's shared counts: one worker or task recomputes them, the others keep the last."""

import time

from django.core.cache import cache

from maillage.directory.search import cache as search_cache
from maillage.directory.search.cache import shared_summary, store_summary


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def summary(version: int, compute: Counter, scheduled: list | None = None) -> int:
    return shared_summary(
        "summary",
        version,
        compute,
        max_age=60,
        refresh_later=lambda: (scheduled if scheduled is not None else []).append(version),
    )


def test_computed_once_then_shared_until_the_version_moves():
    compute = Counter()
    assert summary(1, compute) == 1
    assert summary(1, compute) == 1
    assert summary(2, compute) == 2  # at once: a new organisation counts on the next visit
    assert compute.calls == 2


def test_an_old_value_is_served_while_a_task_computes_the_next(monkeypatch):
    compute, scheduled = Counter(), []
    summary(1, compute)
    later = time.time() + 61
    monkeypatch.setattr(search_cache.time, "time", lambda: later)
    assert summary(1, compute, scheduled) == 1  # without waiting
    assert summary(1, compute, scheduled) == 1
    assert scheduled == [1]  # one task, however many visitors
    store_summary("summary", 1, compute)  # what the task does
    assert summary(1, compute, scheduled) == 2


def test_one_computation_at_a_time():
    compute = Counter()
    summary(1, compute)
    cache.add("summary:computing", True)  # another worker is at it
    assert summary(2, compute) == 1
    assert compute.calls == 1
