"""The strict Content Security Policy holds on every main page: no violation in the browser."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import sign_in
from maillage.catalogue.tests.factories import offer
from maillage.directory.models import Organisation
from maillage.membership.models import Membership
from maillage.membership.tests.factories import UserFactory

pytestmark = pytest.mark.e2e

# Runs before the page's own scripts; CSP does not apply to scripts the browser driver injects.
_COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def test_the_main_pages_load_without_any_content_security_policy_violation(page, demo_directory):
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.add_init_script(_COLLECT_VIOLATIONS)
    organisation = Organisation.objects.get(slug="la-collecterie-93")
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    other = Organisation.objects.exclude(pk=organisation.pk).order_by("pk").first()
    listing = offer(organisation=other)

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response is not None
        assert "content-security-policy" in response.headers, path
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], f"{path}: {violations}"

    visit("/")
    expect(page.locator("#home-map.leaflet-container")).to_be_visible()
    visit("/annuaire/")
    page.get_by_label("Recherche").fill("recycl")
    expect(page.locator(".card").first).to_contain_text(re.compile("recycl", re.IGNORECASE))
    assert page.evaluate("window.__cspViolations") == []
    visit("/carte/?lat=48.87&lon=2.43&zoom=9")
    expect(page.locator(".cluster-icon").first).to_be_visible()
    visit(f"/organisations/{organisation.slug}/")
    expect(page.locator("#profile-map.leaflet-container")).to_be_visible()
    visit("/catalogue/")
    visit(f"/catalogue/{listing.pk}/")
    visit("/besoins-du-territoire/signaler/")
    visit("/communes/93048/")
    visit("/departements/93/")
    visit("/compte/login/")
    visit("/page-qui-n-existe-pas/")
    visit("/api/v1/docs")
    expect(page.locator(".swagger-ui").first).to_be_visible()
    sign_in(page, user)
    visit("/compte/")
    visit(f"/organisations/{organisation.slug}/modifier/")
    visit(f"/organisations/{organisation.slug}/historique/")
    visit("/compte/jetons/")
    visit("/alertes/")
    visit("/contacts/")
    visit(f"/catalogue/{listing.pk}/contacter/")
    admin = UserFactory(is_superuser=True, is_staff=True)
    sign_in(page, admin)
    visit("/animation/imports/")
    visit("/animation/besoins-signales/")
    csp_messages = [text for text in messages if "Content Security Policy" in text]
    assert csp_messages == []
