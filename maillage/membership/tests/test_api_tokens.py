"""Personal API tokens: hashed, one organisation, revocable, shown once; the PATCH they open."""

import json

import pytest
from django.urls import reverse

from maillage.directory.models import Organisation
from maillage.directory.tests.factories import located_organisation
from maillage.membership.models import ApiToken, ChangeRecord, Membership
from maillage.membership.services.api_tokens import (
    ApiTokenError,
    authenticate_api_token,
    create_api_token,
    revoke_api_token,
)
from maillage.membership.tests.factories import MembershipFactory


def _patch(client, organisation, data, token="", **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.patch(
        f"/api/v1/organisations/{organisation.pk}",
        data=json.dumps(data),
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def token(member, organisation):
    return create_api_token(user=member, organisation=organisation, name="Script du site")[1]


def test_it_stores_only_the_digest_of_a_token(member, organisation):
    api_token, raw = create_api_token(user=member, organisation=organisation, name="Export")
    stored = ApiToken.objects.get(pk=api_token.pk)
    assert raw.startswith("mlg_") and len(raw) > 40
    assert raw not in (stored.digest, stored.prefix, stored.name)
    assert stored.prefix == raw[:12]
    assert authenticate_api_token(raw) == stored


def test_only_members_create_a_token_for_an_organisation(signed_in, organisation):
    with pytest.raises(ApiTokenError, match="membres"):
        create_api_token(user=signed_in, organisation=organisation, name="Intrus")


def test_a_revoked_token_no_longer_authenticates(member, organisation, token):
    api_token = ApiToken.objects.get(user=member)
    revoke_api_token(user=member, token_id=api_token.pk)
    assert authenticate_api_token(token) is None


def test_nobody_revokes_someone_elses_token(signed_in, member, token):
    api_token = ApiToken.objects.get(user=member)
    with pytest.raises(ApiTokenError):
        revoke_api_token(user=signed_in, token_id=api_token.pk)
    assert ApiToken.objects.get(pk=api_token.pk).is_active


@pytest.mark.parametrize("raw", ["", "mlg_", "mlg_inconnu", "x" * 5000, "mlg_\udcff", "Bearer"])
def test_unknown_or_malformed_tokens_authenticate_nobody(db, raw):
    assert authenticate_api_token(raw) is None


def test_the_token_page_shows_a_new_token_once(client, member, organisation):
    client.force_login(member)
    response = client.post(
        reverse("membership:api_tokens"), {"organisation": organisation.pk, "name": "Mon script"}
    )
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    again = client.get(reverse("membership:api_tokens"))
    assert raw.encode() not in again.content
    assert b"Mon script" in again.content


def test_the_token_page_refuses_an_organisation_the_person_does_not_keep(client, member):
    other = located_organisation(name="Autre structure")
    client.force_login(member)
    response = client.post(
        reverse("membership:api_tokens"), {"organisation": other.pk, "name": "x"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page(client, member, token):
    api_token = ApiToken.objects.get(user=member)
    client.force_login(member)
    response = client.post(reverse("membership:api_token_revoke", args=[api_token.pk]))
    assert response.status_code == 302
    assert not ApiToken.objects.get(pk=api_token.pk).is_active


def test_tokens_are_in_the_personal_data_export(client, member, token):
    client.force_login(member)
    data = client.get(reverse("membership:personal_data_export")).json()
    assert data["jetons_api"][0]["nom"] == "Script du site"
    assert token not in json.dumps(data)


def test_a_member_updates_the_profile_with_a_token(client, organisation, token, member):
    response = _patch(client, organisation, {"brand": "Le Clain recycle"}, token)
    assert response.status_code == 200, response.content
    assert response.json()["brand"] == "Le Clain recycle"
    assert Organisation.objects.get(pk=organisation.pk).brand == "Le Clain recycle"
    record = ChangeRecord.objects.get(organisation=organisation)
    assert record.user == member


def test_writing_without_credentials_is_401(client, organisation):
    response = _patch(client, organisation, {"brand": "Pirate"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"].startswith("Authentification requise")
    assert Organisation.objects.get(pk=organisation.pk).brand == ""


def test_a_token_works_only_for_its_own_organisation(client, member, token):
    other = located_organisation(name="Autre structure")
    Membership.objects.create(user=member, organisation=other)
    response = _patch(client, other, {"brand": "Pirate"}, token)
    assert response.status_code == 403
    assert "Recyclerie du Clain" in response.json()["detail"]
    assert Organisation.objects.get(pk=other.pk).brand == ""


def test_a_token_stops_working_when_its_person_leaves_the_organisation(
    client, organisation, member, token
):
    Membership.objects.filter(user=member).delete()
    response = _patch(client, organisation, {"brand": "Ancien membre"}, token)
    assert response.status_code == 401  # the token no longer authenticates at all


def test_a_session_write_needs_the_csrf_token(organisation, member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    refused = _patch(client, organisation, {"brand": "Sans CSRF"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get(reverse("membership:account"))
    csrf = client.cookies["csrftoken"].value
    accepted = _patch(client, organisation, {"brand": "Avec CSRF"}, **{"X-CSRFToken": csrf})
    assert accepted.status_code == 200


def test_a_signed_in_stranger_cannot_write(client, signed_in, organisation):
    client.force_login(signed_in)
    response = _patch(client, organisation, {"brand": "Pirate"})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=organisation.pk).brand == ""


def test_invalid_values_are_400_with_the_field_and_nothing_changes(client, organisation, token):
    response = _patch(client, organisation, {"siren": "123456789", "brand": "Nouveau"}, token)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "siren"
    assert Organisation.objects.get(pk=organisation.pk).brand == ""


def test_unknown_organisation_is_404(client, token):
    response = client.patch(
        "/api/v1/organisations/999999",
        data="{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 404


def test_writes_are_rate_limited_per_person(client, organisation, token, settings):
    settings.API_WRITE_RATE = "2/m"
    assert _patch(client, organisation, {"brand": "Un"}, token).status_code == 200
    assert _patch(client, organisation, {"brand": "Deux"}, token).status_code == 200
    refused = _patch(client, organisation, {"brand": "Trois"}, token)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert Organisation.objects.get(pk=organisation.pk).brand == "Deux"


def test_an_animator_of_the_territory_writes_with_a_session(client, animator, organisation):
    client.force_login(animator)
    response = _patch(client, organisation, {"description": "Mise à jour par l'animation"})
    assert response.status_code == 200


def test_an_inactive_persons_token_is_refused(client, organisation, member, token):
    member.is_active = False
    member.save()
    assert _patch(client, organisation, {"brand": "x"}, token).status_code == 401


def test_a_member_without_admin_role_may_write(client, organisation):
    user = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    raw = create_api_token(user=user, organisation=organisation, name="x")[1]
    assert _patch(client, organisation, {"phone": "05 49 00 00 00"}, raw).status_code == 200


def test_deleting_the_account_deletes_its_tokens(member, token):
    from maillage.membership.services.personal_data import delete_account

    member.set_password("mot-de-passe-solide")
    member.save()
    delete_account(user=member, password="mot-de-passe-solide")
    assert not ApiToken.objects.exists()
    assert authenticate_api_token(token) is None


def _remove(member, organisation, by):
    from maillage.membership.services.members import remove_member

    remove_member(membership=Membership.objects.get(user=member, organisation=organisation), by=by)


def test_removing_a_member_revokes_their_tokens_for_the_organisation(
    member, org_admin, organisation, token
):
    _remove(member, organisation, by=org_admin)

    assert ApiToken.objects.get(user=member).revoked_at is not None
    assert authenticate_api_token(token) is None


def test_a_removed_members_old_token_stays_dead_when_they_rejoin(
    client, member, org_admin, organisation, token
):
    _remove(member, organisation, by=org_admin)
    MembershipFactory(user=member, organisation=organisation)

    response = _patch(client, organisation, {"phone": "05 49 00 00 00"}, token=token)

    assert response.status_code == 401
    assert authenticate_api_token(token) is None


def test_a_token_older_than_its_persons_membership_is_refused_and_revoked(
    member, organisation, token
):
    """A membership deleted elsewhere (the admin) and created again: checked at each use."""
    Membership.objects.filter(user=member, organisation=organisation).delete()
    MembershipFactory(user=member, organisation=organisation)

    assert authenticate_api_token(token) is None
    assert ApiToken.objects.get(user=member).revoked_at is not None


def test_a_token_without_membership_or_right_to_edit_is_refused(member, organisation, token):
    Membership.objects.filter(user=member, organisation=organisation).delete()

    assert authenticate_api_token(token) is None


def test_an_animators_token_keeps_working_without_membership(animator, organisation):
    _token, raw = create_api_token(user=animator, organisation=organisation, name="Import")

    assert authenticate_api_token(raw).user == animator
