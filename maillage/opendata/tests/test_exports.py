"""Exports: same filters as the search, streamed; CSV safe for spreadsheets; round trip is a no-op."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from maillage.directory.models import Organisation
from maillage.directory.tests.factories import EstablishmentFactory, OrganisationFactory
from maillage.opendata.tests.conftest import CORPUS

pytestmark = pytest.mark.django_db
EXPORT = "/api/v1/organisations/export"


@pytest.fixture
def imported(run_import):
    sample = Path(settings.BASE_DIR) / "maillage/directory/tests/data/siae_sample.csv"
    run_import(sample, format="lemarche")
    run_import(CORPUS / "good.csv")


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_csv_export_has_the_import_columns_and_one_row_per_organisation(client, imported):
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == Organisation.objects.count()
    eveil = next(row for row in rows if row["siret"] == "33235830800028")
    assert (eveil["city"], eveil["postal_code"], eveil["commune_insee"]) == (
        "Poitiers",
        "86000",
        "86194",
    )


def test_the_export_takes_the_search_filters(client, imported):
    rows = list(csv.DictReader(io.StringIO(body(client.get(EXPORT, {"departement": "86"})))))
    assert {row["city"] for row in rows} == {"Poitiers"}
    rows = list(csv.DictReader(io.StringIO(body(client.get(EXPORT, {"q": "toit monde"})))))
    assert [row["name"] for row in rows] == ["LE TOIT DU MONDE"]


def test_a_bad_filter_gets_the_api_error_shape(client):
    response = client.get(EXPORT, {"near": "abc"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "near"


def test_the_export_path_is_not_read_as_an_organisation_id(client):
    assert reverse("api-v1:organisations_export") == EXPORT


def test_formulas_are_neutralised_and_the_bom_is_optional(client):
    organisation = OrganisationFactory(name='=HYPERLINK("http://x")', phone="+33 5 49 00 00 00")
    EstablishmentFactory(organisation=organisation, is_head_office=True)
    text = body(client.get(EXPORT, {"bom": "true"}))
    assert text.startswith("\ufeff")
    row = next(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row["name"] == '\'=HYPERLINK("http://x")'
    assert row["phone"] == "'+33 5 49 00 00 00"


def test_export_then_reimport_changes_nothing(client, imported, run_import, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(body(client.get(EXPORT, {"format": "csv", "bom": "true"})))
    before = list(Organisation.objects.order_by("pk").values())
    run = run_import(path, source="maillage-export")
    assert run.rejected_count == 0, list(run.problems.values_list("line", "reason"))
    assert (run.created_count, run.updated_count) == (0, 0)
    assert run.unchanged_count == len(before)
    assert list(Organisation.objects.order_by("pk").values()) == before


def test_the_geojson_export_follows_rfc_7946(client, imported):
    document = json.loads(body(client.get(EXPORT, {"format": "geojson"})))
    assert document["type"] == "FeatureCollection"
    feature = next(f for f in document["features"] if f["properties"]["siret"] == "33235830800028")
    assert feature["geometry"] == {"type": "Point", "coordinates": [0.358808, 46.592354]}
    assert feature["properties"]["url"].endswith("/organisations/assoc-leveil-poitiers/")


def test_the_jsonld_export_is_a_graph_of_schema_org_organizations(client, imported):
    response = client.get(EXPORT, {"format": "jsonld"})
    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(body(response))
    assert document["@context"]["@vocab"] == "https://schema.org/"
    node = next(n for n in document["@graph"] if n["legalName"] == "LE TOIT DU MONDE")
    assert "Organization" in node["@type"]
    assert {"@type": "PropertyValue", "propertyID": "SIRET", "value": "32515885500016"} in node[
        "identifier"
    ]
    assert node["address"]["postalCode"] == "86000"


def test_anonymous_exports_are_rate_limited_per_address(client, settings):
    settings.API_HEAVY_READ_RATE = "2/h"
    for _ in range(2):
        assert client.get(EXPORT).status_code == 200
    response = client.get(EXPORT)
    assert response.status_code == 429
    assert "Retry-After" in response


def test_signed_in_exports_are_rate_limited_per_account_at_ten_times_the_rate(client, settings):
    from maillage.membership.tests.factories import UserFactory

    settings.API_HEAVY_READ_RATE = "1/h"
    client.force_login(UserFactory())
    for _ in range(10):
        assert client.get(EXPORT).status_code == 200
    assert client.get(EXPORT).status_code == 429


def test_the_organisation_page_carries_its_jsonld_escaped(client):
    organisation = OrganisationFactory(name="Évasion</script><script>alert(1)</script>")
    EstablishmentFactory(organisation=organisation, is_head_office=True)
    content = client.get(organisation.get_absolute_url()).content.decode()
    start = content.index('<script type="application/ld+json">')
    block = content[start : content.index("</script>", start)]
    assert "</script><script>" not in block
    data = json.loads(block.removeprefix('<script type="application/ld+json">'))
    assert data["legalName"] == organisation.name


def _murmurations_validator() -> Draft7Validator:
    root = Path(settings.BASE_DIR) / "data" / "murmurations"
    schema = json.loads((root / "schemas" / "organizations_schema-v1.0.0.json").read_text())
    resources = [
        (
            f"https://test-library.murmurations.network/v2/fields/{path.name}",
            DRAFT7.create_resource(json.loads(path.read_text())),
        )
        for path in (root / "fields").glob("*.json")
    ]
    return Draft7Validator(schema, registry=Registry().with_resources(resources))


def test_murmurations_profiles_validate_against_the_schema(client, imported):
    validator = _murmurations_validator()
    for organisation in Organisation.objects.all():
        profile = client.get(f"/api/v1/organisations/{organisation.pk}/murmurations").json()
        errors = [error.message for error in validator.iter_errors(profile)]
        assert errors == [], (organisation.name, errors)
    assert profile["linked_schemas"] == ["organizations_schema-v1.0.0"]
