"""Row-level policy of imports: identity, territory, members' edits, places, wording (docs/opendata.md)."""

import json
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.directory.models import EssFamily, Establishment, Organisation
from maillage.directory.tests.factories import located_organisation, make_siren, make_siret
from maillage.membership.models import ChangeRecord, Membership
from maillage.membership.services.api_tokens import create_api_token
from maillage.membership.services.organisations import save_establishment, update_organisation
from maillage.membership.tests.factories import MembershipFactory, PlatformRoleFactory, UserFactory
from maillage.opendata.models import FieldReview, ImportProblem, ImportRun
from maillage.opendata.services.imports import (
    counts_per_reason,
    import_organisations,
    start_run,
    summary,
)
from maillage.opendata.services.reviews import decide_review

pytestmark = pytest.mark.django_db

HEADER = "Nom,SIRET,Code postal,Ville,Latitude,Longitude,Site web,Téléphone,Type,Présentation\n"


def write(tmp_path: Path, *rows: str, name: str = "rows.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows))
    return path


def run(path: Path, *, user=None, source: str = "reseau") -> ImportRun:
    started = start_run(file_name=path.name, format="csv", source=source, user=user)
    return import_organisations(run=started, path=path)


def row(
    name="Recyclerie du Clain",
    siret="",
    postal_code="86000",
    city="Poitiers",
    point=("46.58", "0.34"),
    website="",
    phone="",
    kind="",
    description="",
) -> str:
    return ",".join([name, siret, postal_code, city, *point, website, phone, kind, description])


@pytest.fixture
def vienne():
    """A profile of Poitiers, known by its SIRET."""
    organisation = located_organisation(name="Recyclerie du Clain", website="https://clain.fr")
    return organisation, organisation.establishments.get().siret


# Identity (docs/security.md, « Usurpation d'identité par SIRET »).


def test_an_import_never_merges_into_a_profile_of_another_siren(tmp_path):
    squatter = located_organisation(name="Intrus", siren="")
    official_siret = make_siret(make_siren(7007), 1)
    squatter.establishments.update(siret=official_siret)
    result = run(write(tmp_path, row(name="ENTREPRISE OFFICIELLE", siret=official_siret)))
    squatter.refresh_from_db()
    assert squatter.name == "Intrus"
    assert squatter.siren == ""
    problem = result.problems.get()
    assert problem.kind == ImportProblem.Kind.IDENTITY
    assert "Intrus" in problem.reason
    assert (result.created_count, result.updated_count, result.rejected_count) == (0, 0, 1)


# Territory (docs/permissions.md, import_organisation).


def test_an_animator_import_does_not_write_a_profile_outside_their_territory(tmp_path, vienne):
    organisation, siret = vienne
    gironde = PlatformRoleFactory(departement_id="33").user
    result = run(write(tmp_path, row(siret=siret, website="https://autre.fr")), user=gironde)
    organisation.refresh_from_db()
    assert organisation.website == "https://clain.fr"
    assert result.problems.get().kind == ImportProblem.Kind.TERRITORY
    assert "Recyclerie du Clain" in result.problems.get().value


def test_an_animator_import_creates_no_profile_outside_their_territory(tmp_path):
    gironde = PlatformRoleFactory(departement_id="33").user
    result = run(write(tmp_path, row(name="Nouvelle de Poitiers")), user=gironde)
    assert not Organisation.objects.filter(name="Nouvelle de Poitiers").exists()
    assert result.problems.get().kind == ImportProblem.Kind.TERRITORY


def test_an_animator_import_writes_the_profiles_of_their_territory(tmp_path, vienne):
    organisation, siret = vienne
    animator = PlatformRoleFactory(departement_id="86").user
    run(write(tmp_path, row(siret=siret, website="https://autre.fr")), user=animator)
    organisation.refresh_from_db()
    assert organisation.website == "https://autre.fr"


def test_a_command_line_import_is_not_restricted(tmp_path, vienne):
    organisation, siret = vienne
    run(write(tmp_path, row(siret=siret, website="https://autre.fr")))
    organisation.refresh_from_db()
    assert organisation.website == "https://autre.fr"


# Members' edits.


@pytest.fixture
def edited(vienne):
    """The profile whose website a member changed after it was loaded."""
    organisation, siret = vienne
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    update_organisation(
        organisation=organisation, user=admin, data={"website": "https://membre.fr"}
    )
    return organisation, siret


def test_a_field_a_member_edited_is_not_overwritten_and_waits_for_review(tmp_path, edited):
    organisation, siret = edited
    result = run(
        write(tmp_path, row(siret=siret, website="https://importe.fr", phone="05 49 00 00 00"))
    )
    organisation.refresh_from_db()
    assert organisation.website == "https://membre.fr"
    assert organisation.phone == "05 49 00 00 00"
    review = FieldReview.objects.get()
    assert (review.field, review.current_value, review.imported_value) == (
        "website",
        "https://membre.fr",
        "https://importe.fr",
    )
    assert result.review_count == 1
    assert result.problems.get().kind == ImportProblem.Kind.REVIEW


def test_taking_the_imported_value_writes_it_in_the_history(tmp_path, edited):
    organisation, siret = edited
    run(write(tmp_path, row(siret=siret, website="https://importe.fr")))
    animator = PlatformRoleFactory(departement_id="86").user
    decide_review(review=FieldReview.objects.get(), user=animator, take=True)
    organisation.refresh_from_db()
    assert organisation.website == "https://importe.fr"
    record = ChangeRecord.objects.filter(source=ChangeRecord.Source.IMPORT).latest("pk")
    assert record.user == animator
    assert "Import n°" in record.summary


def test_keeping_the_members_value_is_not_asked_again_for_the_same_value(tmp_path, edited):
    organisation, siret = edited
    path = write(tmp_path, row(siret=siret, website="https://importe.fr"))
    run(path)
    animator = PlatformRoleFactory(departement_id="86").user
    decide_review(review=FieldReview.objects.get(), user=animator, take=False)
    again = run(path, source="autre")
    organisation.refresh_from_db()
    assert organisation.website == "https://membre.fr"
    assert FieldReview.objects.count() == 1
    assert not again.problems.filter(kind=ImportProblem.Kind.REVIEW).exists()


def test_the_review_page_offers_both_choices_and_applies_one(client, tmp_path, edited):
    organisation, siret = edited
    animator = PlatformRoleFactory(departement_id="86").user
    result = run(write(tmp_path, row(siret=siret, website="https://importe.fr")), user=animator)
    client.force_login(animator)
    url = reverse("opendata:import_reviews", args=[result.pk])
    page = client.get(url).content.decode()
    assert "Garder" in page and "Prendre la valeur importée" in page
    client.post(url, {"review": FieldReview.objects.get().pk, "choice": "take"})
    organisation.refresh_from_db()
    assert organisation.website == "https://importe.fr"


def test_the_history_names_the_run_and_the_person_who_imported(tmp_path, vienne):
    organisation, siret = vienne
    animator = PlatformRoleFactory(departement_id="86").user
    result = run(write(tmp_path, row(siret=siret, website="https://autre.fr")), user=animator)
    record = ChangeRecord.objects.get(
        organisation=organisation, subject=ChangeRecord.Subject.ORGANISATION
    )
    assert record.user == animator
    assert record.summary.startswith(f"Import n° {result.pk} « reseau » (rows.csv)")


def test_the_administrators_get_one_email_per_run(
    tmp_path, vienne, django_capture_on_commit_callbacks
):
    organisation, siret = vienne
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    other = located_organisation(name="Autre structure")
    other_siret = other.establishments.get().siret
    path = write(
        tmp_path,
        row(siret=siret, website="https://autre.fr"),
        row(name="Autre structure", siret=other_siret, website="https://b.fr"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(path)
    sent = [message for message in mail.outbox if admin.email in message.to]
    assert len(sent) == 1
    assert "Recyclerie du Clain" in sent[0].subject
    assert "Site web" in sent[0].body
    assert len(mail.outbox) == 1  # « Autre structure » has no administrator


def test_the_report_page_names_the_profiles_the_run_changed(client, tmp_path, vienne):
    _organisation, siret = vienne
    animator = PlatformRoleFactory(departement_id="86").user
    result = run(write(tmp_path, row(siret=siret, website="https://autre.fr")), user=animator)
    client.force_login(animator)
    page = client.get(reverse("opendata:import_detail", args=[result.pk])).content.decode()
    assert "1 fiche modifiée par cet import" in page
    assert "Recyclerie du Clain</a> : " in page


# Places.


def test_a_row_without_coordinates_is_placed_at_its_communes_centre(tmp_path):
    result = run(write(tmp_path, row(name="Sans point", point=("", ""))))
    establishment = Establishment.objects.get(organisation__name="Sans point")
    assert establishment.is_approximate_location
    assert (establishment.latitude, establishment.longitude) == (
        establishment.commune.latitude,
        establishment.commune.longitude,
    )
    assert establishment.h3_r7 is not None
    assert result.approximate_count == 1
    assert "1 placée au centre de sa commune" in result.message


def test_a_point_far_from_its_commune_is_moved_to_the_centre_and_reported(tmp_path):
    result = run(write(tmp_path, row(name="Loin", point=("43.6", "1.44"))))  # Toulouse
    establishment = Establishment.objects.get(organisation__name="Loin")
    assert establishment.is_approximate_location
    assert establishment.latitude == establishment.commune.latitude
    assert result.problems.get().kind == ImportProblem.Kind.APPROXIMATE


def test_a_communes_centre_never_replaces_a_known_point(tmp_path, vienne):
    organisation, siret = vienne
    before = organisation.establishments.get()
    Establishment.objects.filter(pk=before.pk).update(latitude=46.59, longitude=0.35)
    run(write(tmp_path, row(siret=siret, point=("", ""))))
    after = organisation.establishments.get()
    assert (after.latitude, after.longitude, after.is_approximate_location) == (46.59, 0.35, False)


def test_a_real_point_replaces_an_approximate_one(tmp_path):
    siret = make_siret(make_siren(7100))
    run(write(tmp_path, row(name="Bientôt placée", siret=siret, point=("", ""))))
    run(write(tmp_path, row(name="Bientôt placée", siret=siret, point=("46.59", "0.35"))))
    establishment = Establishment.objects.get(siret=siret)
    assert (establishment.latitude, establishment.is_approximate_location) == (46.59, False)


def test_a_point_a_member_sets_is_no_longer_approximate(tmp_path):
    run(write(tmp_path, row(name="Sans point", point=("", ""))))
    establishment = Establishment.objects.get(organisation__name="Sans point")
    save_establishment(
        organisation=establishment.organisation,
        user=UserFactory(),
        data={"latitude": 46.59, "longitude": 0.35},
        establishment=establishment,
    )
    establishment.refresh_from_db()
    assert not establishment.is_approximate_location


# Values, names and words.


@pytest.mark.parametrize(
    ("column", "value"), [("website", "https://www.monsite"), ("phone", "appelez-nous")]
)
def test_an_import_drops_a_website_without_domain_or_a_phone_without_number(
    tmp_path, column, value
):
    result = run(write(tmp_path, row(name="Valeurs", **{column: value})))
    organisation = Organisation.objects.get(name="Valeurs")
    assert getattr(organisation, column) == ""
    assert result.problems.get().field == column


@pytest.mark.parametrize(
    ("data", "field"),
    [({"website": "https://www.monsite"}, "website"), ({"phone": "appelez-nous"}, "phone")],
)
def test_the_profile_service_refuses_them_too(vienne, data, field):
    organisation, _siret = vienne
    with pytest.raises(ValidationError) as error:
        update_organisation(organisation=organisation, user=UserFactory(), data=data)
    assert field in error.value.message_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [({"website": "https://www.monsite"}, "website"), ({"phone": "appelez-nous"}, "phone")],
)
def test_the_api_refuses_them_too(client, vienne, data, field):
    organisation, _siret = vienne
    member = MembershipFactory(organisation=organisation).user
    raw = create_api_token(user=member, organisation=organisation, name="Script")[1]
    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}",
        data=json.dumps(data),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_the_slug_of_an_oeuvre_keeps_its_ligature_as_oe(tmp_path):
    run(write(tmp_path, row(name="Œuvre du Clain")))
    assert Organisation.objects.get(name="Œuvre du Clain").slug.startswith("oeuvre-du-clain")


@pytest.mark.parametrize(
    ("value", "family"),
    [
        ("ASSOCIATION", EssFamily.ASSOCIATION),
        ("SCOP", EssFamily.COOPERATIVE),
        ("SCIC", EssFamily.COOPERATIVE),
        ("MUTUELLE", EssFamily.MUTUELLE),
        ("FONDATION", EssFamily.FONDATION),
    ],
)
def test_a_type_that_is_an_ess_family_sets_the_family_without_warning(tmp_path, value, family):
    result = run(write(tmp_path, row(name="Typée", kind=value)))
    assert Organisation.objects.get(name="Typée").ess_family == family
    assert not result.problems.exists()


def test_a_type_that_is_an_association_sets_its_legal_form(tmp_path):
    run(write(tmp_path, row(name="Typée", kind="ASSOCIATION")))
    assert Organisation.objects.get(name="Typée").legal_form_id == "9220"


def test_a_truly_unknown_type_is_still_reported(tmp_path):
    result = run(write(tmp_path, row(name="Typée", kind="FANFARE")))
    assert result.problems.get().reason == "Type de structure inconnu : ignoré."


def test_the_summary_says_one_update_in_the_singular(tmp_path, vienne):
    _organisation, siret = vienne
    result = run(write(tmp_path, row(siret=siret, website="https://autre.fr")))
    assert summary(result).startswith("0 créée, 1 mise à jour, 0 inchangée,")


def test_the_report_names_fields_in_words_not_keys(tmp_path):
    result = run(write(tmp_path, row(name="Codes", postal_code="75001")))
    reasons = [reason for _kind, reason, _count in counts_per_reason(result)]
    assert reasons[0].startswith("Code postal — ")
    assert "postal_code" not in reasons[0]


def test_the_hostile_policy_file_gives_one_report_line_per_bad_value():
    """tests/data/bad/import_policy.csv: every row is created, the bad values dropped or fixed."""
    path = Path(__file__).resolve().parents[3] / "tests" / "data" / "bad" / "import_policy.csv"
    result = run(path)
    assert result.created_count == 10
    problems = {(p.line, p.field, p.kind) for p in result.problems.all()}
    assert problems == {
        (2, "website", ImportProblem.Kind.WARNING),
        (3, "website", ImportProblem.Kind.WARNING),
        (4, "website", ImportProblem.Kind.WARNING),
        (5, "phone", ImportProblem.Kind.WARNING),
        (6, "phone", ImportProblem.Kind.WARNING),
        (7, "latitude", ImportProblem.Kind.APPROXIMATE),
        (10, "kinds", ImportProblem.Kind.WARNING),
    }
    assert result.approximate_count == 2
    assert not Organisation.objects.exclude(website="").exists()
    assert not Organisation.objects.exclude(phone="").exists()
    assert Organisation.objects.get(name="Œuvre ligature").slug.startswith("oeuvre-")
