"""Claims of existing profiles: accepted at once when the e-mail domain is the website's, else by an animator."""

from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import Organisation
from maillage.membership import emails
from maillage.membership.models import ChangeRecord, Claim, Membership
from maillage.membership.services.history import record_change

# Shared mailboxes prove nothing about an organisation, even if its website is hosted there.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.fr",
        "yahoo.com",
        "hotmail.fr",
        "hotmail.com",
        "outlook.fr",
        "outlook.com",
        "live.fr",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "laposte.net",
        "neuf.fr",
        "bbox.fr",
        "icloud.com",
        "protonmail.com",
        "proton.me",
        "gmx.fr",
    }
)


class ClaimError(Exception):
    """A claim refused for a reason the user can read (in French)."""


def website_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def domain_matches(*, email: str, website: str) -> bool:
    """The e-mail's domain is the website's, or the website is a sub-domain of it."""
    email_domain = email.rpartition("@")[2].lower()
    site = website_domain(website)
    if not email_domain or not site or email_domain in PUBLIC_MAIL_DOMAINS:
        return False
    return site == email_domain or site.endswith("." + email_domain)


def has_matching_verified_email(user: User, organisation: Organisation) -> bool:
    if not organisation.website:
        return False
    emails_ = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return any(domain_matches(email=email, website=organisation.website) for email in emails_)


def _grant_membership(*, claim: Claim) -> Membership:
    """The first member of a profile becomes its administrator."""
    has_admin = Membership.objects.filter(
        organisation=claim.organisation, role=Membership.Role.ADMIN
    ).exists()
    membership, _created = Membership.objects.get_or_create(
        user=claim.user,
        organisation=claim.organisation,
        defaults={"role": Membership.Role.MEMBER if has_admin else Membership.Role.ADMIN},
    )
    record_change(
        organisation=claim.organisation,
        user=claim.decided_by or claim.user,
        source=ChangeRecord.Source.USER,
        subject=ChangeRecord.Subject.MEMBERS,
        summary=_("%(email)s a rejoint l'organisation (%(role)s)")
        % {"email": claim.user.email, "role": membership.get_role_display()},
    )
    return membership


@transaction.atomic
def claim_organisation(*, user: User, organisation: Organisation, message: str = "") -> Claim:
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ClaimError(_("Vous êtes déjà membre de cette organisation."))
    if Claim.objects.filter(
        user=user, organisation=organisation, status=Claim.Status.PENDING
    ).exists():
        raise ClaimError(
            _("Votre demande pour cette organisation est déjà en attente d'une décision.")
        )
    claim = Claim.objects.create(user=user, organisation=organisation, message=message.strip())
    if has_matching_verified_email(user, organisation):
        claim.status = Claim.Status.ACCEPTED
        claim.is_automatic = True
        claim.decided_at = timezone.now()
        claim.save(update_fields=["status", "is_automatic", "decided_at", "updated_at"])
        _grant_membership(claim=claim)
    else:
        transaction.on_commit(lambda: emails.send_claim_received(claim))
    return claim


@transaction.atomic
def decide_claim(*, claim: Claim, decided_by: User, accept: bool, reason: str = "") -> Claim:
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=claim.pk)
    )
    if claim.status != Claim.Status.PENDING:
        raise ClaimError(_("Cette demande a déjà été traitée."))
    if not accept and not reason.strip():
        raise ClaimError(_("Indiquez le motif du refus : il sera envoyé à la personne."))
    claim.status = Claim.Status.ACCEPTED if accept else Claim.Status.REJECTED
    claim.decided_by = decided_by
    claim.decided_at = timezone.now()
    claim.reason = reason.strip()
    claim.save()
    if accept:
        _grant_membership(claim=claim)
    transaction.on_commit(lambda: emails.send_claim_decided(claim))
    return claim
