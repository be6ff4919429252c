"""Pages of the member space: forms keep what was typed, errors are French and per field."""

import pytest
from django.test import Client
from django.urls import reverse

from maillage.directory.models import Organisation
from maillage.directory.tests.factories import located_organisation, make_siret
from maillage.membership.models import ChangeRecord, Membership
from maillage.membership.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _profile_data(organisation, **changes) -> dict:
    data = {
        "name": organisation.name,
        "brand": organisation.brand,
        "description": organisation.description,
        "siren": organisation.siren,
        "rna": organisation.rna,
        "ess_family": organisation.ess_family,
        "size_band": organisation.size_band,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
    }
    data.update(changes)
    return data


def test_a_member_edits_the_profile_and_sees_it_published(client, organisation, member):
    client.force_login(member)
    url = reverse("membership:organisation_edit", args=[organisation.slug])

    response = client.post(url, _profile_data(organisation, description="Réemploi et ateliers."))

    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Réemploi et ateliers." in page
    assert "La fiche est enregistrée." in page


def test_an_invalid_edit_keeps_what_was_typed_and_explains_each_field(client, organisation, member):
    client.force_login(member)
    url = reverse("membership:organisation_edit", args=[organisation.slug])

    response = client.post(
        url,
        _profile_data(
            organisation, siren="123456789", description="Texte tapé à garder", email="pas-un-email"
        ),
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Texte tapé à garder" in content
    assert 'value="123456789"' in content
    assert "clé de contrôle (Luhn)" in content
    assert "Saisissez une adresse de courriel valide." in content
    assert 'id="id_siren_error"' in content
    assert not ChangeRecord.objects.exists()


def test_a_website_typed_without_scheme_is_taken_as_https(client, organisation, member):
    client.force_login(member)
    client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        _profile_data(organisation, website="recyclerie.example.org"),
    )

    organisation.refresh_from_db()
    assert organisation.website == "https://recyclerie.example.org"


def test_editing_another_organisation_is_refused(client, organisation, member):
    other = located_organisation(name="Autre structure")
    client.force_login(member)

    response = client.post(
        reverse("membership:organisation_edit", args=[other.slug]),
        _profile_data(other, name="Piratée"),
    )

    assert response.status_code == 403
    assert "Seuls les membres" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "Autre structure"


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation):
    response = client.get(reverse("membership:organisation_edit", args=[organisation.slug]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_establishment_form_finds_the_commune_by_postal_code_and_name_without_accents(
    client, organisation, member
):
    client.force_login(member)

    response = client.post(
        reverse("membership:establishment_add", args=[organisation.slug]),
        {
            "siret": make_siret(organisation.siren, 3),
            "postal_code": "86100",
            "commune_name": "chatellerault",
            "address": "2 rue",
        },
    )

    assert response.status_code == 302
    assert organisation.establishments.filter(commune__name="Châtellerault").exists()


def test_an_ambiguous_postal_code_asks_which_commune(client, organisation, member):
    client.force_login(member)

    response = client.post(
        reverse("membership:establishment_add", args=[organisation.slug]),
        {"postal_code": "86190", "address": "Le bourg", "name": "Antenne"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "plusieurs communes" in content
    assert 'value="Antenne"' in content


def test_a_misplaced_point_is_explained_on_the_form(client, organisation, member):
    client.force_login(member)

    response = client.post(
        reverse("membership:establishment_add", args=[organisation.slug]),
        {"postal_code": "86000", "latitude": "0.34", "longitude": "46.58"},
    )

    assert "hors de France" in response.content.decode()


def test_the_history_is_shown_to_members_with_old_and_new_values(client, organisation, member):
    client.force_login(member)
    client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        _profile_data(organisation, phone="05 49 11 22 33"),
    )

    content = client.get(
        reverse("membership:organisation_history", args=[organisation.slug])
    ).content.decode()

    assert "05 49 11 22 33" in content
    assert "Téléphone public" in content
    assert member.get_full_name() in content


def test_the_history_is_hidden_from_other_signed_in_people(client, organisation, signed_in):
    client.force_login(signed_in)

    response = client.get(reverse("membership:organisation_history", args=[organisation.slug]))

    assert response.status_code == 403


def test_an_admin_makes_a_member_administrator(client, organisation, org_admin, member):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=member)

    client.post(
        reverse("membership:member_update", args=[organisation.slug, membership.pk]),
        {"role": "admin"},
    )

    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN


def test_the_last_administrator_cannot_step_down(client, organisation, org_admin):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_admin)

    response = client.post(
        reverse("membership:member_update", args=[organisation.slug, membership.pk]),
        {"role": "member"},
        follow=True,
    )

    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN
    assert "au moins un administrateur" in response.content.decode()


def test_a_membership_of_another_organisation_cannot_be_changed(client, organisation, org_admin):
    stranger = MembershipFactory(organisation=located_organisation(name="Ailleurs"))
    client.force_login(org_admin)

    response = client.post(
        reverse("membership:member_update", args=[organisation.slug, stranger.pk]),
        {"role": "admin"},
    )

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == Membership.Role.MEMBER


def test_creating_an_organisation_from_the_form(client):
    client.force_login(UserFactory())

    response = client.post(
        reverse("membership:organisation_create"),
        {"name": "Garage solidaire du Clain", "ess_family": "association", "postal_code": "86000"},
    )

    assert response.status_code == 302
    assert response.url == "/organisations/garage-solidaire-du-clain/"
    page = client.get(response.url).content.decode()
    assert "Modifier la fiche" in page


def test_a_write_without_the_csrf_token_is_refused(organisation, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        _profile_data(organisation, description="Sans jeton"),
    )

    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.description != "Sans jeton"


@pytest.mark.parametrize(
    "url_name", ["membership:organisation_create", "membership:organisation_suggest"]
)
def test_forms_show_only_the_fields_they_save(client, organisation, signed_in, url_name):
    client.force_login(signed_in)
    args = [] if url_name.endswith("create") else [organisation.slug]

    form = client.get(reverse(url_name, args=args)).context["form"]

    assert "sectors" not in form.fields
    assert "daily_needs" not in form.fields


def test_the_history_starts_with_the_import_the_profile_came_from(client, organisation, member):
    Organisation.objects.filter(pk=organisation.pk).update(source="siae", source_id="1234")
    client.force_login(member)

    content = client.get(
        reverse("membership:organisation_history", args=[organisation.slug])
    ).content.decode()

    assert "Fiche importée (source « siae »)" in content
    assert "1234" in content
