"""Links of the member space shown on public pages (a profile), computed for the visitor."""

from django import template

from maillage.directory.models import Organisation
from maillage.membership.models import Suggestion
from maillage.membership.permissions import Action, can
from maillage.membership.services.charter import current_signature
from maillage.membership.services.validation import latest_validation

register = template.Library()


@register.inclusion_tag("membership/_organisation_actions.html", takes_context=True)
def organisation_actions(context, organisation: Organisation) -> dict:
    user = context["request"].user
    decide = can(user, Action.DECIDE_SUGGESTION, organisation)
    return {
        "organisation": organisation,
        "user": user,
        "can_edit": can(user, Action.EDIT_ORGANISATION, organisation),
        "can_claim": can(user, Action.CLAIM_ORGANISATION, organisation),
        "can_view_history": can(user, Action.VIEW_HISTORY, organisation),
        "can_manage_members": can(user, Action.MANAGE_MEMBERS, organisation),
        "can_suggest": can(user, Action.SUGGEST_CORRECTION, organisation),
        "charter_signature": current_signature(organisation),
        "validation": latest_validation(organisation),
        "can_vote": can(user, Action.VOTE_APPLICATION, organisation),
        "can_decide_suggestions": decide,
        "pending_suggestions": organisation.suggestions.filter(
            status=Suggestion.Status.PENDING
        ).count()
        if decide
        else 0,
    }
