"""E-mails of the catalogue, through maillage.core.mail: once the transaction commits, or within
a batch sender's per-recipient transaction (digests, expiry reminders)."""

from django.urls import reverse

from maillage.catalogue.models import ContactMessage, Deal, Listing, NeedReport, SavedSearch
from maillage.catalogue.selectors import organisation_recipients
from maillage.core.mail import MailBatch, send_mail_template
from maillage.directory.models import Organisation
from maillage.membership.emails import absolute
from maillage.membership.selectors import admin_emails_of, animator_roles_covering
from maillage.territory.models import Commune


def _send(
    *, template: str, context: dict, recipients: list[str], reply_to: list[str] | None = None
) -> None:
    send_mail_template(
        f"catalogue/emails/{template}.txt", context, recipients=recipients, reply_to=reply_to
    )


def report_animators(report: NeedReport) -> list[str]:
    communes = Commune.objects.filter(pk=report.commune_id)
    return sorted(
        {role.user.email for role in animator_roles_covering(communes) if role.user.email}
    )


def send_contact(contact: ContactMessage, recipients: list[str]) -> None:
    """To the organisation, or (`delivery` animation) to the people who can forward it."""
    forwarded = contact.delivery == ContactMessage.Delivery.ANIMATION
    _send(
        template="contact_forward" if forwarded else "contact",
        context={"contact": contact, "url": absolute(contact.get_absolute_url())},
        recipients=recipients,
        reply_to=[contact.sender.email] if contact.sender and contact.sender.email else None,
    )


def send_deal_proposed(deal: Deal) -> None:
    """Ask the other side's administrators to confirm or decline (nobody else may)."""
    other = deal.other_side
    recipients = admin_emails_of(other)
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
    batch = MailBatch("report-routed")
    for organisation in organisations:
        with batch.isolating(organisation.pk):
            _send(
                template="report_routed",
                context={"report": report, "organisation": organisation},
                recipients=organisation_recipients(organisation),
            )
    batch.log_summary()
