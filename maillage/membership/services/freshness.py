"""Freshness (A6): reminders before a profile expires, and its confirmation by a signed link."""

import datetime

from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.mail import MailBatch
from maillage.directory.models import Organisation, default_valid_until
from maillage.membership import emails
from maillage.membership.models import ChangeRecord, FreshnessReminder
from maillage.membership.services.history import record_change

REMINDER_DAYS = (30, 7)
LINK_SALT = "maillage.membership.freshness"
# A link stays usable a little past the expiry it was sent for (30 days ahead + grace).
LINK_MAX_AGE = datetime.timedelta(days=120)


class FreshnessLinkError(Exception):
    """A confirmation link that cannot be used, with a reason the user can read."""


def confirmation_token(organisation: Organisation) -> str:
    """Signed with SECRET_KEY: the profile and the expiry date the e-mail was about."""
    payload = {"o": organisation.pk, "v": organisation.valid_until.isoformat()}
    return signing.dumps(payload, salt=LINK_SALT)


def read_confirmation_token(token: str) -> tuple[Organisation, datetime.date]:
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise FreshnessLinkError(
            _("Ce lien a expiré. Connectez-vous pour confirmer ou mettre à jour la fiche.")
        ) from error
    except signing.BadSignature as error:
        raise FreshnessLinkError(
            _("Ce lien n'est pas valide : copiez-le en entier depuis l'e-mail reçu.")
        ) from error
    organisation = Organisation.objects.filter(pk=payload.get("o")).first()
    if organisation is None:
        raise FreshnessLinkError(_("Cette fiche n'existe plus."))
    return organisation, datetime.date.fromisoformat(payload["v"])


@transaction.atomic
def confirm_validity(
    *, organisation: Organisation, user: User | None, via_link: bool = False
) -> ChangeRecord:
    """The information is still correct: the profile is valid for another period."""
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    old = current.valid_until
    current.valid_until = max(old, default_valid_until())
    current.save(update_fields=["valid_until", "updated_at"])
    summary = (
        _("Informations confirmées à jour (lien reçu par e-mail)")
        if via_link
        else _("Informations confirmées à jour")
    )
    return record_change(
        organisation=current,
        user=user,
        source=ChangeRecord.Source.FRESHNESS,
        subject=ChangeRecord.Subject.ORGANISATION,
        summary=summary,
        changes=[
            {
                "field": "valid_until",
                "label": str(Organisation._meta.get_field("valid_until").verbose_name),
                "old": old.isoformat(),
                "new": current.valid_until.isoformat(),
            }
        ],
    )


def confirm_validity_from_link(*, token: str, user: User | None) -> tuple[Organisation, bool]:
    """Confirm from an e-mailed link; a second click, or after an update, changes nothing."""
    organisation, valid_until = read_confirmation_token(token)
    if organisation.valid_until > valid_until:
        return organisation, False
    confirm_validity(organisation=organisation, user=user, via_link=True)
    organisation.refresh_from_db()
    return organisation, True


def reminder_recipients(organisation: Organisation) -> list[str]:
    """Its members; a profile nobody manages yet is reminded at its public address."""
    members = sorted(
        {m.user.email for m in organisation.memberships.all() if m.user.email and m.user.is_active}
    )
    if members:
        return members
    return [organisation.email] if organisation.email else []


def _due(today: datetime.date, days: int, later: int):
    """Profiles expiring in (later, days] days that have not had this reminder for this expiry."""
    already_sent = FreshnessReminder.objects.filter(
        organisation=OuterRef("pk"), valid_until=OuterRef("valid_until"), days_before=days
    )
    return (
        Organisation.objects.filter(
            is_published=True,
            valid_until__gt=today + datetime.timedelta(days=later),
            valid_until__lte=today + datetime.timedelta(days=days),
        )
        .exclude(Exists(already_sent))
        .prefetch_related("memberships__user")
        .order_by("valid_until", "pk")
    )


def send_freshness_reminders(*, today: datetime.date | None = None) -> list[FreshnessReminder]:
    """Remind at 30 and 7 days before expiry; each (profile, expiry, delay) at most once."""
    today = today or timezone.localdate()
    # (30, 7), (7, 0): a profile already within 7 days gets only the last reminder.
    windows = list(zip(REMINDER_DAYS, (*REMINDER_DAYS[1:], 0), strict=True))
    sent = []
    batch = MailBatch("freshness-reminders")
    for days, later in windows:
        for organisation in _due(today, days, later):
            recipients = reminder_recipients(organisation)
            if not recipients:
                continue
            # A failed reminder rolls back (tried again next day); the others still go.
            with batch.isolating(organisation.pk):
                try:
                    with transaction.atomic():
                        reminder = FreshnessReminder.objects.create(
                            organisation=organisation,
                            valid_until=organisation.valid_until,
                            days_before=days,
                            recipients=recipients,
                        )
                        emails.send_freshness_reminder(
                            organisation=organisation,
                            days=days,
                            recipients=recipients,
                            token=confirmation_token(organisation),
                        )
                except IntegrityError:
                    continue  # another run sent it at the same moment
                sent.append(reminder)
    batch.log_summary()
    return sent
