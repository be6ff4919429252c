"""Whatever people type in names, titles and labels, every e-mail path sends (one-line subject),
and a batch sender goes on when one recipient fails: the class of « one character stops the
e-mails of everybody »."""

import datetime
import logging
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.catalogue import emails as catalogue_emails
from maillage.catalogue.models import ContactMessage, Deal, Listing, NeedReport, SavedSearch
from maillage.catalogue.services import alerts, contacts, listings
from maillage.catalogue.tests.factories import offer, organisation_in, sector
from maillage.membership import emails as membership_emails
from maillage.membership.models import Membership
from maillage.membership.services.freshness import send_freshness_reminders
from maillage.membership.tests.factories import (
    ApplicationFactory,
    ClaimFactory,
    CollegeFactory,
    MembershipFactory,
    PlatformRoleFactory,
    SuggestionFactory,
    UserFactory,
)
from maillage.territory.models import Commune
from tests.conftest import corpus

pytestmark = pytest.mark.django_db

POITIERS = "86194"
HOSTILE = [
    *(
        line.encode("latin-1", "backslashreplace").decode("unicode_escape")
        for line in corpus("mail_headers.txt")
    ),
    "R" * 2000,
]


def _one_line_subjects() -> bool:
    return all("\n" not in m.subject and "\r" not in m.subject for m in mail.outbox)


def _alert(name: str, email: str) -> SavedSearch:
    return alerts.save_search(
        user=UserFactory(email=email),
        data={"name": "Espaces verts", "frequency": "daily", "sectors": [sector()]},
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_alert_name_does_not_stop_the_digest(name):
    hostile, plain = _alert(name, "a@exemple.test"), _alert("Haies", "b@exemple.test")
    SavedSearch.objects.filter(pk=hostile.pk).update(name=name.replace("\x00", "")[:100])
    offer(title="Entretien de pelouses")

    later = timezone.now() + datetime.timedelta(minutes=1)
    assert alerts.send_digests(frequency="daily", now=later) == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["a@exemple.test", "b@exemple.test"]
    assert _one_line_subjects()
    assert plain.pk


def test_a_digest_that_fails_for_one_recipient_reaches_the_others_and_is_retried(caplog):
    first, second = _alert("Un", "a@exemple.test"), _alert("Deux", "b@exemple.test")
    offer(title="Entretien de pelouses")
    real = catalogue_emails.send_digest

    def failing_for_first(saved, new, token):
        if saved.pk == first.pk:
            raise ConnectionError("SMTP refused")
        real(saved, new, token)

    later = timezone.now() + datetime.timedelta(minutes=1)
    with (
        mock.patch.object(catalogue_emails, "send_digest", failing_for_first),
        caplog.at_level(logging.ERROR, logger="maillage.mail"),
    ):
        assert alerts.send_digests(frequency="daily", now=later) == 1

    assert [m.to for m in mail.outbox] == [["b@exemple.test"]]
    assert "alert-digest: 1 e-mail(s) failed" in caplog.text
    assert SavedSearch.objects.get(pk=first.pk).last_sent_at is None  # tried again next run
    assert SavedSearch.objects.get(pk=second.pk).last_sent_at == later


@pytest.mark.parametrize("title", HOSTILE)
def test_a_hostile_listing_title_does_not_stop_the_expiry_reminders(title):
    soon = timezone.localdate() + datetime.timedelta(days=3)
    for listing_title in (title.replace("\x00", ""), "Tonte"):
        organisation = organisation_in(POITIERS)
        MembershipFactory(organisation=organisation, user=UserFactory())
        # Written before titles were validated: such rows may still be in the database.
        created = offer(organisation=organisation, title="Tonte", expires_on=soon)
        Listing.objects.filter(pk=created.pk).update(title=listing_title[:150])

    assert len(listings.send_expiry_reminders()) == 2
    assert len(mail.outbox) == 2
    assert _one_line_subjects()


@pytest.mark.parametrize("name", HOSTILE)
def test_contacting_an_organisation_with_a_hostile_name_sends_the_message(
    name, django_capture_on_commit_callbacks
):
    recipient = organisation_in(POITIERS, name=name.replace("\x00", "")[:150])
    MembershipFactory(organisation=recipient, user=UserFactory(email="orga@exemple.test"))

    with django_capture_on_commit_callbacks(execute=True):
        contacts.send_contact(
            sender=UserFactory(), recipient=recipient, message="Bonjour, un devis svp ?"
        )

    assert [m.to for m in mail.outbox] == [["orga@exemple.test"]]
    assert _one_line_subjects()


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_organisation_name_does_not_stop_the_freshness_reminders(name):
    soon = timezone.localdate() + datetime.timedelta(days=5)
    for organisation_name in (name.replace("\x00", "")[:150], "Recyclerie"):
        organisation = organisation_in(POITIERS, name=organisation_name, valid_until=soon)
        MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)

    assert len(send_freshness_reminders()) == 2
    assert _one_line_subjects()


