"""A message always reaches someone: the organisation, else its territory's animation, else the
platform's administrators; else the sender is told before writing. The organisation reads it later."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.catalogue.models import ContactMessage, Deal
from maillage.catalogue.selectors import contact_route
from maillage.catalogue.services import contacts
from maillage.catalogue.tests.factories import BORDEAUX, need, offer, organisation_in
from maillage.membership.services import claims
from maillage.membership.services.demo import DEMO_ANIMATION_EMAIL, load_demo_animation
from maillage.membership.tests.factories import (
    MembershipFactory,
    PlatformRoleFactory,
    UserFactory,
)
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db

MESSAGE = "Bonjour, pourriez-vous nous faire un devis pour l'entretien de nos espaces verts ?"


def _send(recipient, sender=None, **kwargs) -> ContactMessage:
    return contacts.send_contact(
        sender=sender or UserFactory(), recipient=recipient, message=MESSAGE, **kwargs
    )


def test_a_message_to_an_organisation_without_member_nor_email_reaches_its_animator(
    organisation, animator, other_animator, django_capture_on_commit_callbacks
):
    sender = UserFactory(email="acheteuse@exemple.test")
    with django_capture_on_commit_callbacks(execute=True):
        contact = _send(organisation, sender=sender)

    assert contact.delivery == ContactMessage.Delivery.ANIMATION
    assert mail.outbox[-1].to == [animator.email]
    assert mail.outbox[-1].reply_to == ["acheteuse@exemple.test"]
    assert MESSAGE in mail.outbox[-1].body
    assert "transmettez-le" in mail.outbox[-1].body


@pytest.mark.parametrize("territory", ["region", "departement", "epci"])
def test_animators_of_the_region_the_departement_or_the_epci_receive_it(
    organisation, territory, django_capture_on_commit_callbacks
):
    poitiers = Commune.objects.select_related("departement").get(pk="86194")
    value = {
        "region": {"region_id": poitiers.departement.region_id, "departement_id": None},
        "departement": {"departement_id": "86"},
        "epci": {"epci_id": poitiers.epci_id, "departement_id": None},
    }[territory]
    role = PlatformRoleFactory(**value)
    with django_capture_on_commit_callbacks(execute=True):
        _send(organisation)
    assert mail.outbox[-1].to == [role.user.email]


def test_an_organisation_with_a_member_gets_its_messages_itself(
    organisation, member, animator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = _send(organisation)
    assert contact.delivery == ContactMessage.Delivery.ORGANISATION
    assert mail.outbox[-1].to == [member.email]


def test_platform_admins_receive_a_message_no_animator_covers(
    organisation, django_capture_on_commit_callbacks
):
    get_user_model().objects.create_superuser("admin", "admin@maillage.test", "x")
    with django_capture_on_commit_callbacks(execute=True):
        contact = _send(organisation)
    assert contact.delivery == ContactMessage.Delivery.ANIMATION
    assert mail.outbox[-1].to == ["admin@maillage.test"]


def test_a_message_nobody_can_receive_is_refused(organisation):
    with pytest.raises(ValidationError, match="ne peut pas encore être contactée"):
        _send(organisation)
    assert not ContactMessage.objects.exists()


def test_the_contact_page_says_before_writing_that_nobody_can_receive_it(client, organisation):
    client.force_login(UserFactory())
    url = reverse("catalogue:organisation_contact", args=[organisation.slug])
    page = client.get(url).content.decode()
    assert "ne peut pas encore être contactée" in page and "<textarea" not in page
    client.post(url, {"message": MESSAGE})
    assert not ContactMessage.objects.exists()


def test_the_contact_page_says_before_writing_that_the_animation_will_forward_it(
    client, organisation, animator
):
    client.force_login(UserFactory())
    page = client.get(reverse("catalogue:organisation_contact", args=[organisation.slug]))
    text = page.content.decode()
    assert (
        "confié à l'équipe d'animation de son territoire, Vienne (86)," in text
        and "<textarea" in text
    )


def test_the_organisation_claimed_later_reads_the_message_it_was_sent(
    client, organisation, animator
):
    contact = _send(organisation)
    person = UserFactory()
    claim = claims.claim_organisation(user=person, organisation=organisation)
    claims.decide_claim(claim=claim, decided_by=animator, accept=True)

    client.force_login(person)
    assert (
        MESSAGE[:40] in client.get(reverse("catalogue:contact", args=[contact.pk])).content.decode()
    )
    assert organisation.display_name in client.get(reverse("catalogue:contacts")).content.decode()


def test_the_animator_finds_the_forwarded_message_among_their_contacts(
    client, organisation, animator, other_animator
):
    _send(organisation)
    client.force_login(animator)
    assert "via l'animation" in client.get(reverse("catalogue:contacts")).content.decode()
    client.force_login(other_animator)
    assert "via l'animation" not in client.get(reverse("catalogue:contacts")).content.decode()


def test_a_refused_contact_does_not_count_against_the_senders_limit(organisation, animator):
    sender = UserFactory()
    for _ in range(12):  # more than CONTACT_RATE (10 an hour)
        with pytest.raises(ValidationError):
            contacts.send_contact(sender=sender, recipient=organisation, message="?")
    assert _send(organisation, sender=sender).pk


def test_the_profile_offers_contacter_and_anonymous_visitors_sign_in_first(client, organisation):
    contact_url = reverse("catalogue:organisation_contact", args=[organisation.slug])
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert f"{reverse('account_login')}?next={contact_url}" in page
    client.force_login(UserFactory())
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert f'href="{contact_url}">Contacter</a>' in page


def test_the_profile_shows_its_members_the_messages_it_received_instead_of_contacter(
    client, organisation, member
):
    _send(organisation)
    client.force_login(member)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert reverse("catalogue:organisation_contact", args=[organisation.slug]) not in page
    assert f'href="{reverse("catalogue:contacts")}">1 message reçu</a>' in page


def test_contacting_about_ones_own_need_says_so(client):
    buyer = organisation_in(BORDEAUX)
    person = MembershipFactory(organisation=buyer).user
    own_need = need(organisation=buyer, title="Tonte des pelouses du foyer")
    supplier_offer = offer(organisation=organisation_in(BORDEAUX, email="devis@test.fr"))
    client.force_login(person)
    url = reverse("catalogue:listing_contact", args=[supplier_offer.pk])
    page = client.get(f"{url}?depuis={own_need.pk}").content.decode()
    assert "Au sujet de votre besoin « Tonte des pelouses du foyer »" in page
    assert "Pour répondre à" not in page


def test_the_animator_who_forwards_a_message_does_not_record_a_deal_for_it(
    client, organisation, animator
):
    buyer = organisation_in(BORDEAUX)
    sender = MembershipFactory(organisation=buyer).user
    contact = _send(organisation, sender=sender, sender_organisation=buyer)
    client.force_login(animator)

    response = client.post(reverse("catalogue:deal_record", args=[contact.pk]), {"amount": "10"})

    assert response.status_code == 403
    assert not Deal.objects.exists()


def test_a_demo_organisation_without_member_or_email_reaches_the_demo_animation():
    organisation = organisation_in("69123")
    load_demo_animation()

    route = contact_route(organisation)

    assert route.recipients == [DEMO_ANIMATION_EMAIL]
