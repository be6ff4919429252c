"""Creations per account are limited (organisations, listings, suggestions, contact messages):
one account cannot flood the directory or the catalogue. Refused attempts do not count."""

import pytest
from django.core.exceptions import ValidationError

from maillage.catalogue.models import Listing, Side
from maillage.catalogue.services import contacts
from maillage.catalogue.services.listings import publish_listing
from maillage.catalogue.tests.factories import organisation_in, sector
from maillage.core.ratelimit import RateLimited
from maillage.directory.models import Organisation
from maillage.membership.services.organisations import create_organisation
from maillage.membership.services.suggestions import suggest_correction
from maillage.membership.tests.factories import UserFactory
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db

POITIERS = "86194"


def _create_organisation(user, name: str) -> Organisation:
    return create_organisation(
        user=user,
        data={"name": name, "ess_family": "association"},
        head_office={
            "address": "3 rue Carnot",
            "postal_code": "86000",
            "commune": Commune.objects.get(insee_code=POITIERS),
        },
    )


def _publish(user, organisation, title: str = "Entretien des espaces verts") -> Listing:
    return publish_listing(
        organisation=organisation,
        user=user,
        side=Side.OFFER,
        data={
            "title": title,
            "description": "Tonte et taille des haies.",
            "kind": "service",
            "exchange_mode": "priced",
            "price_on_quote": True,
            "radius_km": 30,
            "sectors": [sector()],
        },
    )


def test_an_account_cannot_create_more_organisations_than_its_rate(settings):
    settings.ORGANISATION_CREATION_RATE = "2/d"
    user = UserFactory()
    _create_organisation(user, "Épicerie solidaire un")
    _create_organisation(user, "Épicerie solidaire deux")

    with pytest.raises(RateLimited):
        _create_organisation(user, "Épicerie solidaire trois")
    assert not Organisation.objects.filter(name="Épicerie solidaire trois").exists()
    _create_organisation(UserFactory(), "Épicerie solidaire trois")  # another account may


def test_a_refused_organisation_does_not_count_against_the_rate(settings):
    settings.ORGANISATION_CREATION_RATE = "1/d"
    user = UserFactory()
    with pytest.raises(ValidationError):
        _create_organisation(user, "")

    _create_organisation(user, "Épicerie solidaire")


def test_an_account_cannot_publish_more_listings_than_its_rate(settings):
    settings.LISTING_CREATION_RATE = "2/d"
    user, organisation = UserFactory(), organisation_in(POITIERS)
    _publish(user, organisation, "Une")
    _publish(user, organisation, "Deux")

    with pytest.raises(RateLimited):
        _publish(user, organisation, "Trois")
    assert not Listing.objects.filter(title="Trois").exists()


def test_an_account_cannot_send_more_suggestions_than_its_rate(settings):
    settings.SUGGESTION_CREATION_RATE = "1/d"
    author, organisation = UserFactory(), organisation_in(POITIERS)
    suggest_correction(
        organisation=organisation, author=author, proposed={"phone": "05 49 00 11 22"}
    )

    with pytest.raises(RateLimited):
        suggest_correction(
            organisation=organisation, author=author, proposed={"phone": "05 49 00 11 33"}
        )


def test_an_account_cannot_send_more_contact_messages_than_its_rate(settings):
    settings.CONTACT_RATE = "1/h"
    sender, recipient = UserFactory(), organisation_in(POITIERS, email="contact@clain.test")
    contacts.send_contact(sender=sender, recipient=recipient, message="Bonjour, un devis svp ?")

    with pytest.raises(RateLimited):
        contacts.send_contact(sender=sender, recipient=recipient, message="Bonjour, un devis svp ?")
