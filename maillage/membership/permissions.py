"""Every write action (and protected read) and who may do it; docs/permissions.md is the same
table, and a test checks both."""

import datetime
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils import timezone

from maillage.directory.models import Organisation
from maillage.membership.models import College, Membership, PlatformRole, Suggestion

# An animator answers a suggestion in place of the organisation after this many days.
SUGGESTION_ANSWER_DAYS = 15


class Action(StrEnum):
    CREATE_ORGANISATION = "create_organisation"
    CLAIM_ORGANISATION = "claim_organisation"
    EDIT_ORGANISATION = "edit_organisation"
    EDIT_ESTABLISHMENT = "edit_establishment"
    CONFIRM_VALIDITY = "confirm_validity"
    VIEW_HISTORY = "view_history"
    SIGN_CHARTER = "sign_charter"
    ASSESS_CHARTER = "assess_charter"
    SUBMIT_APPLICATION = "submit_application"
    VOTE_APPLICATION = "vote_application"
    VIEW_APPLICATION = "view_application"
    REQUEST_CHANGES = "request_changes"
    CONFIGURE_COLLEGES = "configure_colleges"
    SUGGEST_CORRECTION = "suggest_correction"
    DECIDE_SUGGESTION = "decide_suggestion"
    MANAGE_MEMBERS = "manage_members"
    DECIDE_CLAIM = "decide_claim"
    GRANT_PLATFORM_ROLE = "grant_platform_role"
    VIEW_DASHBOARD = "view_dashboard"
    IMPORT_ORGANISATION = "import_organisation"


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


def commune_scope(user: User | AnonymousUser, path: str = "") -> Q | None:
    """The communes of the territories a user animates, as a filter through `path` (see
    PlatformRole.commune_filter); None if none."""
    if not user.is_authenticated:
        return None
    scope = None
    for role in PlatformRole.objects.filter(user=user, kind=PlatformRole.Kind.ANIMATOR):
        part = role.commune_filter(path)
        scope = part if scope is None else scope | part
    return scope


def editable_by(user: User | AnonymousUser, organisation_ids: set[int]) -> set[int]:
    """`can(user, EDIT_ORGANISATION, …)` for many organisations in one query (imports, row by
    row): members, the animators of their territory and platform admins."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if is_platform_admin(user):
        return set(organisation_ids)
    keepers = Q(memberships__user=user)
    scope = animator_scope(user)
    if scope is not None:
        keepers |= scope
    return set(
        Organisation.objects.filter(keepers, pk__in=organisation_ids)
        .values_list("pk", flat=True)
        .distinct()
    )


def membership_of(user: User | AnonymousUser, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def has_conflict_of_interest(user: User, organisation: Organisation) -> bool:
    """A member of the applicant, or of another profile of the same legal entity (same SIREN)."""
    linked = Q(organisation=organisation)
    if organisation.siren:
        linked |= Q(organisation__siren=organisation.siren)
    return Membership.objects.filter(linked, user=user).exists()


def colleges_of(user: User | AnonymousUser) -> list[College]:
    if not user.is_authenticated:
        return []
    return list(College.objects.filter(reviewers=user))


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
    if action in (Action.CREATE_ORGANISATION, Action.SUGGEST_CORRECTION):
        return True
    if action in (Action.VIEW_DASHBOARD, Action.CONFIGURE_COLLEGES):
        return animator_scope(user) is not None
    assert organisation is not None, f"{action} needs an organisation"
    if action == Action.IMPORT_ORGANISATION:  # who imports, and may edit this profile
        return can(user, Action.VIEW_DASHBOARD) and can(
            user, Action.EDIT_ORGANISATION, organisation
        )
    membership = membership_of(user, organisation)
    if action == Action.CLAIM_ORGANISATION:
        return membership is None
    if action in _ORGANISATION_KEEPERS:
        return membership is not None or animates(user, organisation)
    if action == Action.VOTE_APPLICATION:
        return bool(colleges_of(user)) and not has_conflict_of_interest(user, organisation)
    if action == Action.VIEW_APPLICATION:
        return can(user, Action.VIEW_HISTORY, organisation) or can(
            user, Action.VOTE_APPLICATION, organisation
        )
    if action == Action.REQUEST_CHANGES:
        return animates(user, organisation)
    if action in (Action.SIGN_CHARTER, Action.SUBMIT_APPLICATION):
        return membership is not None and membership.is_admin
    if action == Action.ASSESS_CHARTER:
        return membership is not None
    if action in (Action.MANAGE_MEMBERS, Action.DECIDE_SUGGESTION):
        return (membership is not None and membership.is_admin) or animates(user, organisation)
    if action == Action.DECIDE_CLAIM:
        return animates(user, organisation)
    raise ValueError(f"Unknown action {action}")


def can_decide_suggestion(user: User | AnonymousUser, suggestion: Suggestion) -> bool:
    """Administrators at once; animators once the organisation has let it wait, or has no admin."""
    organisation = suggestion.organisation
    if not can(user, Action.DECIDE_SUGGESTION, organisation):
        return False
    membership = membership_of(user, organisation)
    if is_platform_admin(user) or (membership is not None and membership.is_admin):
        return True
    waited = timezone.now() - suggestion.created_at >= datetime.timedelta(
        days=SUGGESTION_ANSWER_DAYS
    )
    has_admin = Membership.objects.filter(
        organisation=organisation, role=Membership.Role.ADMIN
    ).exists()
    return waited or not has_admin
