"""E-mails of the catalogue, through maillage.core.mail: once the transaction commits, or within
a batch sender's per-recipient transaction (digests, expiry reminders)."""

from django.urls import reverse

from maillage.catalogue.models import ContactMessage, Listing, NeedReport, SavedSearch
from maillage.core.mail import MailBatch, send_mail_template
from maillage.directory.models import Organisation
from maillage.membership.emails import absolute
from maillage.membership.models import Membership, PlatformRole


def _send(
    *, template: str, context: dict, recipients: list[str], reply_to: list[str] | None = None
) -> None:
    send_mail_template(
        f"catalogue/emails/{template}.txt", context, recipients=recipients, reply_to=reply_to
    )


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
    batch = MailBatch("report-routed")
    for organisation in organisations:
        with batch.isolating(organisation.pk):
            _send(
                template="report_routed",
                context={"report": report, "organisation": organisation},
                recipients=organisation_recipients(organisation),
            )
    batch.log_summary()
