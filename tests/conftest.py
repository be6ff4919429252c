"""Cross-app tests (hostile input, API contract): the reading of the corpus and the row check."""

from pathlib import Path

import pytest
from django.apps import apps

BAD = Path(__file__).parent / "data" / "bad"
# The tables a request could write to; reference data (communes, NAF…) is loaded once and big.
WATCHED_APPS = ("directory", "membership", "auth", "account", "core")


def corpus(name: str) -> list[str]:
    lines = (BAD / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("# ")]


def rows_snapshot() -> dict[str, list[tuple]]:
    """Every row of every watched table, in primary-key order."""
    snapshot = {}
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            snapshot[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list())
    return snapshot


@pytest.fixture
def unchanged_rows(db):
    """Call it after the arrange step; the test asserts `unchanged_rows()` at the end."""
    holder = {}

    def start() -> None:
        holder["before"] = rows_snapshot()

    def check() -> bool:
        after = rows_snapshot()
        changed = [table for table, rows in after.items() if rows != holder["before"].get(table)]
        assert changed == [], f"rows changed in {changed}"
        return True

    return start, check
