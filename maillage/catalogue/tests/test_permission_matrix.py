"""Every cell of the catalogue's table in docs/permissions.md, tried through the real pages."""

import time
from collections.abc import Callable

import pytest
from django.core import signing
from django.urls import reverse

from maillage.catalogue.forms import REPORT_SALT
from maillage.catalogue.models import ContactMessage, Deal, Listing, NeedReport, SavedSearch, Side
from maillage.catalogue.permissions import CatalogueAction
from maillage.catalogue.tests.factories import CHATELLERAULT, need, organisation_in, sector
from maillage.directory.models import Organisation
from maillage.membership.tests.factories import MembershipFactory, UserFactory
from maillage.membership.tests.test_permission_matrix import ROLE_FIXTURES, Stage, read_matrix
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def _publish_listing(stage: Stage) -> bool:
    stage.client.post(
        reverse("catalogue:listing_create", args=[stage.organisation.slug]) + "?type=need",
        {
            "side": "need",
            "title": "Besoin publié par la page",
            "description": "Tonte des pelouses.",
            "kind": "service",
            "exchange_mode": "free",
            "sectors": [sector().pk],
            "recurrence": "once",
            "radius_km": "20",
        },
    )
    return Listing.objects.filter(title="Besoin publié par la page").exists()


def _edit_listing(stage: Stage) -> bool:
    listing = need(organisation=stage.organisation)
    stage.client.post(
        reverse("catalogue:listing_close", args=[listing.pk]), {"status": "fulfilled"}
    )
    listing.refresh_from_db()
    return listing.status == "fulfilled"


def _contact_organisation(stage: Stage) -> bool:
    # Reachable, so that the cell tests who may write, not where the message goes.
    Organisation.objects.filter(pk=stage.organisation.pk).update(email="contact@clain.test")
    stage.client.post(
        reverse("catalogue:organisation_contact", args=[stage.organisation.slug]),
        {"message": "Bonjour, pourriez-vous nous faire un devis ?"},
    )
    return ContactMessage.objects.filter(recipient=stage.organisation).exists()


def _read_forwarded_contact(stage: Stage) -> bool:
    contact = ContactMessage.objects.create(
        sender=UserFactory(),
        recipient=stage.organisation,
        message="Bonjour, pourriez-vous nous faire un devis ?",
        delivery=ContactMessage.Delivery.ANIMATION,
    )
    return stage.client.get(reverse("catalogue:contact", args=[contact.pk])).status_code == 200


def _contact_from_partner(stage: Stage) -> ContactMessage:
    partner = organisation_in(CHATELLERAULT)
    sender = MembershipFactory(organisation=partner).user
    return ContactMessage.objects.create(
        sender=sender,
        sender_organisation=partner,
        recipient=stage.organisation,
        message="Bonjour, pourriez-vous nous faire un devis ?",
    )


def _deal_from_partner(stage: Stage, status: str) -> Deal:
    """A cooperation the partner (who wrote) proposed to the stage's organisation."""
    contact = _contact_from_partner(stage)
    return Deal.objects.create(
        supplier=stage.organisation,
        customer=contact.sender_organisation,
        contact=contact,
        proposed_by=contact.sender_organisation,
        status=status,
    )


def _record_deal(stage: Stage) -> bool:
    contact = _contact_from_partner(stage)
    stage.client.post(reverse("catalogue:deal_record", args=[contact.pk]), {"amount": "1200"})
    return Deal.objects.filter(contact=contact).exists()


def _confirm_deal(stage: Stage) -> bool:
    deal = _deal_from_partner(stage, Deal.Status.PENDING)
    stage.client.post(
        reverse("catalogue:deal_answer", args=[deal.contact_id]), {"decision": "confirm"}
    )
    deal.refresh_from_db()
    return deal.status == Deal.Status.CONFIRMED


