"""Every place field suggests communes from the same API, by name, « St » or postal code."""

import pytest
from playwright.sync_api import expect

from maillage.directory.services.reference import load_reference_data
from maillage.territory.services import load_territory

pytestmark = pytest.mark.e2e


@pytest.fixture
def territory(transactional_db):
    load_territory(force=True)
    load_reference_data(force=True)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/annuaire/", "#id_commune"),
        ("/carte/", "#map-commune"),
        ("/catalogue/", "#id_near"),
        ("/besoins-du-territoire/signaler/", "#id_place"),
    ],
)
def test_a_place_field_suggests_what_every_place_field_reads(page, territory, path, field):
    page.goto(path)
    page.locator(field).press_sequentially("st etienne", delay=20)
    options = page.locator(f"datalist#{page.locator(field).get_attribute('list')} option")
    expect(options.first).to_have_attribute("value", "Saint-Étienne (42000)")
    page.locator(field).fill("69008")
    expect(options.first).to_have_attribute("value", "Lyon 8e Arrondissement (69008)")
