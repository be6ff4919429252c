"""API writes of the members of an organisation: the same service and rules as the edit page."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field

from maillage.core.api import WriteSchema, error_response
from maillage.directory.api import get_organisation
from maillage.directory.api import router as directory_router
from maillage.directory.models import EssFamily, SizeBand
from maillage.directory.schemas import OrganisationDetail
from maillage.membership.api_auth import (
    WRITE_AUTH,
    WRITE_ERRORS,
    get_organisation_for_api_write,
)
from maillage.membership.services.organisations import ProfileError, update_organisation


class OrganisationPatch(WriteSchema):
    """Only the fields sent change; the others keep their value; an unknown field is a 400.

    Values are checked by the model's validators, like the edit page's (one rule per field)."""

    name: str | None = Field(None, min_length=1, max_length=255, description="Raison sociale")
    brand: str | None = Field(None, max_length=255, description="Nom d'usage")
    description: str | None = Field(None, max_length=10_000, description="Présentation")
    siren: str | None = Field(None, max_length=20, description="SIREN (9 chiffres)")
    rna: str | None = Field(None, max_length=10, description="Numéro RNA (W + 9 chiffres)")
    ess_family: EssFamily | None = Field(None, description="Famille de l'ESS")
    is_esus: bool | None = Field(None, description="Agrément ESUS")
    size_band: SizeBand | None = Field(None, description="Tranche d'effectif (code INSEE)")
    website: str | None = Field(None, max_length=300, description="Site web (https://…)")
    email: str | None = Field(None, max_length=254, description="E-mail public")
    phone: str | None = Field(None, max_length=30, description="Téléphone public")


def _errors(error: ValidationError) -> list[dict]:
    if not hasattr(error, "error_dict"):
        return [{"field": "?", "message": message} for message in error.messages]
    return [
        {"field": field, "message": message}
        for field, messages in error.message_dict.items()
        for message in messages
    ]


@directory_router.patch(
    "/organisations/{organisation_id}",
    auth=WRITE_AUTH,
    response={200: OrganisationDetail, **WRITE_ERRORS},
    summary="Modifier une organisation",
)
def patch_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationPatch):
    """For its members (personal token of this organisation, or session with CSRF) and the
    animators of its territory; validated like the edit page, recorded in its history."""
    organisation = get_organisation_for_api_write(request, organisation_id)
    data = payload.model_dump(exclude_unset=True)
    if "is_esus" in data and data["is_esus"] is None:
        del data["is_esus"]  # the service turns the other nulls into empty values
    try:
        update_organisation(organisation=organisation, user=request.auth, data=data)
    except ValidationError as error:
        return error_response(request, 400, "Fiche invalide.", _errors(error))
    except ProfileError as error:
        return error_response(request, 400, str(error))
    return get_organisation(request, organisation_id)