def _withdraw_deal(stage: Stage) -> bool:
    deal = _deal_from_partner(stage, Deal.Status.CONFIRMED)
    stage.client.post(reverse("catalogue:deal_withdraw", args=[deal.contact_id]))
    deal.refresh_from_db()
    return deal.status == Deal.Status.WITHDRAWN


def _save_search(stage: Stage) -> bool:
    stage.client.post(
        reverse("catalogue:alerts"),
        {"name": "Espaces verts", "query": "tonte", "frequency": "weekly"},
    )
    return SavedSearch.objects.filter(name="Espaces verts").exists()


def _report_need(stage: Stage) -> bool:
    started = signing.dumps(time.time() - 60, salt=REPORT_SALT)
    stage.client.post(
        reverse("catalogue:report_create"),
        {
            "what": "Aucun atelier vélo dans le quartier.",
            "place": "Poitiers",
            "for_whom": "les habitants",
            "frequency": "always",
            "reporter_kind": "citizen",
            "started": started,
        },
    )
    return NeedReport.objects.filter(what="Aucun atelier vélo dans le quartier.").exists()


def _qualify_report(stage: Stage) -> bool:
    report = NeedReport.objects.create(
        what="Pas de blanchisserie.",
        commune=Commune.objects.get(pk="86194"),
        for_whom="les gîtes",
        frequency="often",
        reporter_kind="citizen",
    )
    stage.client.post(
        reverse("catalogue:report_qualify", args=[report.pk]),
        {"sector": sector("blanchisserie").pk, "status": "qualified", "public_note": ""},
    )
    report.refresh_from_db()
    return report.status == NeedReport.Status.QUALIFIED


ATTEMPTS: dict[str, Callable[[Stage], bool]] = {
    CatalogueAction.PUBLISH_LISTING: _publish_listing,
    CatalogueAction.EDIT_LISTING: _edit_listing,
    CatalogueAction.CONTACT_ORGANISATION: _contact_organisation,
    CatalogueAction.READ_FORWARDED_CONTACT: _read_forwarded_contact,
    CatalogueAction.RECORD_DEAL: _record_deal,
    CatalogueAction.CONFIRM_DEAL: _confirm_deal,
    CatalogueAction.WITHDRAW_DEAL: _withdraw_deal,
    CatalogueAction.SAVE_SEARCH: _save_search,
    CatalogueAction.REPORT_NEED: _report_need,
    CatalogueAction.QUALIFY_REPORT: _qualify_report,
}
CELLS = read_matrix("Catalogue matrix")


def test_the_catalogue_matrix_covers_every_action_and_every_role():
    assert {action for action, _role, _allowed in CELLS} == {str(a) for a in CatalogueAction}
    assert len(CELLS) == len(CatalogueAction) * len(ROLE_FIXTURES)


@pytest.mark.parametrize(
    ("action", "role", "allowed"),
    CELLS,
    ids=[f"{action}-{role.replace(' ', '_')}" for action, role, _allowed in CELLS],
)
def test_permission(action, role, allowed, request, client, organisation):
    fixture = ROLE_FIXTURES[role]
    actor = request.getfixturevalue(fixture) if fixture else None
    if actor is not None:
        client.force_login(actor)

    happened = ATTEMPTS[action](Stage(client=client, organisation=organisation, actor=actor))

    assert happened is allowed


def test_a_listing_of_another_side_is_not_published_by_an_unknown_side(
    client, member, organisation
):
    client.force_login(member)
    client.post(
        reverse("catalogue:listing_create", args=[organisation.slug]) + "?type=nonsense",
        {"side": "nonsense", "title": "X"},
    )
    assert not Listing.objects.exclude(side__in=Side.values).exists()


def test_outsiders_do_not_read_a_contact(client, organisation):
    sender = UserFactory()
    contact = ContactMessage.objects.create(
        sender=sender, recipient=organisation, message="Bonjour, un devis svp ?"
    )
    client.force_login(UserFactory())
    assert client.get(reverse("catalogue:contact", args=[contact.pk])).status_code == 403
