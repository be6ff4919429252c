"""The charter: a versioned text with admission criteria, signed by organisations, assessed yearly."""

import pytest
from django.urls import reverse

from maillage.membership.models import CharterSignature, SelfAssessment
from maillage.membership.services.charter import (
    CharterError,
    assess_progress,
    current_charter,
    sign_charter,
)
from maillage.membership.tests.factories import published_charter

pytestmark = pytest.mark.django_db


def test_the_latest_published_version_is_the_current_one(db):
    published_charter(version=1)
    second = published_charter(version=2)
    published_charter(version=3).__class__.objects.filter(version=3).update(published_at=None)

    assert current_charter() == second


def test_signing_needs_every_admission_criterion_ticked(organisation, org_admin):
    charter = published_charter()
    first, *_rest = charter.criteria.all()

    with pytest.raises(CharterError, match="Critère numéro 2"):
        sign_charter(organisation=organisation, user=org_admin, charter=charter, checked=[first.pk])


def test_a_signature_records_who_and_when_and_shows_on_the_profile(client, organisation, org_admin):
    charter = published_charter()
    sign_charter(
        organisation=organisation,
        user=org_admin,
        charter=charter,
        checked=[c.pk for c in charter.criteria.all()],
    )

    signature = CharterSignature.objects.get()
    assert signature.signed_by == org_admin
    assert organisation.change_records.get().summary == "Charte signée (version 1)"
    assert (
        "Signataire de la charte (v1)"
        in client.get(organisation.get_absolute_url()).content.decode()
    )


def test_an_old_version_cannot_be_signed(organisation, org_admin):
    old = published_charter(version=1)
    published_charter(version=2)

    with pytest.raises(CharterError, match="version en vigueur"):
        sign_charter(
            organisation=organisation,
            user=org_admin,
            charter=old,
            checked=[c.pk for c in old.criteria.all()],
        )


def test_a_version_is_signed_once(organisation, org_admin):
    charter = published_charter()
    checked = [c.pk for c in charter.criteria.all()]
    sign_charter(organisation=organisation, user=org_admin, charter=charter, checked=checked)

    with pytest.raises(CharterError, match="déjà signé"):
        sign_charter(organisation=organisation, user=org_admin, charter=charter, checked=checked)


def test_one_assessment_per_year_kept_as_a_history(organisation, member):
    charter = published_charter()
    criteria = list(charter.criteria.all())

    assess_progress(
        organisation=organisation,
        user=member,
        charter=charter,
        levels={c.pk: 1 for c in criteria},
        year=2025,
    )
    assess_progress(
        organisation=organisation,
        user=member,
        charter=charter,
        levels={c.pk: 2 for c in criteria},
        year=2026,
    )
    again = assess_progress(
        organisation=organisation,
        user=member,
        charter=charter,
        levels={c.pk: 3 for c in criteria},
        comment="Nouveau partenariat.",
        year=2026,
    )

    assert [a.year for a in SelfAssessment.objects.filter(organisation=organisation)] == [
        2026,
        2025,
    ]
    assert again.score == 3.0
    assert again.answers[0] == {"criterion": "Critère numéro 1", "level": 3}


def test_an_assessment_must_answer_every_criterion(organisation, member):
    charter = published_charter()

    with pytest.raises(CharterError, match="il manque"):
        assess_progress(organisation=organisation, user=member, charter=charter, levels={})


def test_the_sign_form_explains_what_is_missing(client, organisation, org_admin):
    charter = published_charter()
    client.force_login(org_admin)

    response = client.post(
        reverse("membership:charter_sign", args=[organisation.slug]),
        {"criteria": [charter.criteria.first().pk]},
    )

    assert response.status_code == 400
    assert "il manque" in response.content.decode()
    assert not CharterSignature.objects.exists()


def test_the_public_charter_page_lists_criteria_and_signatories(client, organisation, org_admin):
    charter = published_charter()
    sign_charter(
        organisation=organisation,
        user=org_admin,
        charter=charter,
        checked=[c.pk for c in charter.criteria.all()],
    )

    content = client.get(reverse("membership:charter")).content.decode()

    assert "Critère numéro 3" in content
    assert "Recyclerie du Clain" in content


def test_without_a_published_charter_the_page_says_so(client):
    assert "pas encore publiée" in client.get(reverse("membership:charter")).content.decode()
