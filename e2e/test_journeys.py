"""The main journeys of a visitor, clicked through in chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_visitor_searches_from_the_home_page_and_opens_an_organisation(page, demo_directory):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("économie sociale et solidaire")
    expect(page.locator("#home-map.leaflet-container")).to_be_visible()

    page.get_by_label("Rechercher une organisation").fill("collecterie")
    page.get_by_role("button", name="Rechercher").click()

    expect(page).to_have_url(re.compile(r"/annuaire/\?q=collecterie"))
    expect(page.locator(".result-count")).to_contain_text("organisation")
    page.get_by_role("link", name="La Collecterie").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("La Collecterie")
    expect(page.get_by_text("SIREN")).to_be_visible()
    expect(page.locator("#profile-map.leaflet-container")).to_be_visible()
    expect(page.locator("address").get_by_role("link", name="Montreuil")).to_be_visible()


def test_typing_and_ticking_facets_update_the_results_and_the_url(page, demo_directory):
    page.goto("/annuaire/")
    page.get_by_label("Recherche").fill("recycl")
    expect(page).to_have_url(re.compile(r"q=recycl"))
    expect(page.locator(".card").first).to_contain_text(re.compile("recycl", re.IGNORECASE))
    count_before = page.locator(".result-count").inner_text()

    page.get_by_role("checkbox", name=re.compile("Association intermédiaire")).check()
    expect(page).to_have_url(re.compile(r"kind=AI"))
    expect(page.locator(".result-count")).not_to_have_text(count_before)
    expect(page.locator(".card").first.locator(".badge-kind")).to_contain_text("AI")


def test_the_map_shows_clusters_that_zoom_in_down_to_one_organisation(page, demo_directory):
    page.goto("/carte/?lat=48.87&lon=2.43&zoom=9")
    cluster = page.locator(".cluster-icon").first
    expect(cluster).to_be_visible()
    cluster.click()
    expect(page).to_have_url(re.compile(r"zoom=11"))
    page.wait_for_load_state("networkidle")
    for _ in range(3):  # each click zooms in twice, until single organisations show
        if page.locator(".organisation-icon").count():
            break
        page.locator(".cluster-icon").first.click()
        page.wait_for_load_state("networkidle")

    single = page.locator(".organisation-icon").first
    expect(single).to_be_visible()
    single.click()
    popup_link = page.locator(".leaflet-popup-content a")
    expect(popup_link).to_be_visible()
    popup_link.click()
    expect(page).to_have_url(re.compile(r"/organisations/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_site_can_be_used_with_the_keyboard_from_the_skip_link(page, demo_directory):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenu$"))
