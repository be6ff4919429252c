"""Input and output schemas of the catalogue's API."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema

from maillage.core.pagination import PageMeta


class SectorOut(Schema):
    slug: str
    name: str


class ListingOut(Schema):
    id: int
    side: Literal["offer", "need"]
    title: str
    description: str
    kind: str
    exchange_mode: str
    price: Decimal | None
    price_on_quote: bool
    quantity: Decimal | None
    unit: str
    available_from: datetime.date | None
    available_until: datetime.date | None
    recurrence: str
    radius_km: int | None
    status: str
    expires_on: datetime.date
    cpv_code: str
    reserved_market: str
    sectors: list[SectorOut]
    organisation: str
    organisation_name: str
    commune: str | None
    latitude: float | None
    longitude: float | None
    is_example: bool
    url: str
    created_at: datetime.datetime


class ListingPage(PageMeta):
    results: list[ListingOut]


class MatchOut(Schema):
    score: int
    distance_km: float | None
    explanation: str
    reasons: list[str]
    organisation: str
    organisation_name: str
    listing: ListingOut | None


class MatchesOut(Schema):
    listing_id: int
    matches: list[MatchOut]
    organisations: list[MatchOut]