def _send_paths(world: dict):
    """Every public sender of every emails module, called on the world's objects."""
    w = world
    return {
        "send_contact": lambda: catalogue_emails.send_contact(w["contact"], ["a@exemple.test"]),
        "send_deal_proposed": lambda: catalogue_emails.send_deal_proposed(w["deal"]),
        "send_expiry_reminder": lambda: catalogue_emails.send_expiry_reminder(w["listing"]),
        "send_digest": lambda: catalogue_emails.send_digest(w["saved"], [w["listing"]], "jeton"),
        "send_report_received": lambda: catalogue_emails.send_report_received(w["report"]),
        "send_report_status": lambda: catalogue_emails.send_report_status(w["report"]),
        "send_report_routed": lambda: catalogue_emails.send_report_routed(
            w["report"], [w["organisation"]]
        ),
        "send_claim_received": lambda: membership_emails.send_claim_received(w["claim"]),
        "send_claim_decided": lambda: membership_emails.send_claim_decided(w["claim"]),
        "send_freshness_reminder": lambda: membership_emails.send_freshness_reminder(
            organisation=w["organisation"], days=7, recipients=["a@exemple.test"], token="t"
        ),
        "send_profile_imported": lambda: membership_emails.send_profile_imported(
            organisation=w["organisation"],
            run_label=w["listing"].title,
            fields=["site web"],
            held=["présentation"],
        ),
        "send_suggestion_received": lambda: membership_emails.send_suggestion_received(
            w["suggestion"]
        ),
        "send_suggestion_decided": lambda: membership_emails.send_suggestion_decided(
            w["suggestion"]
        ),
        "send_application_submitted": lambda: membership_emails.send_application_submitted(
            w["application"]
        ),
        "send_application_decided": lambda: membership_emails.send_application_decided(
            w["application"]
        ),
        "send_review_reminder": lambda: membership_emails.send_review_reminder(
            application=w["application"], reviewer=w["reviewer"]
        ),
    }


def _public_senders() -> set[str]:
    return {
        name
        for module in (catalogue_emails, membership_emails)
        for name in vars(module)
        if name.startswith("send_")
        and getattr(vars(module)[name], "__module__", "") == module.__name__
    }


@pytest.fixture
def world():
    organisation = organisation_in(POITIERS)
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    PlatformRoleFactory(departement_id="86")
    listing = offer(organisation=organisation)
    reviewer = UserFactory()
    CollegeFactory(reviewers=[reviewer])
    contact = ContactMessage.objects.create(
        sender=UserFactory(), recipient=organisation, listing=listing, message="Bonjour."
    )
    partner = organisation_in(POITIERS)
    return {
        "organisation": organisation,
        "listing": listing,
        "reviewer": reviewer,
        "saved": _alert("Haies", "veille@exemple.test"),
        "contact": contact,
        "deal": Deal.objects.create(
            supplier=organisation, customer=partner, contact=contact, proposed_by=partner
        ),
        "report": NeedReport.objects.create(
            what="Un besoin",
            commune=Commune.objects.get(pk=POITIERS),
            for_whom="Des habitants",
            frequency=NeedReport.Frequency.choices[0][0],
            reporter_kind=NeedReport.ReporterKind.choices[0][0],
            reporter_email="citoyen@exemple.test",
        ),
        "claim": ClaimFactory(organisation=organisation),
        "suggestion": SuggestionFactory(organisation=organisation),
        "application": ApplicationFactory(organisation=organisation),
    }


def test_every_email_sender_is_covered_by_the_property_test(world):
    assert set(_send_paths(world)) == _public_senders()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(st.characters(exclude_categories=("Cs",)), max_size=400),
        st.text(st.characters(exclude_categories=("Cs",)), min_size=2000, max_size=2000),
    )
)
def test_any_text_in_any_field_goes_through_every_email_path(world, text):
    w = world
    w["organisation"].name, w["organisation"].brand = text, text
    w["listing"].title = w["listing"].description = text
    w["saved"].name = text
    w["contact"].message = text
    w["deal"].note = text
    w["report"].what = w["report"].for_whom = w["report"].public_note = text
    w["claim"].message = w["claim"].reason = text
    w["suggestion"].message = w["suggestion"].reason = text
    w["application"].motivation = w["application"].explanation = text
    w["application"].changes_requested = text
    mail.outbox = []

    for send in _send_paths(w).values():
        send()

    assert len(mail.outbox) >= len(_public_senders())
    assert _one_line_subjects()
    for message in mail.outbox:
        message.message().as_bytes()  # the headers Django would put on the wire
