"""Open data endpoints: the directory export (same filters as the search) and Murmurations profiles."""

from typing import Literal

from django.http import Http404, HttpRequest, StreamingHttpResponse
from ninja import Query, Router

from maillage.core.api import GEOJSON, ErrorOut, declared_response, media
from maillage.core.ratelimit import limit_heavy_read
from maillage.directory.api import SearchQuery, _checked_filters
from maillage.directory.models import Organisation
from maillage.directory.search.query import filter_organisations
from maillage.opendata.schemas import ExportFeatureCollection, JsonLdGraph, MurmurationsProfile
from maillage.opendata.services.exports import export_csv, export_geojson, export_jsonld
from maillage.opendata.services.murmurations import murmurations_profile

router = Router(tags=["Données ouvertes"])

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": GEOJSON,
    "jsonld": "application/ld+json",
}
EXTENSIONS = {"csv": "csv", "geojson": "geojson", "jsonld": "jsonld"}


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.get(
    "/organisations/export",
    response={200: None, 400: ErrorOut, 429: ErrorOut},
    url_name="organisations_export",
    summary="Exporter les organisations (CSV, GeoJSON, JSON-LD)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le fichier, transmis au fil de l'eau",
                "content": {
                    **media("text/csv"),
                    **media(GEOJSON, ExportFeatureCollection),
                    **media("application/ld+json", JsonLdGraph),
                },
            }
        }
    },
)
def export_organisations(
    request: HttpRequest,
    params: Query[SearchQuery],
    format: Literal["csv", "geojson", "jsonld"] = Query(
        "csv", description="csv, geojson ou jsonld"
    ),
    bom: bool = Query(False, description="CSV : ajouter l'indicateur d'ordre des octets (Excel)"),
):
    """Every published organisation matching the search filters, streamed (no page limit).

    CSV columns are the import's own field names, so an export can be imported again; cells
    that a spreadsheet would read as formulas start with a quote. GeoJSON follows RFC 7946;
    JSON-LD uses schema.org `Organization` and ESSGlobal.
    """
    limit_heavy_read(request)
    filters, error = _checked_filters(request, params)
    if error:
        return error
    organisations = filter_organisations(filters)
    if format == "csv":
        stream = export_csv(organisations, bom=bom)
    elif format == "geojson":
        stream = export_geojson(organisations, base_url=base_url(request))
    else:
        stream = export_jsonld(organisations, base_url=base_url(request))
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="organisations.{EXTENSIONS[format]}"'
    return response


@router.get(
    "/organisations/{organisation_id}/murmurations",
    response={200: None, 400: ErrorOut, 404: ErrorOut},
    openapi_extra={
        "responses": {
            200: {
                "description": "Le profil",
                "content": media("application/json", MurmurationsProfile),
            }
        }
    },
    url_name="organisation_murmurations",
    summary="Profil Murmurations d'une organisation",
)
def organisation_murmurations(request: HttpRequest, organisation_id: int):
    """The profile in the Murmurations `organizations_schema-v1.0.0`, for the Murmurations index."""
    organisation = (
        Organisation.objects.filter(is_published=True, pk=organisation_id)
        .prefetch_related("kinds", "establishments__commune", "sectors")
        .first()
    )
    if organisation is None:
        raise Http404(f"Aucune organisation publiée n'a l'identifiant {organisation_id}.")
    profile = murmurations_profile(organisation, base_url=base_url(request))
    return declared_response(request, profile, "application/json")
