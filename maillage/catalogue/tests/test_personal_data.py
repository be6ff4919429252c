"""The catalogue's part of an account deletion: what the person wrote to others is erased, the
facts between organisations stay (rules on /donnees-personnelles/)."""

import pytest

from maillage.catalogue.models import ContactMessage, Deal, Listing, Status
from maillage.catalogue.services import contacts
from maillage.catalogue.tests.factories import CHATELLERAULT, POITIERS, offer, organisation_in
from maillage.membership.models import Membership
from maillage.membership.services.personal_data import ERASED, delete_account
from maillage.membership.tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAL = "Bonjour, rappelez-moi au 06 12 34 56 78, c'est Léa."


def test_a_message_sent_personally_is_deleted_with_its_author():
    author = UserFactory()
    contacts.send_contact(
        sender=author,
        recipient=organisation_in(POITIERS, email="contact@clain.test"),
        message=PERSONAL,
    )

    delete_account(user=author, password=PASSWORD)

    assert not ContactMessage.objects.exists()


def test_a_message_sent_for_an_organisation_keeps_its_envelope_but_not_its_text():
    buyer = organisation_in(POITIERS)
    author = MembershipFactory(organisation=buyer).user
    MembershipFactory(organisation=buyer, role=Membership.Role.ADMIN)
    recipient = organisation_in(CHATELLERAULT, email="contact@clain.test")
    contact = contacts.send_contact(
        sender=author, recipient=recipient, sender_organisation=buyer, message=PERSONAL
    )

    delete_account(user=author, password=PASSWORD)

    contact.refresh_from_db()
    assert (contact.sender, contact.sender_organisation, contact.recipient) == (
        None,
        buyer,
        recipient,
    )
    assert contact.message == ERASED


def test_a_deal_stays_without_the_note_of_the_person_who_recorded_it():
    buyer = organisation_in(POITIERS)
    author = MembershipFactory(organisation=buyer).user
    MembershipFactory(organisation=buyer, role=Membership.Role.ADMIN)
    contact = contacts.send_contact(
        sender=author,
        recipient=organisation_in(CHATELLERAULT, email="contact@clain.test"),
        sender_organisation=buyer,
        message="Bonjour, un devis svp ?",
    )
    deal = contacts.record_deal(contact=contact, user=author, note="Merci Léa, 06 12 34 56 78")

    delete_account(user=author, password=PASSWORD)

    deal = Deal.objects.get(pk=deal.pk)
    assert (deal.recorded_by, deal.note, deal.proposed_by) == (None, "", buyer)


def test_open_listings_of_an_organisation_left_without_members_are_withdrawn():
    listing = offer(commune=POITIERS)
    admin = MembershipFactory(organisation=listing.organisation, role=Membership.Role.ADMIN).user

    delete_account(user=admin, password=PASSWORD)

    assert Listing.objects.get(pk=listing.pk).status == Status.WITHDRAWN


def test_open_listings_stay_when_another_member_remains():
    listing = offer(commune=POITIERS)
    admin = MembershipFactory(organisation=listing.organisation, role=Membership.Role.ADMIN).user
    MembershipFactory(organisation=listing.organisation)

    delete_account(user=admin, password=PASSWORD)

    assert Listing.objects.get(pk=listing.pk).status == Status.OPEN
