"""The catalogue's part of a profile page: its open offers and needs, and its cooperations."""

from django import template

from maillage.catalogue.models import Listing
from maillage.catalogue.permissions import can_publish
from maillage.catalogue.selectors import cooperation_partners
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
