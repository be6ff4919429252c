from django.http import HttpRequest
from ninja import Query, Router

from maillage.core.api import ErrorOut
from maillage.territory.models import Commune
from maillage.territory.schemas import CommuneList, EPCIList
from maillage.territory.selectors import epci_suggestions

router = Router(tags=["Territoires"])


@router.get(
    "/communes", response={200: CommuneList, 400: ErrorOut}, summary="Rechercher une commune"
)
def list_communes(
    request: HttpRequest,
    q: str = Query(
        ...,
        min_length=2,
        max_length=100,
        description="Début du nom (accents ignorés) ou du code postal",
    ),
    limit: int = Query(10, ge=1, le=50),
):
    """Autocomplete: communes whose name or postal code starts with `q`, largest first."""
    communes = (
        Commune.objects.matching(q)
        .select_related("departement")
        .prefetch_related("postal_codes")
        .order_by("-population", "name")
    )
    results = list(communes[:limit])
    return {"count": len(results), "results": results}


@router.get("/epcis", response={200: EPCIList, 400: ErrorOut}, summary="Rechercher un EPCI")
def list_epcis(
    request: HttpRequest,
    q: str = Query(
        ...,
        min_length=2,
        max_length=100,
        description="Mots du nom (accents ignorés) ou début du SIREN",
    ),
    limit: int = Query(10, ge=1, le=50),
):
    """Autocomplete: intercommunalités whose name contains the words of `q`, largest first."""
    results = epci_suggestions(q, limit=limit)
    return {"count": len(results), "results": results}
