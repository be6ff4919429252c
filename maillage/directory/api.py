from dataclasses import replace
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from maillage.core.api import GEOJSON, ErrorOut, declared_response, error_response, media
from maillage.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from maillage.directory.models import Organisation
from maillage.directory.schemas import ClusterCollection, OrganisationDetail, OrganisationPage
from maillage.directory.search.clusters import METROPOLITAN_FRANCE, map_clusters
from maillage.directory.search.params import (
    SearchParameterError,
    parse_bbox,
    parse_near,
    place_filters,
)
from maillage.directory.search.query import (
    DirectoryFilters,
    search_directory,
    unknown_filter_values,
)
from maillage.territory.models import Commune
from maillage.territory.selectors import INSEE_CODE, CommuneNotFound, resolve_commune

router = Router(tags=["Annuaire"])


class SearchQuery(Schema):
    """The directory's filters, the same for the list, the map and the pages."""

    q: str = Field(
        "",
        max_length=200,
        description="Mots cherchés (accents et casse ignorés, le dernier en préfixe)",
    )
    sector: list[str] = Field([], description="Filières ou groupes de filières (répétable)")
    kind: list[str] = Field([], description="EI, ETTI, ACI, AI, EITI, EA, ESAT, GEIQ (répétable)")
    departement: list[str] = Field([], description="Codes de département : 33, 2A, 974 (répétable)")
    label: list[str] = Field([], description="Labels (répétable)")
    family: list[str] = Field(
        [], description="association, cooperative, mutuelle, fondation, societe_ess"
    )
    commune: str = Field(
        "",
        max_length=120,
        description="Commune : code INSEE (arrondissements compris), ou nom, code postal, "
        "« Nom (code postal) » lus comme dans les formulaires ; avec radius_km, le cercle autour "
        "de son centre",
    )
    epci: str = Field("", max_length=9, description="SIREN de l'EPCI")
    region: str = Field("", max_length=3, description="Code de la région")
    near: str = Field("", max_length=60, description="Point « latitude,longitude » (WGS 84)")
    radius_km: float | None = Field(
        None, description="Rayon autour de near ou de la commune, en km (300 au plus)"
    )
    bbox: str = Field("", max_length=120, description="Zone « min_lon,min_lat,max_lon,max_lat »")


def _commune(text: str) -> Commune | None:
    """An INSEE code as documented, else what a form would read (a name, a postal code)."""
    text = text.strip()
    if not text:
        return None
    if INSEE_CODE.match(text):
        commune = Commune.objects.filter(insee_code=text.upper()).first()
        if commune is not None:
            return commune
    try:
        return resolve_commune(text)
    except CommuneNotFound as error:
        raise SearchParameterError("commune", str(error)) from error


def _filters(params: SearchQuery, sort: str = "") -> DirectoryFilters:
    """Raises SearchParameterError naming the faulty field."""
    place = place_filters(_commune(params.commune), parse_near(params.near), params.radius_km)
    return DirectoryFilters(
        q=params.q,
        sectors=tuple(params.sector),
        kinds=tuple(params.kind),
        departements=tuple(params.departement),
        labels=tuple(params.label),
        families=tuple(params.family),
        epci=params.epci,
        region=params.region,
        **place,
        bbox=parse_bbox(params.bbox),
        sort=sort,
    )


def _checked_filters(request: HttpRequest, params: SearchQuery, sort: str = ""):
    """The filters, or the 400 response that explains what is wrong."""
    try:
        filters = _filters(params, sort)
    except SearchParameterError as error:
        return None, error_response(
            request,
            400,
            "Paramètres invalides.",
            [{"field": error.field, "message": error.message}],
        )
    unknown = unknown_filter_values(filters)
    if unknown:
        errors = [{"field": name, "message": message} for name, message in unknown.items()]
        return None, error_response(request, 400, "Filtre inconnu.", errors)
    return filters, None


@router.get(
    "/organisations",
    response={200: OrganisationPage, 400: ErrorOut},
    summary="Chercher des organisations",
)
def list_organisations(
    request: HttpRequest,
    params: Query[SearchQuery],
    sort: Literal["", "relevance", "distance", "name"] = Query(
        "", description="relevance (défaut avec q), distance (défaut avec near), name"
    ),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    facets: bool = Query(
        True, description="Compter les résultats par filière, type, famille, département et label"
    ),
):
    """Full-text and geographic search, with the counts of each facet for the same query."""
    filters, error = _checked_filters(request, params, sort)
    if error:
        return error
    result = search_directory(filters, page=page, page_size=page_size, with_facets=facets)
    return {
        "count": result.count,
        "page": result.page,
        "page_size": result.page_size,
        "results": result.results,
        "facets": result.facets,
        "is_approximate": result.is_approximate,
        "corrected_query": result.corrected_query,
    }


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetail, 400: ErrorOut, 404: ErrorOut},
    summary="Lire une organisation",
)
def get_organisation(request: HttpRequest, organisation_id: int):
    # Like its page, a profile hidden from lists after its grace period stays readable by address.
    organisation = (
        Organisation.objects.filter(is_published=True)
        .with_card_data()
        .select_related("legal_form")
        .prefetch_related("labels", "networks", "poles", "daily_needs")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise Http404(f"Aucune organisation publiée n'a l'identifiant {organisation_id}.")
    return organisation


@router.get(
    "/map/clusters",
    response={200: None, 400: ErrorOut},
    url_name="map_clusters",
    summary="Regrouper les organisations pour la carte",
    tags=["Carte"],
    openapi_extra={
        "responses": {
            200: {
                "description": "GeoJSON (RFC 7946)",
                "content": media(GEOJSON, ClusterCollection),
            }
        }
    },
)
def clusters(
    request: HttpRequest,
    params: Query[SearchQuery],
    zoom: int = Query(6, ge=0, le=20, description="Niveau de zoom de la carte (0 à 20)"),
    extent: bool = Query(
        False, description="Ajouter l'emprise de tous les résultats (properties.extent)"
    ),
):
    """GeoJSON (RFC 7946): clusters with `count`, single organisations with `id`, `name`, `url`.

    At most 500 features; `bbox` is the visible area (metropolitan France by default).
    """
    filters, error = _checked_filters(request, params)
    if error:
        return error
    visible = filters.bbox or METROPOLITAN_FRANCE
    collection = map_clusters(replace(filters, bbox=None), visible, zoom, with_extent=extent)
    return declared_response(request, collection, GEOJSON)
