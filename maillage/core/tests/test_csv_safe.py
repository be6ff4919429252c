"""One CSV writer for everything the platform writes: formulas quoted, numbers kept."""

import io
import subprocess
from pathlib import Path

from maillage.core.csv_safe import csv_writer

ROOT = Path(__file__).resolve().parents[3]


def test_cells_a_spreadsheet_would_run_are_quoted():
    handle = io.StringIO()
    csv_writer(handle).writerow(['=HYPERLINK("x")', "@SUM(A1)", "+33 5", "-x", "\tx", "ok"])
    assert handle.getvalue() == '"\'=HYPERLINK(""x"")",\'@SUM(A1),\'+33 5,\'-x,\'\tx,ok\r\n'


def test_numbers_are_written_as_numbers():
    handle = io.StringIO()
    csv_writer(handle).writerow([-0.35, -2, 46.5])
    assert handle.getvalue() == "-0.35,-2,46.5\r\n"


def test_no_other_csv_writer_is_used_by_the_platform():
    found = subprocess.run(
        ["git", "grep", "-n", "-E", r"csv\.(writer|DictWriter)\(", "--", "maillage", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert [line for line in found if not line.startswith("maillage/core/csv_safe.py")] == []
