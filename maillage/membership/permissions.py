"""Every write action and who may do it; docs/permissions.md is the same table, and a test checks both."""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from maillage.directory.models import Organisation
from maillage.membership.models import Membership, PlatformRole


class Action(StrEnum):
    CREATE_ORGANISATION = "create_organisation"
    CLAIM_ORGANISATION = "claim_organisation"
    EDIT_ORGANISATION = "edit_organisation"
    EDIT_ESTABLISHMENT = "edit_establishment"
    CONFIRM_VALIDITY = "confirm_validity"
    VIEW_HISTORY = "view_history"
    MANAGE_MEMBERS = "manage_members"
    DECIDE_CLAIM = "decide_claim"
    GRANT_PLATFORM_ROLE = "grant_platform_role"
    VIEW_DASHBOARD = "view_dashboard"


# Actions on one organisation that its members, its animators and platform admins may do.
_ORGANISATION_KEEPERS = {
    Action.EDIT_ORGANISATION,
    Action.EDIT_ESTABLISHMENT,
    Action.CONFIRM_VALIDITY,
    Action.VIEW_HISTORY,
}


def is_platform_admin(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def animator_scope(user: User | AnonymousUser) -> Q | None:
    """The organisations a user animates, as a filter; None when they animate no territory."""
    if not user.is_authenticated:
        return None
    roles = PlatformRole.objects.filter(user=user, kind=PlatformRole.Kind.ANIMATOR)
    scope = None
    for role in roles:
        scope = role.organisation_filter() if scope is None else scope | role.organisation_filter()
    return scope


def animates(user: User | AnonymousUser, organisation: Organisation) -> bool:
    scope = animator_scope(user)
    if scope is None:
        return False
    return Organisation.objects.filter(scope, pk=organisation.pk).exists()


def membership_of(user: User | AnonymousUser, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def can(
    user: User | AnonymousUser, action: Action, organisation: Organisation | None = None
) -> bool:
    """Whether `user` may do `action` (on `organisation` for the actions about one profile)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_platform_admin(user):
        return True
    if action == Action.GRANT_PLATFORM_ROLE:
        return False
    if action == Action.CREATE_ORGANISATION:
        return True
    if action == Action.VIEW_DASHBOARD:
        return animator_scope(user) is not None
    assert organisation is not None, f"{action} needs an organisation"
    membership = membership_of(user, organisation)
    if action == Action.CLAIM_ORGANISATION:
        return membership is None
    if action in _ORGANISATION_KEEPERS:
        return membership is not None or animates(user, organisation)
    if action == Action.MANAGE_MEMBERS:
        return (membership is not None and membership.is_admin) or animates(user, organisation)
    if action == Action.DECIDE_CLAIM:
        return animates(user, organisation)
    raise ValueError(f"Unknown action {action}")
