from django.http import HttpRequest
from ninja import Query, Router

from maillage.core.api import ErrorOut
from maillage.territory.schemas import CommuneList, EPCIList
from maillage.territory.selectors import commune_label, commune_suggestions, epci_suggestions

router = Router(tags=["Territoires"])


@router.get(
    "/communes",
    response={200: CommuneList, 400: ErrorOut},
    url_name="list_communes",
    summary="Rechercher une commune",
)
def list_communes(
    request: HttpRequest,
    q: str = Query(
        ...,
        min_length=2,
        max_length=100,
        description="Début du nom (accents, tirets et « St » ignorés) ou du code postal",
    ),
    limit: int = Query(10, ge=1, le=50),
):
    """Autocomplete: communes whose name or postal code starts with `q`, largest first.

    `label` is what a place field shows and reads back (« Lyon 8e Arrondissement (69008) »):
    every place field of the site accepts it.
    """
    results = list(commune_suggestions(q, limit))
    postal_code = q.strip() if q.strip().isdigit() else ""
    for commune in results:
        codes = [code for code in commune.postal_code_list if code.startswith(postal_code)]
        commune.label = (
            f"{commune.name} ({codes[0]})" if postal_code and codes else commune_label(commune)
        )
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
