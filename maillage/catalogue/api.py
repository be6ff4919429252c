"""The catalogue's API: offers and needs (read), and their matches with explanations."""

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from maillage.catalogue.matching import Match, matches_for
from maillage.catalogue.models import ExchangeMode, Kind, Listing, Side
from maillage.catalogue.schemas import ListingPage, MatchesOut
from maillage.catalogue.selectors import ListingFilters, search_listings
from maillage.core.api import ErrorOut, error_response
from maillage.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from maillage.directory.models import Sector

router = Router(tags=["Offres et besoins"])


class ListingQuery(Schema):
    q: str = Field("", max_length=200, description="Mots cherchés (accents et casse ignorés)")
    kind: Literal[tuple(Kind.values)] | None = Field(None, description="Type d'offre ou de besoin")
    mode: Literal[tuple(ExchangeMode.values)] | None = Field(None, description="Mode d'échange")
    sector: str = Field("", max_length=150, description="Filière ou groupe de filières (slug)")
    departement: str = Field("", max_length=3, description="Code du département")


def listing_out(listing: Listing) -> dict:
    return {
        **{
            name: getattr(listing, name)
            for name in (
                "id",
                "side",
                "title",
                "description",
                "kind",
                "exchange_mode",
                "price",
                "price_on_quote",
                "quantity",
                "unit",
                "available_from",
                "available_until",
                "recurrence",
                "radius_km",
                "status",
                "expires_on",
                "cpv_code",
                "reserved_market",
                "latitude",
                "longitude",
                "is_example",
                "created_at",
            )
        },
        "sectors": [{"slug": s.slug, "name": s.name} for s in listing.sectors.all()],
        "organisation": listing.organisation.slug,
        "organisation_name": listing.organisation.display_name,
        "commune": listing.commune.name if listing.commune_id else None,
        "url": listing.get_absolute_url(),
    }


def _page(request, side: str, params: ListingQuery, page: int, page_size: int):
    sector = None
    if params.sector:
        sector = Sector.objects.filter(slug=params.sector).first()
        if sector is None:
            return error_response(
                request,
                400,
                "Filtre inconnu.",
                [{"field": "sector", "message": f"La filière « {params.sector} » n'existe pas."}],
            )
    filters = ListingFilters(
        q=params.q,
        side=side,
        kind=params.kind or "",
        mode=params.mode or "",
        sector=sector,
        departement_id=params.departement,
    )
    listings = search_listings(filters)
    count = listings.count()
    start = (page - 1) * page_size
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "results": [listing_out(listing) for listing in listings[start : start + page_size]],
    }


@router.get("/offers", response={200: ListingPage, 400: ErrorOut}, summary="Chercher des offres")
def list_offers(
    request: HttpRequest,
    params: Query[ListingQuery],
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    """Open offers, newest first."""
    return _page(request, Side.OFFER, params, page, page_size)


@router.get("/needs", response={200: ListingPage, 400: ErrorOut}, summary="Chercher des besoins")
def list_needs(
    request: HttpRequest,
    params: Query[ListingQuery],
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    """Open needs, newest first."""
    return _page(request, Side.NEED, params, page, page_size)


def _listing(side: str, listing_id: int) -> Listing:
    listing = (
        Listing.objects.filter(side=side, pk=listing_id)
        .select_related("organisation", "commune")
        .prefetch_related("sectors")
        .first()
    )
    if listing is None:
        noun = "aucune offre" if side == Side.OFFER else "aucun besoin"
        raise Http404(f"Il n'existe {noun} d'identifiant {listing_id}.")
    return listing


def _match_out(match: Match) -> dict:
    return {
        "score": match.score,
        "distance_km": round(match.distance_km, 1) if match.distance_km is not None else None,
        "explanation": match.explanation,
        "reasons": match.reasons,
        "organisation": match.organisation.slug,
        "organisation_name": match.organisation.display_name,
        "listing": listing_out(match.listing) if match.listing else None,
    }


def _matches(side: str, listing_id: int) -> dict:
    listing = _listing(side, listing_id)
    result = matches_for(listing)
    return {
        "listing_id": listing.pk,
        "matches": [_match_out(m) for m in result.listings],
        "organisations": [_match_out(m) for m in result.organisations],
    }


@router.get(
    "/offers/{offer_id}",
    response={200: dict, 400: ErrorOut, 404: ErrorOut},
    summary="Lire une offre",
)
def get_offer(request: HttpRequest, offer_id: int):
    return listing_out(_listing(Side.OFFER, offer_id))


@router.get(
    "/needs/{need_id}", response={200: dict, 400: ErrorOut, 404: ErrorOut}, summary="Lire un besoin"
)
def get_need(request: HttpRequest, need_id: int):
    return listing_out(_listing(Side.NEED, need_id))


@router.get(
    "/needs/{need_id}/matches",
    response={200: MatchesOut, 400: ErrorOut, 404: ErrorOut},
    summary="Offres et organisations qui répondent à un besoin",
)
def need_matches(request: HttpRequest, need_id: int):
    """Ranked offers, then organisations without an offer, each with a French explanation
    (« même filière · 12 km · disponible en mars · structure d'insertion »). A closed or expired
    need has no matches."""
    return _matches(Side.NEED, need_id)


@router.get(
    "/offers/{offer_id}/matches",
    response={200: MatchesOut, 400: ErrorOut, 404: ErrorOut},
    summary="Besoins auxquels une offre répond",
)
def offer_matches(request: HttpRequest, offer_id: int):
    """Ranked needs, each with a French explanation."""
    return _matches(Side.OFFER, offer_id)
