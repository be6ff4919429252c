"""An animator imports a spreadsheet in the browser: preview, mapping, progress, report."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_in
from maillage.directory.models import Organisation
from maillage.directory.services.reference import load_reference_data
from maillage.membership.tests.factories import PlatformRoleFactory
from maillage.territory.services import load_territory

pytestmark = pytest.mark.e2e

GOOD_CSV = Path(__file__).resolve().parents[1] / "tests" / "data" / "imports" / "good.csv"


def test_an_animator_previews_runs_and_reads_the_report_of_an_import(page, transactional_db):
    load_territory(force=True)  # transactional tests start from an emptied database
    load_reference_data(force=True)
    role = PlatformRoleFactory()
    page.goto("/")
    sign_in(page, role.user)

    page.goto("/animation/imports/")
    page.locator("#id_file").set_input_files(GOOD_CSV)
    page.get_by_label("Nom de la source").fill("reseau-86")
    page.get_by_role("button", name="Voir l'aperçu").click()

    expect(page.get_by_role("heading", name="Aperçu des premières lignes")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("LE TOIT DU MONDE")
    page.get_by_role("button", name="Lancer l'import").click()

    # The page polls the run's progress, then shows the report.
    expect(page.get_by_role("heading", name="Rapport")).to_be_visible(timeout=20_000)
    # The animator animates the Vienne: the row of Gap is reported, not written.
    expect(page.locator("main")).to_contain_text("2 créées")
    expect(page.locator("main")).to_contain_text("Hors de votre territoire")
    assert Organisation.objects.count() == 2
