"""Reads of the membership domain, and the fetch-and-authorise helpers every view goes through."""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Establishment, Organisation
from maillage.directory.querysets import listing_limit
from maillage.membership.models import (
    Application,
    ChangeRecord,
    Claim,
    Membership,
    PlatformRole,
    Suggestion,
)
from maillage.membership.permissions import (
    Action,
    animator_scope,
    can,
    can_decide_suggestion,
    is_platform_admin,
)
from maillage.territory.models import Commune

_REFUSALS = {
    Action.CLAIM_ORGANISATION: _("Vous êtes déjà membre de cette organisation."),
    Action.MANAGE_MEMBERS: _(
        "Seuls les administrateurs de l'organisation et l'animation du territoire gèrent ses membres."
    ),
    Action.VIEW_APPLICATION: _(
        "La candidature se consulte par l'organisation, les membres des collèges et l'animation."
    ),
    Action.DECIDE_CLAIM: _(
        "Seule l'animation du territoire de l'organisation peut décider de cette demande."
    ),
}


def _refuse(action: Action) -> PermissionDenied:
    default = _(
        "Seuls les membres de l'organisation et l'animation de son territoire peuvent faire cela."
    )
    return PermissionDenied(str(_REFUSALS.get(action, default)))


def get_organisation_for_user(
    user: User | AnonymousUser, slug: str, *, action: Action
) -> Organisation:
    """The organisation if it exists (404 otherwise) and `user` may do `action` on it (403 otherwise)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can(user, action, organisation):
        raise _refuse(action)
    return organisation


def get_establishment_for_user(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Organisation, Establishment]:
    organisation = get_organisation_for_user(user, slug, action=Action.EDIT_ESTABLISHMENT)
    establishment = get_object_or_404(
        Establishment.objects.select_related("commune"), pk=pk, organisation=organisation
    )
    return organisation, establishment


def get_membership_for_user(user: User | AnonymousUser, slug: str, pk: int) -> Membership:
    organisation = get_organisation_for_user(user, slug, action=Action.MANAGE_MEMBERS)
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=pk,
        organisation=organisation,
    )


def get_claim_for_user(user: User | AnonymousUser, pk: int) -> Claim:
    claim = get_object_or_404(Claim.objects.select_related("organisation", "user"), pk=pk)
    if not can(user, Action.DECIDE_CLAIM, claim.organisation):
        raise _refuse(Action.DECIDE_CLAIM)
    return claim


def get_suggestion_for_user(user: User | AnonymousUser, slug: str, pk: int) -> Suggestion:
    organisation = get_organisation_for_user(user, slug, action=Action.DECIDE_SUGGESTION)
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("organisation", "author"),
        pk=pk,
        organisation=organisation,
    )
    if not can_decide_suggestion(user, suggestion):
        raise PermissionDenied(
            str(
                _(
                    "L'organisation a 15 jours pour répondre à une suggestion avant que l'animation "
                    "du territoire ne le fasse à sa place."
                )
            )
        )
    return suggestion


def pending_suggestions_of(organisation: Organisation) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(organisation=organisation, status=Suggestion.Status.PENDING)
        .select_related("author", "organisation")
        .order_by("created_at")
    )


def decided_suggestions_of(organisation: Organisation) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(organisation=organisation)
        .exclude(status=Suggestion.Status.PENDING)
        .select_related("author", "decided_by")
        .order_by("-decided_at")
    )


def organisations_animated_by(user: User | AnonymousUser) -> QuerySet[Organisation]:
    if is_platform_admin(user):
        return Organisation.objects.all()
    scope = animator_scope(user)
    if scope is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(scope).distinct()


def is_animator(user: User | AnonymousUser) -> bool:
    return is_platform_admin(user) or animator_scope(user) is not None


def pending_claims_for(user: User | AnonymousUser) -> QuerySet[Claim]:
    """Claims waiting for a decision in the territories `user` animates."""
    return (
        Claim.objects.filter(
            status=Claim.Status.PENDING,
            organisation__in=organisations_animated_by(user).values("pk"),
        )
        .select_related("user", "organisation")
        .order_by("created_at")
    )


def animator_roles_covering(communes: QuerySet[Commune]) -> QuerySet[PlatformRole]:
    """Animator roles whose territory (région, département or EPCI) holds one of the communes:
    the one rule for who animates a place, used to route reports and unanswerable messages."""
    return PlatformRole.objects.filter(
        Q(region_id__in=communes.values("departement__region_id"))
        | Q(departement_id__in=communes.values("departement_id"))
        | Q(epci_id__in=communes.exclude(epci_id=None).values("epci_id")),
        kind=PlatformRole.Kind.ANIMATOR,
        user__is_active=True,
    ).select_related("user", "region", "departement", "epci")


def animator_roles_of(organisation: Organisation) -> QuerySet[PlatformRole]:
    """Animator roles covering any establishment of the organisation."""
    return animator_roles_covering(
        Commune.objects.filter(establishments__organisation=organisation)
    )


def admin_emails_of(organisation: Organisation) -> list[str]:
    """The addresses of the organisation's administrators, the people who answer for it."""
    return sorted(
        set(
            Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def platform_admin_emails() -> list[str]:
    """The last resort for a message nobody in the territory can receive."""
    return sorted(
        User.objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def claims_of(user: User) -> QuerySet[Claim]:
    return Claim.objects.filter(user=user).select_related("organisation")


def platform_roles_of(user: User) -> QuerySet[PlatformRole]:
    return PlatformRole.objects.filter(user=user).select_related("region", "departement", "epci")


def history_of(organisation: Organisation) -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(organisation=organisation).select_related("user")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation).select_related("user")


def freshness_dashboard(user: User | AnonymousUser, today: datetime.date) -> dict:
    """Stale and soon-stale profiles of the territories `user` animates, counted by département."""
    soon = today + datetime.timedelta(days=30)
    hidden_before = listing_limit(today)
    organisations = organisations_animated_by(user).filter(is_published=True)
    head_offices = Establishment.objects.filter(is_head_office=True)
    by_departement = (
        head_offices.filter(organisation__in=organisations.values("pk"))
        .values("commune__departement_id", "commune__departement__name")
        .annotate(
            total=Count("organisation", distinct=True),
            soon=Count(
                "organisation",
                filter=Q(organisation__valid_until__gte=today, organisation__valid_until__lte=soon),
                distinct=True,
            ),
            stale=Count(
                "organisation",
                filter=Q(
                    organisation__valid_until__lt=today,
                    organisation__valid_until__gte=hidden_before,
                ),
                distinct=True,
            ),
            hidden=Count(
                "organisation", filter=Q(organisation__valid_until__lt=hidden_before), distinct=True
            ),
        )
        .order_by("commune__departement_id")
    )
    attention = (
        organisations.filter(valid_until__lte=soon)
        .annotate(member_count=Count("memberships", distinct=True))
        .prefetch_related(
            Prefetch(
                "establishments",
                queryset=head_offices.select_related("commune"),
                to_attr="head_offices",
            )
        )
        .order_by("valid_until", "name")
    )
    return {
        "by_departement": list(by_departement),
        "attention": attention,
        "hidden_before": hidden_before,
        "soon": soon,
    }


def organisations_with_pending_suggestions(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The animated organisations with suggestions waiting, the longest-waiting first; `pending`
    counts them (the base is a subquery, so establishments do not multiply the count)."""
    pending = Q(suggestions__status=Suggestion.Status.PENDING)
    return (
        Organisation.objects.filter(pk__in=organisations_animated_by(user).values("pk"))
        .annotate(
            pending=Count("suggestions", filter=pending),
            oldest=Min("suggestions__created_at", filter=pending),
        )
        .filter(pending__gt=0)
        .order_by("oldest", "name")
    )


def open_applications_for(user: User | AnonymousUser) -> QuerySet[Application]:
    """Applications under review in the territories `user` animates, the most urgent first."""
    return (
        Application.objects.filter(
            status__in=[*Application.OPEN, Application.Status.CHANGES_REQUESTED],
            organisation__in=organisations_animated_by(user).values("pk"),
        )
        .select_related("organisation")
        .annotate(vote_count=Count("votes", filter=Q(votes__round=F("round"))))
        .order_by("deadline", "pk")
    )
