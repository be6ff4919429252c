"""Every filter of the list works on the map, and the reverse (issue 22, item 1): for each
filter, the search page's map and the full map show clusters."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# One value per filter the list offers, present in the demo data (it has no labels yet).
FILTERS = {
    "q": "q=nettoyage",
    "commune": "commune=Lyon",
    "commune and radius": "commune=Lyon&radius_km=10",
    "postal code": "commune=69008&radius_km=5",
    "sector": "sector=creation-et-entretien-des-espaces-verts",
    "kind": "kind=EI",
    "departement": "departement=69",
    "family": "family=association",
    "place in the words": "q=nettoyage+Lyon",
    "everything": "q=nettoyage&commune=Lyon&radius_km=20&kind=EI&departement=69",
}
MARKERS = ".cluster-icon, .organisation-icon"


def test_each_filter_shows_clusters_on_the_list_map_and_the_full_map(page, demo_directory):
    for name, query in FILTERS.items():
        for path, map_id in (("/annuaire/", "#search-map"), ("/carte/", "#full-map")):
            page.goto(f"{path}?{query}")
            markers = page.locator(f"{map_id} :is({MARKERS})")
            expect(markers.first, f"{name} on {path}").to_be_visible()
            expect(page.locator(f"{map_id} .map-status")).not_to_have_text("Carte indisponible.")


def test_filters_set_in_the_list_reach_the_map(page, demo_directory):
    page.goto("/annuaire/")
    page.get_by_label("Commune ou code postal").fill("Lyon 8e Arrondissement (69008)")
    page.get_by_label("Commune ou code postal").press("Enter")
    expect(page).to_have_url(re.compile(r"commune=Lyon"))
    # A commune typed in the list gets the default radius, as from the home box.
    expect(
        page.get_by_text("Dans un rayon de 20 km autour de Lyon 8e Arrondissement")
    ).to_be_visible()
    page.get_by_label("Dans un rayon de").select_option("5")
    page.get_by_role("checkbox", name=re.compile("^Entreprise d'insertion ")).check()
    expect(page).to_have_url(re.compile(r"kind=EI"))
    count = re.search(r"\d+", page.locator(".result-count").inner_text())[0]
    expect(page.locator("#search-map .map-status")).to_have_text(
        re.compile(rf"^{count} organisations? dans cette zone")
    )


def test_the_full_map_frames_metropolitan_france_and_offers_the_overseas(page, demo_directory):
    page.goto("/carte/?q=nettoyage")
    expect(page.locator("#full-map .cluster-icon").first).to_be_visible()
    # Centred on metropolitan France (not the Atlantic), at a zoom where it fills the map.
    expect(page).to_have_url(re.compile(r"lat=4[4-8]\.\d+&lon=[0-4]\.\d+&zoom=([4-9]|1\d)\b"))
    page.get_by_role("button", name="La Réunion").click()
    expect(page).to_have_url(re.compile(r"lat=-21\."))
