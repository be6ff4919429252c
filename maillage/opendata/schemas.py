"""What the open-data endpoints send, as typed models for the OpenAPI document (`core.api.media`).

The payloads are streamed or built as dicts; the tests validate real ones against these models.
"""

from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from maillage.directory.schemas import PointGeometry


class ExportProperties(Schema):
    name: str
    brand: str
    siret: str | None
    siren: str
    rna: str
    ess_family: str
    naf: str | None = Field(..., description="Code NAF rév. 2, avec son point (88.99B)")
    kinds: list[str] = Field(..., description="EI, ETTI, ACI, AI, EITI, EA, ESAT, GEIQ")
    address: str | None
    postal_code: str | None
    city: str | None
    commune_insee: str | None
    website: str
    url: str = Field(..., description="La fiche de l'organisation sur la plateforme")


class ExportFeature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: PointGeometry | None = Field(..., description="null quand le siège n'a pas de point")
    properties: ExportProperties


class ExportFeatureCollection(Schema):
    """GeoJSON (RFC 7946): the head office of each organisation, coordinates to 6 decimals."""

    type: Literal["FeatureCollection"]
    features: list[ExportFeature]


class JsonLdGraph(Schema):
    """JSON-LD: schema.org `Organization` and ESSGlobal `SSEInitiative` nodes (docs/opendata.md)."""

    model_config = ConfigDict(populate_by_name=True)

    context: dict = Field(..., alias="@context")
    graph: list[dict] = Field(..., alias="@graph")


class MurmurationsGeolocation(Schema):
    lat: float
    lon: float


class MurmurationsLink(Schema):
    name: str
    url: str


class MurmurationsContact(Schema):
    contact_form: str
    email: str | None = None


class MurmurationsProfile(Schema):
    """A profile of Murmurations' organizations_schema-v1.0.0 (fields the platform fills)."""

    linked_schemas: list[str]
    name: str
    primary_url: str
    country_iso_3166: str
    status: str
    tags: list[str] | None = None
    nickname: str | None = None
    description: str | None = None
    full_address: str
    geolocation: MurmurationsGeolocation | None = None
    urls: list[MurmurationsLink]
    contact_details: MurmurationsContact
    telephone: str | None = None
