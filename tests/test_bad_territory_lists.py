"""Hostile lists of territories (tests/data/bad/territory_lists.txt) in member forms and the API."""

import pytest
from django import forms
from django.urls import reverse

from maillage.catalogue.models import Listing
from maillage.directory.tests.factories import located_organisation
from maillage.membership.models import Membership
from maillage.membership.tests.factories import MembershipFactory
from maillage.territory.forms import CommuneListField, EPCIListField
from tests.conftest import corpus

LISTS = [*corpus("territory_lists.txt"), "Lyon\x00", "Poitiers, " * 500, "x" * 20_000]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", LISTS)
@pytest.mark.parametrize("field", [CommuneListField, EPCIListField])
def test_a_hostile_list_cleans_to_known_codes_or_a_french_error(field, text):
    try:
        codes = field().clean(text)
    except forms.ValidationError as error:
        assert all(message.strip() for message in error.messages)
    else:
        assert field.model.objects.filter(pk__in=codes).count() == len(codes)


@pytest.mark.parametrize("text", LISTS)
def test_the_epci_autocomplete_answers_hostile_queries_with_200_or_400(client, text):
    response = client.get("/api/v1/territory/epcis", {"q": text})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("text", LISTS[:6])
def test_a_hostile_list_in_the_listing_form_is_refused_and_writes_nothing(client, text):
    organisation = located_organisation(name="Recyclerie du Clain")
    member = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    client.force_login(member)
    response = client.post(
        reverse("catalogue:listing_create", args=[organisation.slug]) + "?type=need",
        {"side": "need", "title": "Essai", "area_communes": text, "area_epcis": text},
    )
    assert response.status_code == 200
    assert not Listing.objects.exists()
