"""Personal data: a person downloads all about them and deletes their account; contributions stay."""

import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from maillage.directory.models import Organisation
from maillage.directory.tests.factories import located_organisation
from maillage.membership.models import ChangeRecord, Membership, Suggestion
from maillage.membership.services.claims import claim_organisation
from maillage.membership.services.organisations import CREATED_HERE, update_organisation
from maillage.membership.services.personal_data import ERASED, delete_account
from maillage.membership.services.validation import cast_vote
from maillage.membership.tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CollegeFactory,
    MembershipFactory,
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
    assert records.count() == 3  # the claim, the edit, nobody left to keep the profile
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


def _admin_of(organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user


def test_the_longest_standing_member_administers_a_profile_its_last_admin_left(organisation):
    admin = _admin_of(organisation)
    first, _second = (MembershipFactory(organisation=organisation) for _ in range(2))

    delete_account(user=admin, password=PASSWORD)

    first.refresh_from_db()
    assert first.role == Membership.Role.ADMIN
    assert Membership.objects.filter(role=Membership.Role.ADMIN).count() == 1
    assert Organisation.objects.get(pk=organisation.pk).is_published


def test_a_profile_created_here_and_kept_alone_is_unpublished_without_its_contact():
    organisation = located_organisation(
        source=CREATED_HERE, email="lea.perso@example.org", phone="06 12 34 56 78"
    )
    admin = _admin_of(organisation)

    delete_account(user=admin, password=PASSWORD)

    organisation.refresh_from_db()
    assert (organisation.is_published, organisation.email, organisation.phone) == (False, "", "")
    record = ChangeRecord.objects.filter(organisation=organisation).latest("pk")
    assert record.user is None and "dépubliée" in record.summary


def test_a_profile_from_open_data_kept_alone_stays_published_and_claimable(organisation):
    admin = _admin_of(organisation)

    delete_account(user=admin, password=PASSWORD)

    organisation.refresh_from_db()
    assert organisation.is_published and not organisation.memberships.exists()
    assert (
        "revendiquée" in ChangeRecord.objects.filter(organisation=organisation).latest("pk").summary
    )


def test_a_profile_that_keeps_another_admin_is_left_as_it_is(organisation, org_admin):
    member = MembershipFactory(organisation=organisation).user

    delete_account(user=member, password=PASSWORD)

    assert not ChangeRecord.objects.filter(organisation=organisation).exists()


def test_the_explanation_of_a_suggestion_is_erased_with_its_author(organisation):
    author = UserFactory()
    suggestion = SuggestionFactory(
        organisation=organisation, author=author, message="Appelez-moi au 06 12 34 56 78."
    )

    delete_account(user=author, password=PASSWORD)

    suggestion.refresh_from_db()
    assert (suggestion.author, suggestion.message) == (None, ERASED)


def test_the_privacy_page_says_what_a_deletion_erases_keeps_and_hands_over(client):
    content = client.get(reverse("membership:privacy")).content.decode()

    for heading in ("Effacé", "Gardé sans votre nom", "Les organisations que vous administriez"):
        assert heading in content
