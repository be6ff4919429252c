"""Phone widths: a short header with a menu button, results before filters, no sideways scroll."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_header_is_short_and_its_menu_opens(page, demo_directory):
    page.set_viewport_size(PHONE)
    page.goto("/")
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 80
    expect(page.get_by_role("link", name="Annuaire", exact=True)).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Annuaire", exact=True)).to_be_visible()


def test_on_a_phone_the_first_result_comes_before_the_filters(page, demo_directory):
    page.set_viewport_size(PHONE)
    page.goto("/annuaire/?q=recyclerie")
    first_card = page.locator(".card").first.bounding_box()
    assert first_card is not None and first_card["y"] < 844
    page.locator(".filters-button").click()
    expect(page.get_by_role("group", name="Filière")).to_be_visible()


def test_on_a_phone_the_filters_stay_as_left_when_the_results_refresh(page, demo_directory):
    page.set_viewport_size(PHONE)
    page.goto("/annuaire/?q=recyclerie")
    page.get_by_label("Recherche").fill("recyclerie du")
    expect(page).to_have_url(re.compile("recyclerie%20du|recyclerie\\+du"))
    # The URL moves before htmx swaps the results in: wait for the swap, or the click lands on
    # the panel it replaces (seen on a loaded machine).
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("group", name="Filière")).to_be_hidden()
    page.locator(".filters-button").click()
    page.get_by_role("group", name="Filière").get_by_role("checkbox").first.check()
    expect(page).to_have_url(re.compile("sector="))
    expect(page.get_by_role("group", name="Filière")).to_be_visible()


def test_on_a_phone_the_full_map_starts_under_a_short_header(page, demo_directory):
    page.set_viewport_size(PHONE)
    page.goto("/carte/")
    box = page.locator(".map-full").bounding_box()
    assert box is not None and box["y"] < 200


def test_on_a_phone_no_page_scrolls_sideways(page, demo_directory):
    from maillage.directory.models import Organisation
    from maillage.membership.models import Membership
    from maillage.membership.tests.factories import UserFactory

    organisation = Organisation.objects.get(slug="la-collecterie-93")
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    page.set_viewport_size(PHONE)
    page.goto("/")
    sign_in(page, user)
    for path in [
        "/",
        "/annuaire/?q=recyclerie",
        f"/organisations/{organisation.slug}/",
        f"/organisations/{organisation.slug}/modifier/",
        f"/organisations/{organisation.slug}/catalogue/publier/?type=need",
        "/compte/",
        "/alertes/",
        "/catalogue/",
    ]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
