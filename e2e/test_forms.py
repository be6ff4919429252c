"""Member forms on a phone and a desktop: autocompletes with chips instead of codes and Ctrl-click."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def _pick(page, label: str, typed: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.fill(typed)
    page.get_by_role("option", name=option).first.click()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_need_is_published_with_sectors_and_communes_picked_by_typing(
    page, demo_directory, width
):
    from maillage.catalogue.models import Listing
    from maillage.directory.models import Organisation
    from maillage.membership.models import Membership
    from maillage.membership.tests.factories import UserFactory

    page.set_viewport_size({"width": width, "height": 844})
    organisation = Organisation.objects.get(slug="la-collecterie-93")
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    page.goto("/")
    sign_in(page, user)
    page.goto(f"/organisations/{organisation.slug}/catalogue/publier/?type=need")

    page.get_by_label("Titre").fill("Entretien des espaces verts de deux sites")
    page.get_by_label("Description").fill("Tonte et taille, de mars à octobre.")
    page.locator("#id_kind").select_option(label="Service")
    page.locator("#id_exchange_mode").select_option(label="Payant")
    _pick(page, "Filières", "espaces verts", "Création et entretien des espaces verts")
    _pick(page, "Filières", "nettoyage", "Nettoyage de locaux")
    sectors = page.get_by_role("list", name="Choix").first
    expect(sectors.get_by_role("listitem")).to_have_count(2)
    # By keyboard: type, arrow down, Enter.
    communes = page.get_by_role("combobox", name="Communes desservies")
    communes.fill("Lyon")
    expect(page.get_by_role("option", name="Lyon").first).to_be_visible()
    communes.press("ArrowDown")
    communes.press("Enter")
    _pick(page, "Communes desservies", "Villeurb", "Villeurbanne")
    page.get_by_role("button", name="Retirer Nettoyage de locaux").click()
    expect(sectors.get_by_role("listitem")).to_have_count(1)
    page.get_by_role("button", name="Publier").click()

    expect(page.get_by_text("L'annonce est publiée.")).to_be_visible()
    listing = Listing.objects.get(title="Entretien des espaces verts de deux sites")
    assert [s.name for s in listing.sectors.all()] == ["Création et entretien des espaces verts"]
    assert sorted(c.name for c in listing.area_communes.all()) == ["Lyon", "Villeurbanne"]


def test_without_javascript_the_form_is_a_plain_select_and_text_fields(
    browser, live_server, demo_directory
):
    from maillage.catalogue.models import Listing
    from maillage.directory.models import Organisation
    from maillage.membership.models import Membership
    from maillage.membership.tests.factories import UserFactory

    organisation = Organisation.objects.get(slug="la-collecterie-93")
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/")
        sign_in(page, user)
        page.goto(f"/organisations/{organisation.slug}/catalogue/publier/?type=need")
        expect(page.get_by_role("combobox", name="Filières")).to_have_count(0)
        page.get_by_label("Titre").fill("Nettoyage de bureaux")
        page.get_by_label("Description").fill("Deux fois par semaine.")
        page.locator("#id_kind").select_option(label="Service")
        page.locator("#id_exchange_mode").select_option(label="Payant")
        page.get_by_label("Filières").select_option(label="Nettoyage de locaux")
        page.get_by_label("Communes desservies").fill("Lyon, Villeurbanne")
        page.get_by_role("button", name="Publier").click()

        expect(page.get_by_text("L'annonce est publiée.")).to_be_visible()
        listing = Listing.objects.get(title="Nettoyage de bureaux")
        assert sorted(c.name for c in listing.area_communes.all()) == ["Lyon", "Villeurbanne"]
    finally:
        context.close()
