"""Personal data: a person downloads all about them and deletes their account; contributions stay."""

import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from maillage.membership.models import ChangeRecord, Membership, Suggestion
from maillage.membership.services.claims import claim_organisation
from maillage.membership.services.organisations import update_organisation
from maillage.membership.services.validation import cast_vote
from maillage.membership.tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CollegeFactory,
    SuggestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_account_memberships_claims_suggestions_and_edits(
    client, organisation, member
):
    update_organisation(organisation=organisation, user=member, data={"phone": "0549112233"})
    SuggestionFactory(organisation=organisation, author=member)
    client.force_login(member)

    response = client.get(reverse("membership:personal_data_export"))

    assert response["Content-Disposition"] == 'attachment; filename="maillage-mes-donnees.json"'
    data = json.loads(response.content)
    assert data["compte"]["email"] == member.email
    assert data["organisations"][0]["organisation"] == "Recyclerie du Clain"
    assert data["suggestions"][0]["explication"] == "Le numéro a changé en septembre."
    assert data["modifications_de_fiches"][0]["champs"][0]["new"] == "0549112233"
    assert data["adresses_email"] == [{"email": member.email, "verifiee": True, "principale": True}]


def test_the_export_holds_nothing_of_other_people(client, organisation, member, org_admin):
    update_organisation(organisation=organisation, user=org_admin, data={"phone": "0549"})
    client.force_login(member)

    data = client.get(reverse("membership:personal_data_export")).json()

    assert data["modifications_de_fiches"] == []
    assert org_admin.email not in json.dumps(data)


def test_deleting_an_account_keeps_its_contributions_anonymised(client, organisation):
    user = UserFactory(email="lea@recyclerie-clain.fr")
    claim_organisation(user=user, organisation=organisation)
    update_organisation(organisation=organisation, user=user, data={"phone": "0549112233"})
    suggestion = SuggestionFactory(organisation=organisation, author=user)
    client.force_login(user)

    response = client.post(reverse("membership:account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Membership.objects.filter(organisation=organisation).exists()
    records = ChangeRecord.objects.filter(organisation=organisation)
    assert records.count() == 2
    assert all(record.user is None for record in records)
    assert not records.filter(summary__contains="lea@recyclerie-clain.fr").exists()
    assert records.filter(summary__contains="compte supprimé").exists()
    assert Suggestion.objects.get(pk=suggestion.pk).author is None
    organisation.refresh_from_db()
    assert organisation.phone == "0549112233"
    assert "_auth_user_id" not in client.session


def test_deleting_an_account_needs_its_password(client, signed_in):
    client.force_login(signed_in)

    response = client.post(reverse("membership:account_delete"), {"password": "faux"})

    assert response.status_code == 400
    assert "Mot de passe incorrect" in response.content.decode()
    assert User.objects.filter(pk=signed_in.pk).exists()


def test_the_privacy_page_is_public_and_names_the_rights(client):
    content = client.get(reverse("membership:privacy")).content.decode()

    assert "Effacement" in content
    assert "JSON" in content


def test_the_export_holds_the_votes_and_deleting_keeps_them_anonymous(client, organisation):
    reviewer = UserFactory()
    college = CollegeFactory(name="Pairs", quorum=3, reviewers=[reviewer])
    application = ApplicationFactory(organisation=organisation)
    cast_vote(
        application=application,
        reviewer=reviewer,
        college=college,
        choice="reject",
        comment="Gouvernance à préciser.",
    )
    client.force_login(reviewer)

    data = client.get(reverse("membership:personal_data_export")).json()
    assert data["votes"][0]["commentaire"] == "Gouvernance à préciser."
    assert data["colleges"] == ["Pairs"]

    client.post(reverse("membership:account_delete"), {"password": PASSWORD})
    vote = application.votes.get()
    assert vote.reviewer is None
    assert vote.comment == "Gouvernance à préciser."
