"""Hostile files (tests/data/bad/): each run ends refused or failed with a reason, or done with
its report lines; never a crash of the process that imports, never a run left « en cours »."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.test import override_settings

from maillage.directory.models import Organisation
from maillage.opendata.models import ImportProblem, ImportRun
from maillage.opendata.services.imports import import_organisations, start_run

pytestmark = pytest.mark.django_db

BAD = Path(__file__).resolve().parents[3] / "tests" / "data" / "bad"
EXPECTED = json.loads((BAD / "imports.json").read_text())
_spec = importlib.util.spec_from_file_location("make_imports", BAD / "make_imports.py")
make_imports = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_imports)


def lines(run: ImportRun, kind: str) -> list[tuple[int, str, str]]:
    return [(p.line, p.field, p.reason) for p in run.problems.filter(kind=kind)]


def assert_lines(found: list, expected: list) -> None:
    assert len(found) == len(expected), found
    for (line, field, reason), (e_line, e_field, e_reason) in zip(found, expected, strict=True):
        assert (line, field) == (e_line, e_field), found
        assert e_reason in reason, reason


@override_settings(IMPORT_MEMORY_MB=256)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_hostile_file_ends_with_a_reason_or_report_lines(name, run_import):
    expected = EXPECTED[name]
    run = run_import(BAD / name, format=expected["format"])
    assert run.status == expected["status"], run.message
    if "message" in expected:
        assert expected["message"] in run.message
        assert not Organisation.objects.exists()
        return
    assert run.created_count == expected["created"], run.message
    assert_lines(lines(run, ImportProblem.Kind.REJECTED), expected.get("rejected", []))
    assert_lines(lines(run, ImportProblem.Kind.WARNING), expected.get("warnings", []))


def test_a_nul_byte_after_the_csv_sample_rejects_its_row_only(tmp_path, run_import):
    run = run_import(make_imports.csv_with_late_nul(tmp_path / "nul.csv"))
    assert run.status == ImportRun.Status.DONE, run.message
    assert run.created_count == 300
    assert_lines(lines(run, ImportProblem.Kind.REJECTED), [[302, "name", "caractère nul"]])


def test_a_zip_bomb_workbook_is_refused_before_it_is_inflated(tmp_path, run_import):
    run = run_import(make_imports.xlsx_zip_bomb(tmp_path / "bomb.xlsx"), format="xlsx")
    assert run.status == ImportRun.Status.REFUSED
    assert "se décompresse en 400 Mo" in run.message


@override_settings(IMPORT_MEMORY_MB=100)
def test_a_file_that_exhausts_the_reader_memory_fails_the_run_with_the_reason(tmp_path, run_import):
    run = run_import(make_imports.json_memory_hog(tmp_path / "hog.json"), format="gogocarto")
    assert run.status == ImportRun.Status.FAILED
    assert "limite de mémoire (100 Mo)" in run.message
    assert run.finished_at is not None


def test_an_error_while_writing_fails_the_run_instead_of_leaving_it_running(
    monkeypatch, run_import
):
    from django.db import IntegrityError

    from maillage.opendata.services.upsert import Upsert

    def broken(self, plans):
        raise IntegrityError("UNIQUE constraint failed: opendata_sourcerecord")

    monkeypatch.setattr(Upsert, "apply", broken)
    run = run_import(BAD / "import-moderation.json", format="gogocarto")
    assert run.status == ImportRun.Status.FAILED
    assert "IntegrityError" in run.message


def test_a_reader_that_dies_fails_the_run_with_the_reason(monkeypatch):
    from maillage.opendata.readers import isolated

    monkeypatch.setattr(isolated, "PACKAGE_ROOT", Path("/"))  # the child cannot import itself
    run = start_run(file_name="good.csv", format="csv")
    run = import_organisations(run=run, path=BAD.parent / "imports" / "good.csv")
    assert run.status == ImportRun.Status.FAILED
    assert "s'est arrêtée sans finir" in run.message


def test_the_dry_run_reports_a_repeated_id_as_the_real_run_does(run_import):
    dry = run_import(BAD / "import-duplicate-id.json", format="gogocarto", dry_run=True)
    real = run_import(BAD / "import-duplicate-id.json", format="gogocarto")
    assert dry.rejected_count == real.rejected_count == 1
    assert real.status == ImportRun.Status.DONE
