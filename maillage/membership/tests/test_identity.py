"""A SIREN another profile holds is not taken over by a form or the API (docs/security.md)."""

import json

import pytest
from django.urls import reverse

from maillage.directory.models import Organisation
from maillage.directory.tests.factories import located_organisation, make_siren, make_siret
from maillage.membership.models import Membership
from maillage.membership.services.api_tokens import create_api_token
from maillage.membership.tests.factories import MembershipFactory, PlatformRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official():
    """The real company, already in the directory."""
    return located_organisation(name="ENTREPRISE OFFICIELLE", siren=make_siren(9001))


@pytest.fixture
def squatter():
    """A member-created profile without SIREN, kept by its administrator."""
    organisation = located_organisation(name="Intrus", siren="")
    organisation.establishments.update(siret=None)
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    return organisation, admin


def test_the_establishment_form_refuses_a_siret_of_another_organisation(client, official, squatter):
    organisation, admin = squatter
    client.force_login(admin)
    response = client.post(
        reverse("membership:establishment_add", args=[organisation.slug]),
        {"siret": make_siret(official.siren, 42), "postal_code": "86000"},
    )
    assert response.status_code == 200
    assert "Revendiquer" in response.content.decode()
    assert organisation.establishments.count() == 1


def test_the_profile_form_refuses_the_siren_of_another_organisation(client, official, squatter):
    organisation, admin = squatter
    client.force_login(admin)
    client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        {"name": organisation.name, "siren": official.siren},
    )
    organisation.refresh_from_db()
    assert organisation.siren == ""


def test_the_api_refuses_the_siren_of_another_organisation(client, official, squatter):
    organisation, admin = squatter
    raw = create_api_token(user=admin, organisation=organisation, name="Script")[1]
    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}",
        data=json.dumps({"siren": official.siren}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "siren"
    assert Organisation.objects.get(pk=organisation.pk).siren == ""


def test_the_creation_form_refuses_the_siren_of_another_organisation(client, official):
    client.force_login(MembershipFactory().user)
    client.post(
        reverse("membership:organisation_create"),
        {"name": "Copie", "siren": official.siren, "postal_code": "86000"},
    )
    assert not Organisation.objects.filter(name="Copie").exists()


def test_an_animator_of_the_profile_may_set_a_siren_another_profile_holds(
    client, official, squatter
):
    organisation, _admin = squatter
    client.force_login(PlatformRoleFactory(departement_id="86").user)
    client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        {"name": organisation.name, "siren": official.siren},
    )
    organisation.refresh_from_db()
    assert organisation.siren == official.siren


def test_a_siret_of_the_profiles_own_siren_is_accepted(client, official):
    admin = MembershipFactory(organisation=official, role=Membership.Role.ADMIN).user
    client.force_login(admin)
    client.post(
        reverse("membership:establishment_add", args=[official.slug]),
        {"siret": make_siret(official.siren, 42), "postal_code": "86000"},
    )
    assert official.establishments.count() == 2
