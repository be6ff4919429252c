import pytest

from maillage.directory.models import Sector
from maillage.directory.tests.factories import located_organisation
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def gap_commune():
    return Commune.objects.get(insee_code="05061")


@pytest.fixture
def organisations(gap_commune):
    meal_trays = Sector.objects.get(slug="paniers-plateaux-repas")
    return {
        "ecole": located_organisation(name="École de la deuxième chance", kinds=["ACI"]),
        "cantine": located_organisation(
            name="La Cantine solidaire", kinds=["EI"], sectors=[meal_trays]
        ),
        "gap": located_organisation(
            name="Recyclerie des Hautes-Alpes",
            kinds=["ACI", "AI"],
            commune=gap_commune,
            postal_code="05000",
        ),
    }


def names(response) -> set[str]:
    return {result["name"] for result in response.json()["results"]}


def test_it_lists_organisations_with_count_and_page(client, organisations):
    body = client.get("/api/v1/organisations").json()
    assert body["count"] == 3
    assert body["page"] == 1
    assert body["page_size"] == 20
    assert body["results"][0]["head_office"]["commune"]["name"]


def test_text_search_ignores_accents_and_case(client, organisations):
    assert names(client.get("/api/v1/organisations", {"q": "ecole DEUXIEME"})) == {
        "École de la deuxième chance"
    }


def test_it_filters_by_sector_group_including_its_sectors(client, organisations):
    for slug in ("paniers-plateaux-repas", "restauration"):
        assert names(client.get("/api/v1/organisations", {"sector": slug})) == {
            "La Cantine solidaire"
        }


def test_it_filters_by_kind_departement_and_commune(client, organisations):
    assert names(client.get("/api/v1/organisations", {"kind": "AI"})) == {
        "Recyclerie des Hautes-Alpes"
    }
    assert len(names(client.get("/api/v1/organisations", {"departement": "86"}))) == 2
    assert names(client.get("/api/v1/organisations", {"commune": "05061"})) == {
        "Recyclerie des Hautes-Alpes"
    }


def test_it_paginates(client, organisations):
    body = client.get("/api/v1/organisations", {"page": 2, "page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 1


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "abc"}, "page", "nombre entier"),
        ({"page": "0"}, "page", "supérieur ou égal à 1"),
        ({"page_size": "100000"}, "page_size", "inférieur ou égal à 100"),
    ],
)
def test_malformed_parameters_get_a_400_naming_the_field_in_french(client, params, field, message):
    response = client.get("/api/v1/organisations", params)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert message in error["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sector": "inconnue"}, "sector"),
        ({"kind": "XYZ"}, "kind"),
        ({"commune": "00000"}, "commune"),
    ],
)
def test_unknown_filter_values_get_a_400_rather_than_an_empty_list(client, params, field):
    response = client.get("/api/v1/organisations", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_it_returns_one_organisation_with_its_establishments(client, organisations):
    organisation = organisations["gap"]
    body = client.get(f"/api/v1/organisations/{organisation.pk}").json()
    assert body["name"] == "Recyclerie des Hautes-Alpes"
    assert body["establishments"][0]["postal_code"] == "05000"
    assert {kind["code"] for kind in body["kinds"]} == {"ACI", "AI"}


def test_an_unpublished_organisation_is_not_found(client, organisations):
    organisation = organisations["gap"]
    organisation.is_published = False
    organisation.save()
    response = client.get(f"/api/v1/organisations/{organisation.pk}")
    assert response.status_code == 404
    assert str(organisation.pk) in response.json()["detail"]


def test_a_non_numeric_identifier_is_a_client_error(client):
    assert client.get("/api/v1/organisations/abc").status_code == 400


def test_openapi_describes_every_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
        "/api/v1/territory/communes",
    } <= set(schema["paths"])


def test_the_api_documentation_page_is_served(client):
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/api/v1/organisations?near=46.5,0.3&radius_km=-1", "radius_km", "entre 0 et 300"),
        ("/api/v1/organisations?radius_km=10", "radius_km", "demande aussi un centre"),
        ("/api/v1/organisations?bbox=1,2,3", "bbox", "4 nombres"),
        ("/api/v1/organisations?bbox=170,-20,-170,-10", "bbox", "antiméridien"),
        ("/api/v1/organisations?near=abc", "near", "2 nombres"),
        ("/api/v1/organisations?near=95,2", "near", "latitude doit être entre -90 et 90"),
        ("/api/v1/organisations?sort=random", "sort", "l'une de ces valeurs"),
        ("/api/v1/map/clusters?zoom=99", "zoom", "inférieur ou égal à 20"),
        ("/api/v1/map/clusters?zoom=8&bbox=a,b,c,d", "bbox", "4 nombres"),
    ],
)
def test_malformed_search_parameters_get_a_400_naming_the_field(client, url, field, message):
    response = client.get(url)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert message in error["message"]


def test_search_results_carry_their_distance_and_facets(client, organisations):
    body = client.get("/api/v1/organisations", {"near": "44.56,6.08", "radius_km": 10}).json()
    assert [result["name"] for result in body["results"]] == ["Recyclerie des Hautes-Alpes"]
    assert body["results"][0]["distance_km"] < 10
    assert {facet["value"] for facet in body["facets"]["kind"]} == {"ACI", "AI"}


def test_map_clusters_are_geojson(client, organisations):
    body = client.get("/api/v1/map/clusters", {"zoom": 14, "bbox": "5.9,44.4,6.3,44.7"}).json()
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["slug"] == organisations["gap"].slug


def test_map_clusters_filter_by_words(client, organisations):
    # PostgreSQL used to fail here: the words' match named the table, aliased in a subquery.
    body = client.get(
        "/api/v1/map/clusters", {"q": "recyclerie", "zoom": 14, "bbox": "5.9,44.4,6.3,44.7"}
    ).json()
    [feature] = body["features"]
    assert feature["properties"]["slug"] == organisations["gap"].slug
