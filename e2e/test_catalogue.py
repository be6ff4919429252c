"""The catalogue's journey in chromium: publish a need, read its matches, contact one, record the
deal, shown once the other side confirms it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "un-secret-solide-2026"


def test_a_member_publishes_a_need_contacts_a_match_and_records_the_deal(page, demo_directory):
    from maillage.catalogue.services.demo import load_demo_catalogue
    from maillage.directory.models import Organisation
    from maillage.membership.models import Membership
    from maillage.membership.tests.factories import PlatformRoleFactory, UserFactory

    load_demo_catalogue()
    # Demo organisations have no member nor e-mail: their messages go to the Vienne's animation.
    PlatformRoleFactory(departement_id="86")
    organisation = Organisation.objects.get(slug="le-toit-du-monde-86")
    user = UserFactory(email="direction@toitdumonde.test", password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)

    page.goto("/compte/login/")
    page.get_by_label("Courriel").fill("direction@toitdumonde.test")
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.goto(organisation.get_absolute_url())

    page.get_by_role("link", name="Publier un besoin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publier un besoin")
    page.get_by_label("Titre").fill("Taille des haies de la cour")
    page.get_by_label("Description").fill("Deux cents mètres de haies à tailler avant l'hiver.")
    page.locator("#id_kind").select_option(label="Service")
    page.get_by_role("combobox", name="Filières").fill("espaces verts")
    page.get_by_role("option", name="Création et entretien des espaces verts").click()
    page.locator("#id_exchange_mode").select_option(label="Payant")
    page.get_by_label("Rayon desservi (km)").fill("0")
    page.get_by_role("button", name="Publier").click()
    expect(page.locator("#id_radius_km_error")).to_contain_text("au moins 1 km")
    expect(page.get_by_label("Titre")).to_have_value("Taille des haies de la cour")
    page.get_by_label("Rayon desservi (km)").fill("20")
    page.get_by_role("button", name="Publier").click()

    expect(page.get_by_text("L'annonce est publiée.")).to_be_visible()
    expect(page.get_by_role("heading", name="Qui peut répondre à ce besoin")).to_be_visible()
    first = page.locator("ol.matches li").first
    expect(first).to_contain_text("Tonte, taille de haies et débroussaillage")
    expect(first.locator(".explanation")).to_have_text(
        re.compile(r"^même filière · \d+ km · .*structure d'insertion")
    )

    first.get_by_role("link", name=re.compile("^Contacter")).click()
    expect(page.get_by_label("Vous écrivez au nom de")).to_have_value(str(organisation.pk))
    page.get_by_label("Message").fill(
        "Bonjour, pourriez-vous passer voir nos haies cette semaine ?"
    )
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("Votre message est confié à l'animation du territoire")).to_be_visible()
    expect(page.get_by_text("direction@toitdumonde.test")).to_have_count(0)

    contact_url = page.url
    page.get_by_label("Montant (€ HT, facultatif)").fill("450")
    page.get_by_role("button", name="Enregistrer la coopération").click()
    expect(page.get_by_text("L'autre organisation est prévenue")).to_be_visible()
    page.goto("/organisations/assoc-cap-vert-86/")
    expect(page.get_by_role("heading", name="A travaillé avec")).to_have_count(0)

    # The other side's administrator confirms it; only then is it public.
    partner = Organisation.objects.get(slug="assoc-cap-vert-86")
    admin = UserFactory(email="direction@capvert.test", password=PASSWORD)
    Membership.objects.create(user=admin, organisation=partner, role=Membership.Role.ADMIN)
    page.context.clear_cookies()
    page.goto("/compte/login/")
    page.get_by_label("Courriel").fill("direction@capvert.test")
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.goto(contact_url)
    expect(page.get_by_text("450,00 € HT")).to_be_visible()
    page.get_by_role("button", name="Confirmer la coopération").click()
    expect(page.get_by_text("Coopération confirmée")).to_be_visible()

    page.goto("/organisations/assoc-cap-vert-86/")
    expect(page.get_by_role("heading", name="A travaillé avec")).to_be_visible()
    expect(page.get_by_role("link", name=organisation.display_name)).to_be_visible()
