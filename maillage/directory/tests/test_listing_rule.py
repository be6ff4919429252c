"""The grace cut-off of the listing rule is computed in one place (issue 23, item 2)."""

import datetime
from pathlib import Path

from django.utils import timezone

from maillage.directory.querysets import listing_limit

ROOT = Path(__file__).resolve().parents[2]


def test_listing_limit_is_today_minus_the_grace_days(settings):
    settings.PROFILE_GRACE_DAYS = 90
    assert listing_limit(datetime.date(2026, 4, 1)) == datetime.date(2026, 1, 1)
    assert listing_limit() == timezone.localdate() - datetime.timedelta(days=90)


def test_only_listing_limit_reads_the_grace_days():
    readers = {
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "PROFILE_GRACE_DAYS" in path.read_text() and "tests" not in path.parts
    }
    assert readers == {"directory/querysets.py"}
