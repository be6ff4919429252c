"""Suggested corrections: proposed by anyone signed in, answered field by field, the author told."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.membership.models import ChangeRecord, Suggestion
from maillage.membership.permissions import can_decide_suggestion
from maillage.membership.services.suggestions import (
    SuggestionError,
    decide_suggestion,
    suggest_correction,
)
from maillage.membership.tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db


def test_a_suggestion_keeps_only_the_changed_fields_and_tells_the_admins(
    organisation, org_admin, signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = suggest_correction(
            organisation=organisation,
            author=signed_in,
            proposed={"name": organisation.name, "phone": "05 49 00 11 22"},
            message="Vu sur leur vitrine.",
        )

    assert suggestion.changes == [
        {"field": "phone", "label": "téléphone public", "old": "", "new": "05 49 00 11 22"}
    ]
    assert mail.outbox[0].to == [org_admin.email]
    assert "05 49 00 11 22" in mail.outbox[0].body
    assert "Vu sur leur vitrine." in mail.outbox[0].body
    assert f"/organisations/{organisation.slug}/suggestions/" in mail.outbox[0].body


def test_without_administrator_the_animators_are_told(
    organisation, animator, signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        suggest_correction(organisation=organisation, author=signed_in, proposed={"phone": "0549"})

    assert mail.outbox[0].to == [animator.email]


def test_a_suggestion_that_changes_nothing_is_refused(organisation, signed_in):
    with pytest.raises(SuggestionError, match="ne change rien"):
        suggest_correction(
            organisation=organisation, author=signed_in, proposed={"name": organisation.name}
        )


def test_a_suggestion_of_a_non_editable_field_is_refused(organisation, signed_in):
    with pytest.raises(SuggestionError, match="is_published"):
        suggest_correction(
            organisation=organisation, author=signed_in, proposed={"is_published": "False"}
        )


def test_a_suggestion_is_validated_like_an_edit(organisation, signed_in):
    with pytest.raises(ValidationError) as error:
        suggest_correction(organisation=organisation, author=signed_in, proposed={"siren": "12"})

    assert "9 chiffres" in str(error.value.message_dict["siren"])
    assert not Suggestion.objects.exists()


def test_accepting_some_fields_applies_them_records_the_source_and_tells_the_author(
    organisation, org_admin, signed_in, django_capture_on_commit_callbacks
):
    suggestion = suggest_correction(
        organisation=organisation,
        author=signed_in,
        proposed={"phone": "05 49 00 11 22", "email": "contact@recyclerie-clain.fr"},
    )

    with django_capture_on_commit_callbacks(execute=True):
        decide_suggestion(
            suggestion=suggestion,
            decided_by=org_admin,
            accepted_fields=["phone"],
            reason="L'adresse e-mail est celle d'une salariée, pas de la structure.",
        )

    organisation.refresh_from_db()
    assert organisation.phone == "05 49 00 11 22"
    assert organisation.email == ""
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PARTIAL
    record = organisation.change_records.get()
    assert record.source == ChangeRecord.Source.SUGGESTION
    assert record.user == org_admin
    assert signed_in.email in record.summary
    message = mail.outbox[-1]
    assert message.to == [signed_in.email]
    assert "acceptée en partie" in message.subject
    assert "refusée" in message.body
    assert "celle d'une salariée" in message.body


def test_refusing_part_of_a_suggestion_needs_a_reason(organisation, org_admin):
    suggestion = SuggestionFactory(organisation=organisation)

    with pytest.raises(SuggestionError, match="pourquoi"):
        decide_suggestion(suggestion=suggestion, decided_by=org_admin, accepted_fields=[])


def test_a_suggestion_cannot_be_decided_twice(organisation, org_admin):
    suggestion = SuggestionFactory(organisation=organisation)
    decide_suggestion(suggestion=suggestion, decided_by=org_admin, accepted_fields=["phone"])

    with pytest.raises(SuggestionError, match="déjà été traitée"):
        decide_suggestion(suggestion=suggestion, decided_by=org_admin, accepted_fields=["phone"])


def test_accepting_a_field_the_suggestion_does_not_hold_is_refused(organisation, org_admin):
    suggestion = SuggestionFactory(organisation=organisation)

    with pytest.raises(SuggestionError, match="name"):
        decide_suggestion(suggestion=suggestion, decided_by=org_admin, accepted_fields=["name"])


def test_an_animator_waits_15_days_when_the_organisation_has_an_administrator(
    organisation, org_admin, animator
):
    suggestion = SuggestionFactory(organisation=organisation)
    assert not can_decide_suggestion(animator, suggestion)

    Suggestion.objects.filter(pk=suggestion.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=15, minutes=1)
    )
    suggestion.refresh_from_db()
    assert can_decide_suggestion(animator, suggestion)


def test_an_animator_answers_at_once_when_nobody_administers_the_profile(organisation, animator):
    assert can_decide_suggestion(animator, SuggestionFactory(organisation=organisation))


def test_an_animator_deciding_too_early_through_the_page_is_refused(
    client, organisation, org_admin, animator
):
    suggestion = SuggestionFactory(organisation=organisation)
    client.force_login(animator)

    response = client.post(
        reverse("membership:suggestion_decide", args=[organisation.slug, suggestion.pk]),
        {"accept": ["phone"]},
    )

    assert response.status_code == 403
    assert "15 jours" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.PENDING


def test_the_suggest_form_keeps_what_was_typed_on_error(client, organisation, signed_in):
    client.force_login(signed_in)

    response = client.post(
        reverse("membership:organisation_suggest", args=[organisation.slug]),
        {"name": organisation.name, "siren": "12345", "phone": "05 49 00 11 22"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="05 49 00 11 22"' in content
    assert "9 chiffres" in content


def test_the_review_page_shows_the_diff_to_administrators(client, organisation, org_admin):
    SuggestionFactory(organisation=organisation)
    client.force_login(org_admin)

    content = client.get(
        reverse("membership:organisation_suggestions", args=[organisation.slug])
    ).content.decode()

    assert "05 49 00 11 22" in content
    assert "Le numéro a changé en septembre." in content
    assert 'name="accept" value="phone"' in content
