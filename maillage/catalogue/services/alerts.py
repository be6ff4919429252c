"""Alerts (B3): saved searches delivered by e-mail digest and by Atom feed."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.catalogue import emails
from maillage.catalogue.models import Listing, SavedSearch
from maillage.catalogue.selectors import within_circle
from maillage.core.mail import MailBatch

UNSUBSCRIBE_SALT = "maillage.catalogue.unsubscribe"
PERIODS = {
    SavedSearch.Frequency.DAILY: datetime.timedelta(days=1),
    SavedSearch.Frequency.WEEKLY: datetime.timedelta(days=7),
}
DIGEST_LIMIT = 30


class AlertLinkError(Exception):
    """An unsubscribe link that cannot be used, with a reason the user can read."""


@transaction.atomic
def save_search(*, user: User, data: dict[str, Any]) -> SavedSearch:
    sectors = data.pop("sectors", [])
    saved = SavedSearch(user=user, **data)
    saved.full_clean(exclude=["user"])
    saved.save()
    saved.sectors.set(sectors)
    return saved


def listings_for(saved: SavedSearch) -> QuerySet:
    """The open listings that the saved criteria select, newest first."""
    listings = Listing.objects.open()
    if saved.query:
        listings = listings.search(saved.query)
    if saved.side:
        listings = listings.filter(side=saved.side)
    if saved.kinds:
        listings = listings.filter(kind__in=saved.kinds)
    sector_ids = list(saved.sectors.values_list("pk", flat=True))
    if sector_ids:
        listings = listings.filter(
            pk__in=Listing.sectors.through.objects.filter(sector_id__in=sector_ids).values(
                "listing_id"
            )
        )
    if saved.departement_id:
        listings = listings.filter(departement_id=saved.departement_id)
    if saved.near_id:
        listings = within_circle(listings, saved.near, saved.radius_km or saved.DEFAULT_RADIUS_KM)
    return listings.select_related("organisation", "commune").order_by("-created_at", "-pk")


def unsubscribe_token(saved: SavedSearch) -> str:
    return signing.dumps({"s": saved.pk}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> SavedSearch:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise AlertLinkError(
            _("Ce lien n'est pas valide : copiez-le en entier depuis l'e-mail reçu.")
        ) from error
    saved = SavedSearch.objects.filter(pk=payload.get("s")).first()
    if saved is None:
        raise AlertLinkError(_("Cette alerte n'existe plus."))
    return saved


@transaction.atomic
def unsubscribe(*, saved: SavedSearch) -> SavedSearch:
    SavedSearch.objects.filter(pk=saved.pk).update(is_active=False)
    saved.is_active = False
    return saved


@transaction.atomic
def delete_search(*, saved: SavedSearch) -> None:
    saved.delete()


def send_digests(*, frequency: str, now: datetime.datetime | None = None) -> int:
    """E-mail each due alert the listings published since its last digest; returns e-mails sent."""
    now = now or timezone.now()
    due = SavedSearch.objects.filter(is_active=True, frequency=frequency).select_related("user")
    sent = 0
    batch = MailBatch("alert-digest")
    for saved in due:
        since = saved.last_sent_at or (now - PERIODS[frequency])
        if saved.last_sent_at and now - saved.last_sent_at < PERIODS[
            frequency
        ] - datetime.timedelta(hours=1):
            continue
        # One alert's failure (its e-mail, its query) is logged and counted; the others go on.
        # Its date is written with its e-mail, so that a failed one is tried again next time.
        with batch.isolating(saved.pk), transaction.atomic():
            new = list(
                listings_for(saved).filter(created_at__gt=since, created_at__lte=now)[:DIGEST_LIMIT]
            )
            SavedSearch.objects.filter(pk=saved.pk).update(last_sent_at=now)
            if new and saved.user.email:
                emails.send_digest(saved, new, unsubscribe_token(saved))
                sent += 1
    batch.log_summary()
    return sent
