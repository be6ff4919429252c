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


def test_typing_in_the_directory_updates_the_results_without_reloading(page, demo_directory):
    page.goto("/annuaire/")
    page.get_by_label("Département").select_option("86")
    expect(page).to_have_url(re.compile(r"departement=86"))
    expect(page.locator(".card").first).to_contain_text("(86)")

    page.get_by_label("Recherche").fill("poitiers")
    expect(page).to_have_url(re.compile(r"q=poitiers"))
    expect(page.locator(".card").first).to_contain_text("Poitiers")


def test_the_site_can_be_used_with_the_keyboard_from_the_skip_link(page, demo_directory):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenu$"))
