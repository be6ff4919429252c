"""Listings placed at real organisations in real communes, through the publishing service."""

from decimal import Decimal

from maillage.catalogue.models import ExchangeMode, Kind, Listing, Side
from maillage.catalogue.services.listings import publish_listing
from maillage.directory.models import Organisation, Sector
from maillage.directory.tests.factories import located_organisation
from maillage.territory.models import Commune

POITIERS, CHATELLERAULT, GAP, BORDEAUX = "86194", "86066", "05061", "33063"


def sector(slug: str = "creation-et-entretien-des-espaces-verts") -> Sector:
    return Sector.objects.get(slug=slug)


def organisation_in(insee: str, **kwargs) -> Organisation:
    commune = Commune.objects.get(pk=insee)
    postal = commune.postal_code_list[0]
    return located_organisation(commune=commune, postal_code=postal, **kwargs)


def listing(
    *,
    organisation: Organisation | None = None,
    side: str = Side.OFFER,
    sectors: list[Sector] | None = None,
    commune: str = POITIERS,
    **data,
) -> Listing:
    organisation = organisation or organisation_in(commune)
    values = {
        "title": "Entretien des espaces verts",
        "description": "Tonte et taille des haies.",
        "kind": Kind.SERVICE,
        "exchange_mode": ExchangeMode.PRICED,
        "price_on_quote": side == Side.OFFER,
        "radius_km": 30,
        "sectors": sectors or [sector()],
    }
    values.update(data)
    return publish_listing(organisation=organisation, user=None, side=side, data=values)


def need(**kwargs) -> Listing:
    kwargs.setdefault("title", "Besoin d'entretien des espaces verts")
    kwargs.setdefault("quantity", None)
    return listing(side=Side.NEED, **kwargs)


def offer(**kwargs) -> Listing:
    return listing(side=Side.OFFER, **kwargs)


__all__ = ["Decimal", "need", "offer", "organisation_in", "sector"]
