"""JSON-LD in the terms' own domains, ESSGlobal by its published IRIs and concepts, and
coordinates and NAF codes written the same way in every export."""

import csv
import io
import json

import pytest

from maillage.directory.models import EssFamily
from maillage.directory.tests.factories import EstablishmentFactory, OrganisationFactory
from maillage.opendata.services.jsonld import (
    CONTEXT,
    ESSGLOBAL,
    organisation_jsonld,
    organisation_record,
)

pytestmark = pytest.mark.django_db
EXPORT = "/api/v1/organisations/export"
BASE = "https://maillage.example"
STANDARD = "http://purl.org/essglobal/standard/"

# The schema.org properties each type may carry (https://schema.org/<Type>), for the types the
# export writes: a property outside its type's list is one a reader would not expect there.
SCHEMA_ORG_PROPERTIES = {
    "Organization": {
        "name",
        "legalName",
        "identifier",
        "address",
        "taxID",
        "location",
        "url",
        "email",
        "telephone",
        "description",
    },
    "Place": {"address", "geo"},
    "PostalAddress": {"streetAddress", "postalCode", "addressLocality", "addressCountry"},
    "GeoCoordinates": {"latitude", "longitude"},
    "PropertyValue": {"propertyID", "value"},
}
ESSGLOBAL_PROPERTIES = {"organisationalStructure", "qualifier"}


def _organisation(**kwargs):
    organisation = OrganisationFactory(
        ess_family=kwargs.pop("ess_family", EssFamily.ASSOCIATION),
        naf_id="88.99B",
        kinds=kwargs.pop("kinds", ["ACI"]),
        **kwargs,
    )
    EstablishmentFactory(
        organisation=organisation, latitude=46.59235412345678, longitude=0.35880849999
    )
    return organisation


def _node(organisation) -> dict:
    return organisation_jsonld(organisation_record(organisation), BASE)


def _misplaced_properties(node: dict) -> list[str]:
    """Properties not in their node's type, walking nested nodes (a tiny schema check)."""
    types = node.get("@type", [])
    types = [types] if isinstance(types, str) else types
    allowed = set().union(*(SCHEMA_ORG_PROPERTIES.get(t, set()) for t in types))
    misplaced = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key.startswith("essglobal:"):
            if key.removeprefix("essglobal:") not in ESSGLOBAL_PROPERTIES:
                misplaced.append(key)
        elif key not in allowed:
            misplaced.append(f"{'/'.join(types)}.{key}")
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, dict) and "@type" in child:
                misplaced += _misplaced_properties(child)
    return misplaced


def test_every_property_belongs_to_the_type_of_its_node():
    assert _misplaced_properties(_node(_organisation())) == []


def test_the_point_is_the_geo_of_a_place_the_organisation_is_located_at():
    node = _node(_organisation())

    assert "geo" not in node
    assert node["location"]["@type"] == "Place"
    assert node["location"]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 46.592354,
        "longitude": 0.358808,
    }


def test_no_isic_class_is_guessed_and_the_naf_code_is_an_identifier():
    node = _node(_organisation())

    assert "isicV4" not in node
    assert {"@type": "PropertyValue", "propertyID": "NAF rév. 2", "value": "88.99B"} in node[
        "identifier"
    ]


def test_essglobal_uses_its_published_namespace_and_concepts_not_labels():
    node = _node(_organisation(kinds=["ACI", "EA"]))

    assert CONTEXT["essglobal"] == ESSGLOBAL == "http://purl.org/essglobal/vocab/"
    assert node["essglobal:organisationalStructure"] == {
        "@id": f"{STANDARD}organisational-structure/OS20"
    }
    assert node["essglobal:qualifier"] == [
        {"@id": f"{STANDARD}qualifiers/Socialinsertioninitiatives"},
        {"@id": f"{STANDARD}qualifiers/q03"},
    ]


def test_a_family_without_an_essglobal_concept_gets_no_structure():
    node = _node(_organisation(ess_family=EssFamily.COOPERATIVE, kinds=[]))

    assert "essglobal:organisationalStructure" not in node
    assert "essglobal:qualifier" not in node


def _export(client, format: str) -> str:
    response = client.get(EXPORT, {"format": format})
    return b"".join(response.streaming_content).decode()


def test_every_export_rounds_coordinates_to_six_decimals(client):
    organisation = _organisation()

    row = next(csv.DictReader(io.StringIO(_export(client, "csv"))))
    feature = json.loads(_export(client, "geojson"))["features"][0]
    node = json.loads(_export(client, "jsonld"))["@graph"][0]
    murmurations = client.get(f"/api/v1/organisations/{organisation.pk}/murmurations").json()

    assert (row["latitude"], row["longitude"]) == ("46.592354", "0.358808")
    assert feature["geometry"]["coordinates"] == [0.358808, 46.592354]
    assert node["location"]["geo"]["latitude"] == 46.592354
    assert murmurations["geolocation"] == {"lat": 46.592354, "lon": 0.358808}


def test_the_csv_export_writes_the_naf_code_dotted_like_everywhere_else(client):
    _organisation()

    row = next(csv.DictReader(io.StringIO(_export(client, "csv"))))

    assert row["naf"] == "88.99B"
