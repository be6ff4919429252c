"""Every file of the bad-file corpus gives its expected report; a refused file writes nothing."""

import json
from pathlib import Path

import pytest

from maillage.directory.models import Establishment, Organisation
from maillage.opendata.models import ImportProblem, ImportRun, SourceRecord
from maillage.opendata.readers import make_reader
from maillage.opendata.tests.conftest import CORPUS

pytestmark = pytest.mark.django_db(transaction=False)

FILES = sorted(p.name for p in CORPUS.iterdir() if not p.name.endswith((".json", ".py")))


def database_state() -> tuple:
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Establishment.objects.order_by("pk").values()),
        SourceRecord.objects.count(),
    )


@pytest.mark.parametrize("name", FILES)
def test_it_gives_the_expected_report(name, run_import):
    expected = json.loads((CORPUS / f"{name}.expected.json").read_text())
    before = database_state()
    run = run_import(CORPUS / name, format="xlsx" if name.endswith(".xlsx") else "csv")
    assert run.status == expected["status"], run.message
    if expected["status"] == "refused":
        assert expected["message"] in run.message
        assert database_state() == before
        return
    assert run.created_count == expected["created"]
    rejected = [
        [p.line, p.field, p.reason] for p in run.problems.filter(kind=ImportProblem.Kind.REJECTED)
    ]
    assert len(rejected) == len(expected["rejected"]), rejected
    for (line, field, reason), (e_line, e_field, e_reason) in zip(
        rejected, expected["rejected"], strict=True
    ):
        assert (line, field) == (e_line, e_field)
        assert e_reason in reason
    for name_ in expected.get("names", []):
        assert Organisation.objects.filter(name=name_).exists()
    if "lines" in expected:  # the line each row starts on, as the report would cite it
        assert _row_lines(CORPUS / name, run.format) == expected["lines"]


def _row_lines(path: Path, format: str) -> list[int]:
    reader = make_reader(format, opener=lambda: path.open("rb"), file_name=path.name, path=path)
    return [line for line, _row in reader.rows()]


def test_a_ten_megabyte_field_rejects_its_row_only(tmp_path, run_import):
    good = (CORPUS / "good.csv").read_text()
    header, first, *rest = good.splitlines()
    huge = first.replace("https://eveil.example.org", "x" * 10_000_000)
    path = tmp_path / "huge.csv"
    path.write_text("\n".join([header, huge, *rest]) + "\n")
    run = run_import(path)
    assert run.status == ImportRun.Status.DONE
    assert run.created_count == 2
    problem = run.problems.get()
    assert (problem.line, problem.field) == (2, "website")
    assert "trop longue" in problem.reason


def test_a_refused_file_leaves_the_database_as_before_even_after_good_rows(run_import):
    run_import(CORPUS / "good.csv")
    before = database_state()
    run = run_import(CORPUS / "truncated.csv")
    assert run.status == ImportRun.Status.REFUSED
    assert database_state() == before
