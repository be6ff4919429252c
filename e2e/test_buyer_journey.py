"""The buyer's journey of issue 22: home, « espaces verts » near Lyon within 20 km, insertion
enterprises; the list and the map agree; an organisation's page opens; the buyer signs in,
writes, and the message reaches the territory's animation (the demo organisations have no
member nor e-mail). At 1280 and 390 px, with a screenshot of each step in
docs/screenshots/buyer-*.png."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(WIDTHS, reverse=True), ids=lambda width: f"{width}px")
def sized_page(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport=WIDTHS[request.param]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, request.param
    page.wait_for_load_state("networkidle")
    context.close()


def _shot(page, width: int, step: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"buyer-{step}-{width}.png", full_page=True)


def test_a_buyer_finds_green_space_insertion_enterprises_near_lyon(sized_page, demo_directory):
    page, width = sized_page
    page.goto("/")
    expect(page.locator("#home-map .cluster-icon").first).to_be_visible()
    _shot(page, width, "1-home")

    page.get_by_label("Rechercher une organisation").fill("espaces verts Lyon")
    page.get_by_label("Rechercher une organisation").press("Enter")

    # « Lyon » is read as the place, within 20 km by default, and the page says so.
    expect(
        page.get_by_role("status").filter(has_text="« Lyon » est compris comme le lieu")
    ).to_be_visible()
    expect(page.get_by_label("Dans un rayon de")).to_have_value("20")
    expect(page.get_by_label("Commune ou code postal")).to_have_value(re.compile(r"^Lyon \("))
    expect(
        page.locator("#search-map .cluster-icon, #search-map .organisation-icon").first
    ).to_be_visible()
    _shot(page, width, "2-near-lyon")

    if width < 960:  # on a phone the facets wait behind « Filtres »
        page.locator("#facets-toggle > summary").click()
    page.get_by_role("checkbox", name=re.compile("^Entreprise d'insertion ")).check()
    expect(page).to_have_url(re.compile(r"kind=EI"))
    count = re.search(r"\d+", page.locator(".result-count").inner_text())[0]
    expect(page.locator(".card").first.locator(".badge-kind")).to_contain_text("EI")

    # The list and the map find the same organisations.
    expect(page.locator("#search-map .map-status")).to_have_text(
        re.compile(rf"^{count} organisations? dans cette zone")
    )
    _shot(page, width, "3-insertion-enterprises")

    first = page.locator(".card .card-title a").first
    name = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/organisations/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    _shot(page, width, "4-organisation")

    # Reaching the supplier: « Contacter » asks an anonymous visitor to sign in first.
    from maillage.membership.tests.factories import PlatformRoleFactory, UserFactory

    animator = PlatformRoleFactory(
        region_id="84", departement_id=None, user__email="animation@cress-aura.test"
    ).user
    buyer = UserFactory(email="achats@mairie-lyon.test")
    profile_url = page.url
    page.locator(".profile-contact").get_by_role("link", name="Contacter").click()
    expect(page).to_have_url(re.compile(r"/compte/login/\?next=.*contacter"))
    sign_in(page, buyer)
    page.goto(profile_url)
    page.locator(".profile-contact").get_by_role("link", name="Contacter").click()
    expect(page.get_by_text("ne peut pas recevoir votre message directement")).to_be_visible()
    page.get_by_label("Message").fill("Bonjour, pouvez-vous entretenir les espaces verts du parc ?")
    _shot(page, width, "5-contact")
    page.get_by_role("button", name="Envoyer le message").click()

    expect(page.get_by_text("Votre message est confié à l'animation du territoire")).to_be_visible()
    sent = [message for message in mail.outbox if animator.email in message.to]
    assert len(sent) == 1 and sent[0].reply_to == [buyer.email]
    assert "espaces verts du parc" in sent[0].body
    _shot(page, width, "6-sent")
