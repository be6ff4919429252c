"""E-mails of the catalogue, sent through Django's backend once the transaction commits."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from maillage.catalogue.models import ContactMessage, Deal, Listing, NeedReport, SavedSearch
from maillage.directory.models import Organisation
from maillage.membership.emails import absolute
from maillage.membership.models import Membership, PlatformRole


def _send(
    *, template: str, context: dict, recipients: list[str], reply_to: list[str] | None = None
) -> None:
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(f"catalogue/emails/{template}.txt", context)
    subject, _blank, message = body.partition("\n")
    EmailMessage(
        subject.strip(),
        message.strip() + "\n",
        settings.DEFAULT_FROM_EMAIL,
        recipients,
        reply_to=reply_to,
    ).send()


def organisation_recipients(organisation: Organisation) -> list[str]:
    """Its members' addresses; else the public address of the profile."""
    emails = sorted(
        set(
            Membership.objects.filter(organisation=organisation)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    return emails or ([organisation.email] if organisation.email else [])


def report_animators(report: NeedReport) -> list[str]:
    commune = report.commune
    roles = PlatformRole.objects.filter(kind=PlatformRole.Kind.ANIMATOR).select_related("user")
    emails = sorted(
        {
            role.user.email
            for role in roles
            if role.user.email
            and (
                role.region_id == commune.departement.region_id
                or role.departement_id == commune.departement_id
                or (role.epci_id and role.epci_id == commune.epci_id)
            )
        }
    )
    return emails


def send_contact(contact: ContactMessage) -> None:
    _send(
        template="contact",
        context={"contact": contact, "url": absolute(contact.get_absolute_url())},
        recipients=organisation_recipients(contact.recipient),
        reply_to=[contact.sender.email] if contact.sender and contact.sender.email else None,
    )


def send_deal_proposed(deal: Deal) -> None:
    """Ask the other side's administrators to confirm or decline (nobody else may)."""
    other = deal.other_side
    recipients = sorted(
        set(
            Membership.objects.filter(organisation=other, role=Membership.Role.ADMIN)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    url = absolute(deal.contact.get_absolute_url() if deal.contact_id else "/") + "#deal"
    _send(
        template="deal_proposed",
        context={"deal": deal, "other": other, "proposer": deal.proposed_by, "url": url},
        recipients=recipients,
    )


def send_expiry_reminder(listing: Listing) -> None:
    _send(
        template="expiry_reminder",
        context={"listing": listing, "url": absolute(listing.get_absolute_url())},
        recipients=organisation_recipients(listing.organisation),
    )


def send_digest(saved: SavedSearch, listings: list[Listing], token: str) -> None:
    _send(
        template="digest",
        context={
            "saved": saved,
            "listings": [(listing, absolute(listing.get_absolute_url())) for listing in listings],
            "unsubscribe_url": absolute(reverse("catalogue:alert_unsubscribe", args=[token])),
            "feed_url": absolute(reverse("catalogue:alert_feed", args=[saved.feed_token])),
        },
        recipients=[saved.user.email],
    )


def send_report_received(report: NeedReport) -> None:
    follow_url = absolute(report.get_follow_url())
    if report.reporter_email:
        _send(
            template="report_received",
            context={"report": report, "url": follow_url},
            recipients=[report.reporter_email],
        )
    _send(
        template="report_to_animators",
        context={
            "report": report,
            "url": absolute(reverse("catalogue:report_qualify", args=[report.pk])),
        },
        recipients=report_animators(report),
    )


def send_report_status(report: NeedReport) -> None:
    if report.reporter_email:
        _send(
            template="report_status",
            context={"report": report, "url": absolute(report.get_follow_url())},
            recipients=[report.reporter_email],
        )


def send_report_routed(report: NeedReport, organisations: list[Organisation]) -> None:
    for organisation in organisations:
        _send(
            template="report_routed",
            context={"report": report, "organisation": organisation},
            recipients=organisation_recipients(organisation),
        )
