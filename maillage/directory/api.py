from django.http import Http404, HttpRequest
from ninja import Query, Router

from maillage.core.api import ErrorOut, error_response
from maillage.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate
from maillage.directory.models import Organisation
from maillage.directory.schemas import OrganisationDetail, OrganisationPage
from maillage.directory.selectors import (
    DirectoryFilters,
    filter_organisations,
    unknown_filter_values,
)

router = Router(tags=["Annuaire"])


@router.get(
    "/organisations",
    response={200: OrganisationPage, 400: ErrorOut, 422: ErrorOut},
    summary="Lister les organisations",
)
def list_organisations(
    request: HttpRequest,
    q: str = Query("", max_length=200, description="Mots cherchés (accents et casse ignorés)"),
    sector: str = Query("", max_length=150, description="Identifiant d'une filière ou d'un groupe"),
    kind: str = Query("", max_length=5, description="EI, ETTI, ACI, AI, EITI, EA, ESAT, GEIQ"),
    departement: str = Query("", max_length=3, description="Code du département (33, 2A, 974)"),
    commune: str = Query("", max_length=5, description="Code INSEE de la commune"),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    filters = DirectoryFilters(
        q=q, sector=sector, kind=kind, departement=departement, commune=commune
    )
    unknown = unknown_filter_values(filters)
    if unknown:
        errors = [{"field": name, "message": message} for name, message in unknown.items()]
        return error_response(request, 400, "Filtre inconnu.", errors)
    organisations = filter_organisations(filters).with_card_data()
    count, results = paginate(organisations, page=page, page_size=page_size)
    return {"count": count, "page": page, "page_size": page_size, "results": results}


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetail, 404: ErrorOut},
    summary="Lire une organisation",
)
def get_organisation(request: HttpRequest, organisation_id: int):
    organisation = (
        Organisation.objects.published()
        .with_card_data()
        .select_related("legal_form")
        .prefetch_related("labels", "networks", "poles", "daily_needs")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        raise Http404(f"Aucune organisation publiée n'a l'identifiant {organisation_id}.")
    return organisation
