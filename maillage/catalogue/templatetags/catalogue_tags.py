"""The catalogue's part of a profile page: its open offers and needs, and its cooperations."""

import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from maillage.catalogue.models import ContactMessage, Listing, NeedReport
from maillage.catalogue.permissions import (
    can_contact,
    can_publish,
    organisations_of,
    report_scope,
)
from maillage.catalogue.selectors import contact_route, contacts_of, cooperation_partners
from maillage.directory.models import Organisation
from maillage.membership.selectors import organisations_animated_by

register = template.Library()


# Match scores run from about 15 (a related sector, far away) to 115 (everything fits); the
# labels say in words what a bare number did not.
SCORE_LABELS = [(70, gettext_lazy("Très pertinent")), (45, gettext_lazy("Pertinent"))]


@register.filter
def score_label(score: int) -> str:
    for threshold, label in SCORE_LABELS:
        if score >= threshold:
            return str(label)
    return gettext("À examiner")


@register.inclusion_tag("catalogue/_organisation_catalogue.html", takes_context=True)
def organisation_catalogue(context, organisation: Organisation) -> dict:
    return {
        "organisation": organisation,
        "listings": Listing.objects.open().filter(organisation=organisation)[:20],
        "partners": cooperation_partners(organisation),
        "can_publish": can_publish(context["request"].user, organisation),
    }


@register.inclusion_tag("catalogue/_contact_button.html", takes_context=True)
def contact_button(context, organisation: Organisation) -> dict:
    """« Contacter » on a profile, for everyone but its own members, who see the messages it
    received instead (those kept from before they joined too); anonymous visitors sign in first.
    Says beforehand when the message will go through the territory's animation."""
    user = context["request"].user
    own = user.is_authenticated and organisation in organisations_of(user)
    return {
        "organisation": organisation,
        "own": own,
        "received": organisation.contacts_received.count() if own else 0,
        "shown": not own and (can_contact(user) or not user.is_authenticated),
        "signed_in": user.is_authenticated,
        "route": None if own else contact_route(organisation),
    }


# Messages confided to the animation stay on its dashboard this long.
FORWARDED_DAYS = 30


@register.inclusion_tag("membership/_attention_cards.html", takes_context=True)
def catalogue_attention_cards(context) -> dict:
    """The animation dashboard's catalogue cards: reports to qualify, messages to forward."""
    user = context["request"].user
    scope = report_scope(user)
    received = (
        NeedReport.objects.filter(scope, status=NeedReport.Status.RECEIVED).count()
        if scope is not None
        else 0
    )
    since = timezone.now() - datetime.timedelta(days=FORWARDED_DAYS)
    forwarded = ContactMessage.objects.filter(
        delivery=ContactMessage.Delivery.ANIMATION,
        created_at__gte=since,
        recipient__in=organisations_animated_by(user).values("pk"),
    ).count()
    return {
        "cards": [
            {
                "count": received,
                "label": ngettext(
                    "besoin signalé à qualifier", "besoins signalés à qualifier", received
                ),
                "url": reverse("catalogue:report_queue") + "?etat=received",
            },
            {
                "count": forwarded,
                "label": ngettext(
                    "message confié à l'animation (30 jours)",
                    "messages confiés à l'animation (30 jours)",
                    forwarded,
                ),
                "url": reverse("catalogue:contacts"),
            },
        ]
    }


@register.inclusion_tag("catalogue/_account_catalogue.html")
def account_catalogue(user) -> dict:
    """The account page's links to the person's alerts and contacts, with their counts."""
    return {
        "alert_count": user.saved_searches.count(),
        "contact_count": contacts_of(user).count(),
    }
