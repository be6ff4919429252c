"""Claims: automatic when the verified e-mail is at the website's domain, otherwise an animator decides."""

import pytest
from django.core import mail
from django.urls import reverse

from maillage.directory.tests.factories import located_organisation
from maillage.membership.models import ChangeRecord, Claim, Membership
from maillage.membership.services.claims import (
    ClaimError,
    claim_organisation,
    decide_claim,
    domain_matches,
)
from maillage.membership.tests.factories import ClaimFactory, UserFactory
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("email", "website", "expected"),
    [
        ("lea@recyclerie-clain.fr", "https://www.recyclerie-clain.fr", True),
        ("lea@recyclerie-clain.fr", "http://recyclerie-clain.fr/contact", True),
        ("lea@recyclerie-clain.fr", "https://boutique.recyclerie-clain.fr", True),
        ("lea@RECYCLERIE-CLAIN.FR", "https://www.recyclerie-clain.fr", True),
        ("lea@clain.fr", "https://www.recyclerie-clain.fr", False),
        ("lea@autre.fr", "https://www.recyclerie-clain.fr", False),
        ("lea@gmail.com", "https://sites.gmail.com", False),
        ("lea@recyclerie-clain.fr", "", False),
    ],
)
def test_email_domain_matches_the_website_only_for_the_same_domain(email, website, expected):
    assert domain_matches(email=email, website=website) is expected


def test_claim_with_an_email_at_the_website_domain_is_accepted_at_once(organisation):
    user = UserFactory(email="lea@recyclerie-clain.fr")

    claim = claim_organisation(user=user, organisation=organisation)

    assert claim.status == Claim.Status.ACCEPTED
    assert claim.is_automatic
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Membership.Role.ADMIN
    assert ChangeRecord.objects.filter(
        organisation=organisation, subject=ChangeRecord.Subject.MEMBERS
    ).exists()


def test_an_unverified_email_at_the_right_domain_does_not_count(organisation):
    user = UserFactory(email="lea@recyclerie-clain.fr", verified=False)

    claim = claim_organisation(user=user, organisation=organisation)

    assert claim.status == Claim.Status.PENDING


def test_a_second_member_accepted_by_domain_becomes_a_plain_member(organisation, org_admin):
    user = UserFactory(email="paul@recyclerie-clain.fr")

    claim_organisation(user=user, organisation=organisation)

    assert Membership.objects.get(user=user).role == Membership.Role.MEMBER


def test_other_claims_wait_and_the_territory_animator_is_told(
    organisation, animator, other_animator, django_capture_on_commit_callbacks
):
    user = UserFactory(email="lea@gmail.com")

    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_organisation(
            user=user, organisation=organisation, message="Je suis la gérante."
        )

    assert claim.status == Claim.Status.PENDING
    assert not Membership.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [animator.email]
    assert "Recyclerie du Clain" in message.subject
    assert "lea@gmail.com" in message.body
    assert "Je suis la gérante." in message.body
    assert "/animation/revendications/" in message.body


def test_without_an_animator_on_the_territory_platform_admins_are_told(
    organisation, platform_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim_organisation(user=UserFactory(email="lea@gmail.com"), organisation=organisation)

    assert mail.outbox[0].to == [platform_admin.email]


def test_a_member_cannot_claim_their_own_organisation_again(organisation, member):
    with pytest.raises(ClaimError, match="déjà membre"):
        claim_organisation(user=member, organisation=organisation)


def test_a_second_claim_while_one_is_pending_is_refused(organisation):
    user = UserFactory()
    claim_organisation(user=user, organisation=organisation)

    with pytest.raises(ClaimError, match="déjà en attente"):
        claim_organisation(user=user, organisation=organisation)


def test_an_accepted_claim_makes_a_member_and_tells_the_person(
    organisation, animator, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(organisation=organisation)

    with django_capture_on_commit_callbacks(execute=True):
        decide_claim(claim=claim, decided_by=animator, accept=True)

    claim.refresh_from_db()
    assert claim.status == Claim.Status.ACCEPTED
    assert claim.decided_by == animator
    assert Membership.objects.filter(user=claim.user, organisation=organisation).exists()
    assert mail.outbox[-1].to == [claim.user.email]
    assert "Vous gérez désormais" in mail.outbox[-1].subject


def test_a_rejected_claim_needs_a_reason_which_is_sent(
    organisation, animator, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(organisation=organisation)
    with pytest.raises(ClaimError, match="motif"):
        decide_claim(claim=claim, decided_by=animator, accept=False, reason="  ")

    with django_capture_on_commit_callbacks(execute=True):
        decide_claim(
            claim=claim, decided_by=animator, accept=False, reason="Inconnue de la structure."
        )

    assert not Membership.objects.filter(user=claim.user).exists()
    assert "Inconnue de la structure." in mail.outbox[-1].body


def test_a_claim_cannot_be_decided_twice(organisation, animator):
    claim = ClaimFactory(organisation=organisation)
    decide_claim(claim=claim, decided_by=animator, accept=True)

    with pytest.raises(ClaimError, match="déjà été traitée"):
        decide_claim(claim=claim, decided_by=animator, accept=False, reason="Finalement non.")


def test_the_claim_queue_lists_only_claims_of_the_animators_territory(client, animator):
    poitiers = ClaimFactory(organisation=located_organisation(name="Atelier de Poitiers"))
    bordeaux = ClaimFactory(
        organisation=located_organisation(
            name="Atelier de Bordeaux",
            commune=Commune.objects.get(insee_code="33063"),
            postal_code="33000",
        )
    )
    client.force_login(animator)

    content = client.get("/animation/revendications/").content.decode()

    assert poitiers.organisation.display_name in content
    assert bordeaux.organisation.display_name not in content


def test_the_claim_page_says_when_the_claim_will_be_automatic(client, organisation):
    client.force_login(UserFactory(email="lea@recyclerie-clain.fr"))

    response = client.get(f"/organisations/{organisation.slug}/revendiquer/")
    assert "acceptée tout de suite" in response.content.decode()

    response = client.post(f"/organisations/{organisation.slug}/revendiquer/", {"message": ""})
    assert response.url == f"/organisations/{organisation.slug}/modifier/"


def test_a_member_is_shown_no_claim_link_on_the_profile(client, organisation, member):
    client.force_login(member)

    content = client.get(organisation.get_absolute_url()).content.decode()

    assert "/revendiquer/" not in content
    assert f"/organisations/{organisation.slug}/modifier/" in content


def test_the_claim_page_speaks_of_a_website_only_when_the_profile_has_one(client):
    without = located_organisation(name="Sans site", website="")
    client.force_login(UserFactory())
    page = client.get(
        reverse("membership:organisation_claim", args=[without.slug])
    ).content.decode()
    assert "n'indique pas de site web" in page
    assert "au nom du site web de l'organisation" not in page
