"""Typed OpenAPI for the payloads built as dicts or streamed: clusters, exports, Murmurations.
Each declared model is in the document, and real payloads validate against it."""

import json

import pytest

from maillage.directory.schemas import ClusterCollection
from maillage.directory.tests.factories import EstablishmentFactory, OrganisationFactory
from maillage.opendata.schemas import ExportFeatureCollection, JsonLdGraph, MurmurationsProfile

pytestmark = pytest.mark.django_db
EXPORT = "/api/v1/organisations/export"


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(kinds=["ACI"], email="contact@example.org")
    EstablishmentFactory(organisation=organisation)
    return organisation


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_reference_of_the_openapi_document_resolves(client):
    document = client.get("/api/v1/openapi.json").json()
    components = document["components"]["schemas"]

    missing = {ref for ref in _refs(document) if ref.split("/")[-1] not in components}

    assert missing == set()


def _content(document: dict, path: str) -> dict:
    return document["paths"][path]["get"]["responses"]["200"]["content"]


def test_geojson_responses_are_declared_as_application_geo_json_with_their_model(client):
    document = client.get("/api/v1/openapi.json").json()

    clusters = _content(document, "/api/v1/map/clusters")
    export = _content(document, EXPORT)

    assert clusters == {
        "application/geo+json": {"schema": {"$ref": "#/components/schemas/ClusterCollection"}}
    }
    assert export["application/geo+json"]["schema"]["$ref"].endswith("/ExportFeatureCollection")
    assert export["application/ld+json"]["schema"]["$ref"].endswith("/JsonLdGraph")
    murmurations = _content(document, "/api/v1/organisations/{organisation_id}/murmurations")
    assert murmurations["application/json"]["schema"]["$ref"].endswith("/MurmurationsProfile")


def test_map_clusters_are_served_as_geo_json_and_match_their_model(client, organisation):
    response = client.get("/api/v1/map/clusters", {"zoom": 14, "extent": "true", "q": "solidaire"})

    assert response["Content-Type"] == "application/geo+json"
    ClusterCollection.model_validate(response.json())


@pytest.mark.parametrize(
    ("format", "model"), [("geojson", ExportFeatureCollection), ("jsonld", JsonLdGraph)]
)
def test_exports_match_their_declared_model(client, organisation, format, model):
    response = client.get(EXPORT, {"format": format})

    model.model_validate(json.loads(b"".join(response.streaming_content)))


def test_murmurations_profiles_match_their_declared_model(client, organisation):
    response = client.get(f"/api/v1/organisations/{organisation.pk}/murmurations")

    MurmurationsProfile.model_validate(response.json())
