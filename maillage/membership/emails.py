"""E-mails of the membership domain, sent through Django's backend once the transaction commits."""

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from maillage.core.mail import send_mail_template
from maillage.directory.models import Organisation
from maillage.membership.models import (
    Application,
    Claim,
    College,
    Suggestion,
)
from maillage.membership.permissions import has_conflict_of_interest
from maillage.membership.selectors import (
    admin_emails_of,
    animator_roles_of,
    platform_admin_emails,
)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _send(*, template: str, context: dict, recipients: list[str]) -> None:
    send_mail_template(f"membership/emails/{template}.txt", context, recipients=recipients)


def animators_of(organisation: Organisation) -> list[str]:
    """E-mails of the animators whose territory holds the organisation, else of the platform admins."""
    emails = sorted(
        {role.user.email for role in animator_roles_of(organisation) if role.user.email}
    )
    return emails or platform_admin_emails()


def send_claim_received(claim: Claim) -> None:
    _send(
        template="claim_received",
        context={"claim": claim, "url": absolute(reverse("membership:claim_queue"))},
        recipients=animators_of(claim.organisation),
    )


def send_claim_decided(claim: Claim) -> None:
    _send(
        template="claim_decided",
        context={
            "claim": claim,
            "url": absolute(reverse("membership:account")),
            "edit_url": absolute(
                reverse("membership:organisation_edit", args=[claim.organisation.slug])
            ),
        },
        recipients=[claim.user.email],
    )


def send_freshness_reminder(
    *, organisation: Organisation, days: int, recipients: list[str], token: str
) -> None:
    _send(
        template="freshness_reminder",
        context={
            "organisation": organisation,
            "days": days,
            "confirm_url": absolute(reverse("membership:confirm_from_link", args=[token])),
            "edit_url": absolute(reverse("membership:organisation_edit", args=[organisation.slug])),
            "profile_url": absolute(organisation.get_absolute_url()),
        },
        recipients=recipients,
    )


def keepers_of(organisation: Organisation) -> list[str]:
    """Its administrators; the territory's animators when nobody administers it."""
    return admin_emails_of(organisation) or animators_of(organisation)


def send_profile_imported(
    *, organisation: Organisation, run_label: str, fields: list[str], held: list[str]
) -> None:
    """To the administrators of a profile an import changed (one e-mail per run), with the
    fields written and those kept for an animator's choice."""
    admins = admin_emails_of(organisation)
    _send(
        template="profile_imported",
        context={
            "organisation": organisation,
            "run_label": run_label,
            "fields": fields,
            "held": held,
            "url": absolute(reverse("membership:organisation_history", args=[organisation.slug])),
        },
        recipients=admins,
    )


def send_suggestion_received(suggestion: Suggestion) -> None:
    organisation = suggestion.organisation
    _send(
        template="suggestion_received",
        context={
            "suggestion": suggestion,
            "url": absolute(
                reverse("membership:organisation_suggestions", args=[organisation.slug])
            ),
        },
        recipients=keepers_of(organisation),
    )


def send_suggestion_decided(suggestion: Suggestion) -> None:
    if suggestion.author is None or not suggestion.author.email:
        return
    _send(
        template="suggestion_decided",
        context={
            "suggestion": suggestion,
            "profile_url": absolute(suggestion.organisation.get_absolute_url()),
        },
        recipients=[suggestion.author.email],
    )


def send_application_submitted(application: Application) -> None:
    """To the members of the colleges, except those who may not review this applicant."""
    reviewers = {
        user
        for college in College.objects.prefetch_related("reviewers")
        for user in college.reviewers.all()
        if user.email and user.is_active
    }
    recipients = sorted(
        user.email
        for user in reviewers
        if not has_conflict_of_interest(user, application.organisation)
    )
    _send(
        template="application_submitted",
        context={
            "application": application,
            "url": absolute(
                reverse("membership:organisation_validation", args=[application.organisation.slug])
            ),
        },
        recipients=recipients,
    )


def send_application_decided(application: Application) -> None:
    _send(
        template="application_decided",
        context={
            "application": application,
            "url": absolute(
                reverse("membership:organisation_validation", args=[application.organisation.slug])
            ),
        },
        recipients=keepers_of(application.organisation),
    )


def send_review_reminder(*, application: Application, reviewer: User) -> None:
    _send(
        template="review_reminder",
        context={
            "application": application,
            "url": absolute(
                reverse("membership:organisation_validation", args=[application.organisation.slug])
            ),
        },
        recipients=[reviewer.email],
    )
