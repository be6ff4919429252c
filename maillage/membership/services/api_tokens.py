"""Personal API tokens: created for one organisation, shown once, revocable, checked on each use."""

import datetime
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import Organisation
from maillage.membership.models import ApiToken, Membership
from maillage.membership.models.tokens import TOKEN_PREFIX, token_digest
from maillage.membership.permissions import Action, can

# A person keeps at most this many active tokens: enough for a few scripts, not a leak farm.
MAX_ACTIVE_TOKENS = 20
# `last_used_at` is written at most this often per token, not on every call.
_TOUCH_EVERY = datetime.timedelta(minutes=5)


class ApiTokenError(Exception):
    """A refusal the user can read (in French)."""


@transaction.atomic
def create_api_token(*, user: User, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """A new token for `organisation`; returns it with the secret, which is never stored."""
    if not can(user, Action.EDIT_ORGANISATION, organisation):
        raise ApiTokenError(
            _("Seuls les membres de l'organisation peuvent créer un jeton pour elle.")
        )
    name = name.strip()
    if not name:
        raise ApiTokenError(_("Donnez un nom au jeton, par exemple celui du script qui l'utilise."))
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ApiTokenError(
            _("Vous avez déjà %(count)d jetons actifs : révoquez-en un d'abord.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        organisation=organisation,
        name=name[:100],
        prefix=raw[:12],
        digest=token_digest(raw),
    )
    token.full_clean()
    token.save()
    return token, raw


def revoke_api_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s tokens; revoking twice changes nothing."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise ApiTokenError(_("Ce jeton n'existe pas ou n'est pas le vôtre."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def revoke_tokens_of(*, user: User, organisation: Organisation) -> int:
    """Revoke the person's tokens for the organisation, when their membership ends: a token
    must not come back to life if they join again. Returns how many were revoked."""
    now = timezone.now()
    return ApiToken.objects.filter(
        user=user, organisation=organisation, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)


def _still_entitled(token: ApiToken) -> bool:
    """A token lives within the membership it was created in: one older than the person's
    current membership (removed, then back) stays dead. Without a membership, only a role that
    may still edit the organisation (its territory's animator) keeps it."""
    membership = Membership.objects.filter(
        user_id=token.user_id, organisation_id=token.organisation_id
    ).first()
    if membership is not None:
        return membership.created_at <= token.created_at
    return can(token.user, Action.EDIT_ORGANISATION, token.organisation)


def authenticate_api_token(raw: str) -> ApiToken | None:
    """The active token with this secret, its person still active and still entitled to it
    (checked on every use, not only when a membership ends); None otherwise."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if not _still_entitled(token):
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=now, updated_at=now)
        return None
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
