"""Freshness: reminders at 30 and 7 days, a signed one-click confirmation, hiding after a grace period."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillage.directory.models import Organisation
from maillage.directory.search.query import DirectoryFilters, filter_organisations
from maillage.directory.selectors import directory_counts
from maillage.directory.tests.factories import located_organisation
from maillage.membership.models import ChangeRecord, FreshnessReminder
from maillage.membership.services.freshness import (
    LINK_SALT,
    confirm_validity,
    confirmation_token,
    send_freshness_reminders,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def _expiring_in(organisation, days: int, today=TODAY):
    Organisation.objects.filter(pk=organisation.pk).update(
        valid_until=today + datetime.timedelta(days=days)
    )
    organisation.refresh_from_db()
    return organisation


def _confirm_path(message) -> str:
    return re.search(r"http://\S+(/fiche-a-jour/\S+/)", message.body).group(1)


def test_members_are_reminded_30_days_before_expiry_with_a_confirmation_link(organisation, member):
    _expiring_in(organisation, 30)

    sent = send_freshness_reminders(today=TODAY)

    assert [(r.organisation, r.days_before) for r in sent] == [(organisation, 30)]
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Recyclerie du Clain" in message.subject
    assert "30 jours" in message.subject
    assert "/fiche-a-jour/" in message.body
    assert f"/organisations/{organisation.slug}/modifier/" in message.body


def test_a_second_run_sends_nothing_twice(organisation, member):
    _expiring_in(organisation, 20)
    send_freshness_reminders(today=TODAY)

    assert send_freshness_reminders(today=TODAY) == []
    assert send_freshness_reminders(today=TODAY + datetime.timedelta(days=1)) == []
    assert len(mail.outbox) == 1


def test_the_7_day_reminder_follows_the_30_day_one(organisation, member):
    _expiring_in(organisation, 30)
    send_freshness_reminders(today=TODAY)

    later = send_freshness_reminders(today=TODAY + datetime.timedelta(days=23))

    assert [r.days_before for r in later] == [7]
    assert "7 jours" in mail.outbox[-1].subject


def test_a_profile_found_within_7_days_gets_only_the_last_reminder(organisation, member):
    _expiring_in(organisation, 5)

    assert [r.days_before for r in send_freshness_reminders(today=TODAY)] == [7]


def test_profiles_far_from_expiry_or_already_expired_are_not_reminded(organisation, member):
    _expiring_in(organisation, 31)
    assert send_freshness_reminders(today=TODAY) == []
    _expiring_in(organisation, -1)
    assert send_freshness_reminders(today=TODAY) == []


def test_a_profile_nobody_manages_is_reminded_at_its_public_address(db):
    organisation = located_organisation(name="Sans membre", email="contact@sans-membre.fr")
    _expiring_in(organisation, 10)

    send_freshness_reminders(today=TODAY)

    assert mail.outbox[0].to == ["contact@sans-membre.fr"]


def test_a_profile_with_no_address_at_all_is_skipped_and_retried_later(db):
    organisation = _expiring_in(located_organisation(name="Injoignable"), 10)

    assert send_freshness_reminders(today=TODAY) == []
    assert not FreshnessReminder.objects.filter(organisation=organisation).exists()


def test_the_management_command_sends_the_reminders_of_the_day(organisation, member, capsys):
    _expiring_in(organisation, 30, today=timezone.localdate())

    call_command("send_freshness_reminders")
    call_command("send_freshness_reminders")

    assert len(mail.outbox) == 1
    output = capsys.readouterr().out
    assert "1 rappel(s) envoyé(s)." in output
    assert "0 rappel(s) envoyé(s)." in output


def test_the_link_from_the_email_confirms_the_profile_in_one_click(client, organisation, member):
    _expiring_in(organisation, 7, today=timezone.localdate())
    send_freshness_reminders()
    path = _confirm_path(mail.outbox[0])

    page = client.get(path)
    assert "est-elle à jour" in page.content.decode()
    organisation.refresh_from_db()
    assert organisation.valid_until == timezone.localdate() + datetime.timedelta(days=7)

    response = client.post(path)

    assert "confirmée à jour" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.valid_until > timezone.localdate() + datetime.timedelta(days=360)
    record = organisation.change_records.get()
    assert record.source == ChangeRecord.Source.FRESHNESS
    assert record.user is None


def test_using_the_link_twice_changes_nothing_more(client, organisation):
    _expiring_in(organisation, 7, today=timezone.localdate())
    path = reverse("membership:confirm_from_link", args=[confirmation_token(organisation)])
    client.post(path)

    response = client.post(path)

    assert "déjà confirmée" in response.content.decode()
    assert organisation.change_records.count() == 1


def test_a_forged_link_is_refused(client, organisation):
    token = confirmation_token(organisation)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    response = client.post(reverse("membership:confirm_from_link", args=[forged]))

    assert response.status_code == 400
    assert "pas valide" in response.content.decode()


def test_a_link_signed_for_another_purpose_is_refused(client, organisation):
    token = signing.dumps({"o": organisation.pk, "v": "2030-01-01"}, salt="autre-chose")

    response = client.get(reverse("membership:confirm_from_link", args=[token]))

    assert response.status_code == 400


def test_an_expired_link_is_refused(client, organisation, monkeypatch):
    token = signing.dumps(
        {"o": organisation.pk, "v": organisation.valid_until.isoformat()}, salt=LINK_SALT
    )
    monkeypatch.setattr(
        "maillage.membership.services.freshness.LINK_MAX_AGE", datetime.timedelta(seconds=-1)
    )

    response = client.post(reverse("membership:confirm_from_link", args=[token]))

    assert response.status_code == 400
    assert "a expiré" in response.content.decode()


def test_a_member_confirms_from_the_edit_page(client, organisation, member):
    _expiring_in(organisation, -3, today=timezone.localdate())
    client.force_login(member)

    response = client.post(reverse("membership:organisation_confirm", args=[organisation.slug]))

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert not organisation.is_stale


def test_an_expired_profile_shows_a_to_check_badge_in_the_directory(client, organisation):
    _expiring_in(organisation, -3, today=timezone.localdate())

    content = client.get(reverse("directory:organisation_list")).content.decode()

    assert "Recyclerie du Clain" in content
    assert "à vérifier" in content


def test_stale_profile_leaves_public_search_after_grace_period_but_is_kept(
    client, organisation, settings
):
    settings.PROFILE_GRACE_DAYS = 90
    _expiring_in(organisation, -91, today=timezone.localdate())

    assert not filter_organisations(DirectoryFilters(q="recyclerie clain")).exists()
    assert client.get("/api/v1/organisations?q=recyclerie").json()["count"] == 0
    assert client.get(organisation.get_absolute_url()).status_code == 200
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_within_the_grace_period_a_stale_profile_stays_listed(organisation):
    _expiring_in(organisation, -89, today=timezone.localdate())

    assert filter_organisations(DirectoryFilters(q="recyclerie clain")).exists()


def test_the_dashboard_counts_stale_profiles_of_the_animators_territory(
    client, organisation, animator
):
    _expiring_in(organisation, -10, today=timezone.localdate())
    located_organisation(name="Fiche fraîche")
    client.force_login(animator)

    response = client.get(reverse("membership:dashboard"))

    rows = response.context["by_departement"]
    assert rows == [
        {
            "commune__departement_id": "86",
            "commune__departement__name": "Vienne",
            "total": 2,
            "soon": 0,
            "stale": 1,
            "hidden": 0,
        }
    ]
    assert [o.name for o in response.context["attention"]] == ["Recyclerie du Clain"]


def test_the_dashboard_is_for_animators_only(client, member):
    client.force_login(member)

    assert client.get(reverse("membership:dashboard")).status_code == 403


def test_the_validity_period_is_configurable(organisation, member, settings):
    settings.PROFILE_VALIDITY_DAYS = 180
    _expiring_in(organisation, -1, today=timezone.localdate())

    record = confirm_validity(organisation=organisation, user=member)

    organisation.refresh_from_db()
    assert organisation.valid_until == timezone.localdate() + datetime.timedelta(days=180)
    assert record.changes[0]["field"] == "valid_until"


def test_the_home_counts_leave_out_hidden_profiles_too(organisation):
    before = directory_counts()
    _expiring_in(organisation, -200, today=timezone.localdate())

    after = directory_counts()

    assert after["organisations"] == before["organisations"] - 1
    assert after["communes"] == before["communes"] - 1
