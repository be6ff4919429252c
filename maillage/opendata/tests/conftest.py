from pathlib import Path

import pytest

from maillage.opendata.services.imports import import_organisations, start_run

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "imports"


@pytest.fixture
def run_import():
    """Import a file as the command does; returns the finished run."""

    def run(
        path: Path,
        *,
        format: str = "csv",
        source: str = "",
        dry_run: bool = False,
        mapping=None,
        **options,
    ):
        started = start_run(
            file_name=path.name, format=format, source=source, dry_run=dry_run, mapping=mapping
        )
        return import_organisations(run=started, path=path, **options)

    return run
