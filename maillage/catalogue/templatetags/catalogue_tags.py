"""The catalogue's part of a profile page: its open offers and needs, and its cooperations."""

from django import template

from maillage.catalogue.models import Listing
from maillage.catalogue.permissions import can_publish
from maillage.catalogue.selectors import contacts_of, cooperation_partners
from maillage.directory.models import Organisation

register = template.Library()


@register.inclusion_tag("catalogue/_organisation_catalogue.html", takes_context=True)
def organisation_catalogue(context, organisation: Organisation) -> dict:
    return {
        "organisation": organisation,
        "listings": Listing.objects.open().filter(organisation=organisation)[:20],
        "partners": cooperation_partners(organisation),
        "can_publish": can_publish(context["request"].user, organisation),
    }


@register.inclusion_tag("catalogue/_account_catalogue.html")
def account_catalogue(user) -> dict:
    """The account page's links to the person's alerts and contacts, with their counts."""
    return {
        "alert_count": user.saved_searches.count(),
        "contact_count": contacts_of(user).count(),
    }
