"""A buyer reaches a supplier from its profile: « Contacter », write, send; someone receives it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_a_buyer_contacts_a_demo_organisation_and_the_animator_receives_it(page, demo_directory):
    from maillage.directory.models import Organisation
    from maillage.membership.tests.factories import PlatformRoleFactory, UserFactory

    animator = PlatformRoleFactory(departement_id="86", user__email="animation@cress-na.test").user
    buyer = UserFactory(email="achats@mairie.test")
    supplier = Organisation.objects.get(slug="assoc-cap-vert-86")
    assert not supplier.email and not supplier.memberships.exists()

    page.goto("/")
    sign_in(page, buyer)
    page.goto(supplier.get_absolute_url())
    page.locator(".profile-contact").get_by_role("link", name="Contacter").click()
    expect(page.get_by_text("ne peut pas recevoir votre message directement")).to_be_visible()
    page.get_by_label("Message").fill(
        "Bonjour, pouvez-vous entretenir les espaces verts de la mairie ?"
    )
    page.get_by_role("button", name="Envoyer le message").click()

    expect(page.get_by_text("Votre message est confié à l'animation du territoire")).to_be_visible()
    sent = [message for message in mail.outbox if animator.email in message.to]
    assert len(sent) == 1 and sent[0].reply_to == ["achats@mairie.test"]
    assert "espaces verts de la mairie" in sent[0].body


def test_an_anonymous_visitor_is_asked_to_sign_in_before_contacting(page, demo_directory):
    page.goto("/organisations/assoc-cap-vert-86/")
    page.locator(".profile-contact").get_by_role("link", name="Contacter").click()
    expect(page).to_have_url("/compte/login/?next=/organisations/assoc-cap-vert-86/contacter/")
