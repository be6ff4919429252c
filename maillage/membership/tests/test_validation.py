"""Participatory validation: colleges vote, quorum and majority decide, and the profile shows it."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from maillage.directory.tests.factories import OrganisationFactory
from maillage.membership.models import Application, College, Membership, Vote
from maillage.membership.services.validation import (
    ApplicationError,
    cast_vote,
    request_changes,
    send_review_reminders,
    submit_application,
    tally,
)
from maillage.membership.tests.factories import (
    ApplicationFactory,
    CollegeFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleges(db):
    """Peers (quorum 2) and users (quorum 1), both required; a consultative college of funders."""
    peers = CollegeFactory(name="Pairs", quorum=2, reviewers=[UserFactory(), UserFactory()])
    users = CollegeFactory(name="Usagers", quorum=1, reviewers=[UserFactory()])
    funders = CollegeFactory(name="Financeurs", quorum=1, is_required=False)
    return peers, users, funders


def _reviewers(college):
    return list(college.reviewers.all())


def test_submitting_tells_the_reviewers_but_not_those_in_conflict(
    organisation, org_admin, colleges, django_capture_on_commit_callbacks
):
    peers, _users, _funders = colleges
    conflicted = UserFactory()
    peers.reviewers.add(conflicted)
    MembershipFactory(user=conflicted, organisation=organisation)

    with django_capture_on_commit_callbacks(execute=True):
        application = submit_application(
            organisation=organisation, user=org_admin, motivation="Recyclerie associative."
        )

    assert application.status == Application.Status.SUBMITTED
    assert application.deadline is not None
    recipients = set(mail.outbox[0].to)
    assert conflicted.email not in recipients
    assert {u.email for u in _reviewers(peers) if u != conflicted} <= recipients


def test_three_reviewers_of_two_colleges_accept_and_the_decision_is_explained(
    client, organisation, org_admin, colleges
):
    peers, users, _funders = colleges
    application = submit_application(organisation=organisation, user=org_admin, motivation="M.")
    first, second = _reviewers(peers)

    cast_vote(application=application, reviewer=first, college=peers, choice="approve")
    cast_vote(application=application, reviewer=second, college=peers, choice="abstain")
    application.refresh_from_db()
    assert application.status == Application.Status.UNDER_REVIEW

    cast_vote(
        application=application,
        reviewer=_reviewers(users)[0],
        college=users,
        choice="approve",
        comment="Service précieux.",
    )

    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert application.college_count == 2
    assert "Pairs : 2 vote(s) sur 2 requis" in application.explanation
    assert "100 % de votes pour" in application.explanation
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Validée par 2 collèges le" in page


def test_a_majority_against_rejects_the_application(organisation, org_admin, colleges):
    peers, users, _funders = colleges
    application = submit_application(organisation=organisation, user=org_admin, motivation="M.")
    first, second = _reviewers(peers)

    cast_vote(
        application=application, reviewer=first, college=peers, choice="reject", comment="Non."
    )
    cast_vote(
        application=application, reviewer=second, college=peers, choice="reject", comment="Non."
    )
    cast_vote(
        application=application, reviewer=_reviewers(users)[0], college=users, choice="approve"
    )

    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert tally(application).approval_percent == 33


def test_a_tie_is_not_a_majority(organisation, org_admin, colleges):
    peers, users, _funders = colleges
    peers.quorum = 1
    peers.save()
    application = submit_application(organisation=organisation, user=org_admin, motivation="M.")
    cast_vote(
        application=application,
        reviewer=_reviewers(peers)[0],
        college=peers,
        choice="reject",
        comment="Non.",
    )
    cast_vote(
        application=application, reviewer=_reviewers(users)[0], college=users, choice="approve"
    )

    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED


def test_voting_twice_is_refused(organisation, colleges):
    peers, _users, _funders = colleges
    application = ApplicationFactory(organisation=organisation)
    reviewer = _reviewers(peers)[0]
    cast_vote(application=application, reviewer=reviewer, college=peers, choice="approve")

    with pytest.raises(ApplicationError, match="déjà voté"):
        cast_vote(
            application=application, reviewer=reviewer, college=peers, choice="reject", comment="x"
        )


def test_voting_on_a_closed_application_is_refused(organisation, colleges):
    peers, _users, _funders = colleges
    application = ApplicationFactory(organisation=organisation, status=Application.Status.ACCEPTED)

    with pytest.raises(ApplicationError, match="plus ouverte"):
        cast_vote(
            application=application, reviewer=_reviewers(peers)[0], college=peers, choice="approve"
        )


def test_a_member_cannot_review_their_own_organisation(organisation, member, colleges):
    peers, _users, _funders = colleges
    peers.reviewers.add(member)

    with pytest.raises(ApplicationError, match="dont vous êtes membre"):
        cast_vote(
            application=ApplicationFactory(organisation=organisation),
            reviewer=member,
            college=peers,
            choice="approve",
        )


def test_a_member_of_a_linked_organisation_cannot_review_it(organisation, colleges):
    peers, _users, _funders = colleges
    sibling = OrganisationFactory(name="Autre fiche, même SIREN", siren=organisation.siren)
    reviewer = MembershipFactory(organisation=sibling).user
    peers.reviewers.add(reviewer)

    with pytest.raises(ApplicationError, match="organisation liée"):
        cast_vote(
            application=ApplicationFactory(organisation=organisation),
            reviewer=reviewer,
            college=peers,
            choice="approve",
        )


def test_voting_outside_ones_college_is_refused(organisation, colleges):
    peers, users, _funders = colleges

    with pytest.raises(ApplicationError, match="ne faites pas partie"):
        cast_vote(
            application=ApplicationFactory(organisation=organisation),
            reviewer=_reviewers(peers)[0],
            college=users,
            choice="approve",
        )


def test_a_vote_against_needs_its_reasons(organisation, colleges):
    peers, _users, _funders = colleges

    with pytest.raises(ApplicationError, match="raisons"):
        cast_vote(
            application=ApplicationFactory(organisation=organisation),
            reviewer=_reviewers(peers)[0],
            college=peers,
            choice="reject",
        )


def test_requested_changes_open_a_new_round_on_resubmission(
    organisation, org_admin, animator, colleges
):
    peers, _users, _funders = colleges
    application = submit_application(organisation=organisation, user=org_admin, motivation="M.")
    cast_vote(
        application=application, reviewer=_reviewers(peers)[0], college=peers, choice="approve"
    )

    request_changes(application=application, by=animator, message="Précisez vos engagements.")
    application.refresh_from_db()
    assert application.status == Application.Status.CHANGES_REQUESTED
    with pytest.raises(ApplicationError, match="plus ouverte"):
        cast_vote(
            application=application, reviewer=_reviewers(peers)[1], college=peers, choice="approve"
        )

    again = submit_application(organisation=organisation, user=org_admin, motivation="M. v2")

    assert again.pk == application.pk
    assert again.round == 2
    assert tally(again).approve == 0
    assert Vote.objects.filter(application=again).count() == 1


def test_a_second_application_while_one_is_open_is_refused(organisation, org_admin, colleges):
    submit_application(organisation=organisation, user=org_admin, motivation="M.")

    with pytest.raises(ApplicationError, match="déjà en cours"):
        submit_application(organisation=organisation, user=org_admin, motivation="M.")


def test_without_colleges_nothing_can_be_submitted(organisation, org_admin):
    with pytest.raises(ApplicationError, match="Aucun collège"):
        submit_application(organisation=organisation, user=org_admin, motivation="M.")


def test_the_vote_form_is_offered_to_eligible_reviewers_only(
    client, organisation, colleges, member
):
    peers, _users, _funders = colleges
    ApplicationFactory(organisation=organisation)
    url = reverse("membership:organisation_validation", args=[organisation.slug])

    client.force_login(_reviewers(peers)[0])
    assert "Votre vote" in client.get(url).content.decode()

    peers.reviewers.add(member)
    client.force_login(member)
    assert "Votre vote" not in client.get(url).content.decode()
    assert Membership.objects.filter(user=member).exists()


def test_reviewers_short_of_quorum_are_reminded_a_week_before_the_deadline_once(
    organisation, org_admin, colleges
):
    peers, users, _funders = colleges
    application = submit_application(organisation=organisation, user=org_admin, motivation="M.")
    first, second = _reviewers(peers)
    cast_vote(application=application, reviewer=first, college=peers, choice="approve")
    week_before = application.deadline - datetime.timedelta(days=7)
    mail.outbox.clear()

    sent = send_review_reminders(today=week_before)

    assert {r.reviewer for r in sent} == {second, _reviewers(users)[0]}
    assert all("Rappel" in message.subject for message in mail.outbox)
    assert send_review_reminders(today=week_before) == []
    assert send_review_reminders(today=week_before - datetime.timedelta(days=1)) == []
    call_command("send_review_reminders")
    assert len(mail.outbox) == 2


def test_an_animator_creates_a_college_and_seats_a_verified_account(client, animator):
    person = UserFactory(email="elue@mairie-poitiers.fr")
    client.force_login(animator)

    client.post(
        reverse("membership:colleges"),
        {"name": "Collectivités locales", "quorum": 1, "is_required": "on"},
    )
    college = College.objects.get(name="Collectivités locales")
    client.post(
        reverse("membership:college_reviewers", args=[college.pk]),
        {"email": "ELUE@mairie-poitiers.fr"},
    )

    assert list(college.reviewers.all()) == [person]


def test_seating_an_unknown_email_is_explained(client, animator):
    college = CollegeFactory()
    client.force_login(animator)

    response = client.post(
        reverse("membership:college_reviewers", args=[college.pk]),
        {"email": "inconnu@exemple.test"},
        follow=True,
    )

    assert "doit d&#x27;abord s&#x27;inscrire" in response.content.decode()
    assert not college.reviewers.exists()


def test_a_quorum_of_zero_is_refused(client, animator):
    client.force_login(animator)

    response = client.post(reverse("membership:colleges"), {"name": "Vide", "quorum": 0})

    assert response.status_code == 400
    assert not College.objects.filter(name="Vide").exists()


def test_the_dashboard_lists_the_applications_of_the_territory(client, organisation, animator):
    application = ApplicationFactory(organisation=organisation)
    elsewhere = ApplicationFactory(
        organisation=OrganisationFactory(name="Hors territoire")  # no establishment: no territory
    )
    client.force_login(animator)

    listed = list(client.get(reverse("membership:dashboard")).context["applications"])

    assert listed == [application]
    assert elsewhere not in listed


def test_an_accepted_organisation_does_not_apply_again(client, organisation, org_admin, colleges):
    ApplicationFactory(organisation=organisation, status=Application.Status.ACCEPTED)

    with pytest.raises(ApplicationError, match="déjà validée"):
        submit_application(organisation=organisation, user=org_admin, motivation="Encore.")
    client.force_login(org_admin)
    page = client.get(reverse("membership:organisation_validation", args=[organisation.slug]))
    assert "Déposer la candidature" not in page.content.decode()
