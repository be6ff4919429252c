"""Finding a supplier near a place: a radius around a commune, a place read from the words,
SIREN and SIRET, the map reading the list's filters, and only listed profiles on the map."""

import datetime

import pytest

from maillage.directory.querysets import listing_limit
from maillage.directory.search.clusters import rebuild_map_cells
from maillage.directory.tests.factories import located_organisation
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db

FRANCE = {"zoom": 14, "bbox": "-5.3,41.3,9.7,51.2"}


def _commune(code: str) -> dict:
    commune = Commune.objects.get(insee_code=code)
    return {"commune": commune, "postal_code": commune.postal_code_list[0]}


@pytest.fixture
def around_lyon():
    """Two cleaning enterprises: one in Lyon 8e, one in Villeurbanne (next to Lyon)."""
    return [
        located_organisation(name="Nettoyage du 8e", kinds=["EI"], **_commune("69388")),
        located_organisation(name="Villeurbanne Propreté", kinds=["EI"], **_commune("69266")),
    ]


def _names(response) -> set[str]:
    return {organisation.name for organisation in response.context["result"].results}


def test_a_commune_without_radius_searches_twenty_km_around_it(client, around_lyon):
    response = client.get("/annuaire/", {"commune": "Lyon"})
    assert _names(response) == {"Nettoyage du 8e", "Villeurbanne Propreté"}
    assert response.context["form"]["radius_km"].value() == "20"


def test_radius_zero_keeps_the_commune_alone(client, around_lyon):
    response = client.get("/annuaire/", {"commune": "Lyon", "radius_km": "0"})
    assert _names(response) == {"Nettoyage du 8e"}


def test_a_commune_at_the_end_of_the_words_becomes_the_place(client, around_lyon):
    response = client.get("/annuaire/", {"q": "nettoyage Lyon"})
    content = response.content.decode()
    assert response.context["filters"].q == "nettoyage"
    assert _names(response) == {"Nettoyage du 8e"}
    assert "« Lyon » est compris comme le lieu" in content
    assert "keep_q=1" in content


def test_the_undo_link_searches_the_words_as_typed(client, around_lyon):
    response = client.get("/annuaire/", {"q": "nettoyage Lyon", "keep_q": "1"})
    assert response.context["filters"].q == "nettoyage Lyon"
    assert response.context["form"].place_from_q is None


@pytest.mark.parametrize("words", ["produits de la mer", "entretien jardin", "nettoyage Bois"])
def test_a_small_commune_named_like_a_word_stays_a_word(client, around_lyon, words):
    response = client.get("/annuaire/", {"q": words})
    assert response.context["filters"].q == words


@pytest.mark.parametrize("spaced", [False, True])
def test_a_siren_typed_in_the_search_box_finds_its_organisation(client, around_lyon, spaced):
    siren = around_lyon[1].siren
    typed = f"{siren[:3]} {siren[3:6]} {siren[6:]}" if spaced else siren
    assert _names(client.get("/annuaire/", {"q": typed})) == {"Villeurbanne Propreté"}


def test_a_siret_typed_in_the_search_box_finds_its_organisation(client, around_lyon):
    siret = around_lyon[0].establishments.get().siret
    assert _names(client.get("/annuaire/", {"q": siret})) == {"Nettoyage du 8e"}


def test_a_siren_finds_its_organisation_in_the_api_and_on_the_map(client, around_lyon):
    siren = around_lyon[0].siren
    listed = client.get("/api/v1/organisations", {"q": siren}).json()
    assert [row["name"] for row in listed["results"]] == ["Nettoyage du 8e"]
    clusters = client.get("/api/v1/map/clusters", {"q": siren, **FRANCE}).json()
    assert [feature["properties"]["name"] for feature in clusters["features"]] == [
        "Nettoyage du 8e"
    ]


def test_the_map_query_carries_the_commune_as_its_label_and_the_radius(client, around_lyon):
    response = client.get("/annuaire/", {"q": "nettoyage", "commune": "Lyon"})
    assert response.context["map_query"] == "q=nettoyage&commune=Lyon+%2869%29&radius_km=20"


def test_a_commune_whose_insee_code_is_another_postal_code_keeps_its_reading(client):
    located_organisation(name="Recyclerie d'Aix", **_commune("13001"))
    located_organisation(name="Recyclerie du Panier", **_commune("13201"))
    page = client.get("/annuaire/", {"commune": "Aix-en-Provence", "radius_km": "0"})
    assert _names(page) == {"Recyclerie d'Aix"}
    again = client.get(f"/annuaire/?{page.context['map_query']}")
    assert _names(again) == {"Recyclerie d'Aix"}
    query = f"{page.context['map_query']}&zoom=14&bbox={FRANCE['bbox']}"
    clusters = client.get(f"/api/v1/map/clusters?{query}").json()
    assert [feature["properties"]["name"] for feature in clusters["features"]] == [
        "Recyclerie d'Aix"
    ]


@pytest.mark.parametrize("commune", ["Lyon", "69123", "Lyon (69)", "Lyon (69001)"])
def test_the_map_api_reads_a_commune_as_the_forms_do(client, around_lyon, commune):
    body = client.get("/api/v1/map/clusters", {"commune": commune, **FRANCE}).json()
    assert [feature["properties"]["name"] for feature in body["features"]] == ["Nettoyage du 8e"]


def test_the_map_api_takes_a_radius_around_a_commune(client, around_lyon):
    body = client.get("/api/v1/map/clusters", {"commune": "Lyon", "radius_km": 20, **FRANCE}).json()
    assert body["properties"]["total"] == 2


def test_the_list_and_the_map_find_the_same_organisations(client, around_lyon):
    page = client.get("/annuaire/", {"q": "nettoyage Lyon", "kind": "EI"})
    query = f"{page.context['map_query']}&zoom=14&bbox={FRANCE['bbox']}"
    clusters = client.get(f"/api/v1/map/clusters?{query}").json()
    assert {feature["properties"]["name"] for feature in clusters["features"]} == _names(page)


def test_map_popups_carry_kinds_sectors_and_commune(client, around_lyon):
    body = client.get("/api/v1/map/clusters", {"q": "propreté", **FRANCE}).json()
    properties = body["features"][0]["properties"]
    assert properties["kinds"] == ["EI"]
    assert properties["commune"] == "Villeurbanne"
    assert "sectors" in properties


def test_a_text_search_frames_metropolitan_france_not_the_overseas(client, around_lyon):
    located_organisation(name="Nettoyage réunionnais", **_commune("97411"))
    body = client.get("/api/v1/map/clusters", {"q": "nettoyage", "extent": "true", **FRANCE})
    min_lon, min_lat, _max_lon, _max_lat = body.json()["properties"]["extent"]
    assert min_lat > 41 and min_lon > -6


def test_the_full_map_offers_the_lists_filters(client, around_lyon):
    content = client.get("/carte/", {"commune": "Lyon"}).content.decode()
    assert 'name="radius_km"' in content and 'name="kind"' in content
    assert 'value="Lyon (69)"' in content
    assert "Guadeloupe" in content and "Mayotte" in content


@pytest.mark.parametrize("precomputed", [True, False])
def test_the_unfiltered_map_leaves_out_profiles_past_their_grace_period(client, precomputed):
    expired = listing_limit() - datetime.timedelta(days=1)
    located_organisation(name="Fiche oubliée", valid_until=expired)
    if precomputed:
        rebuild_map_cells()
    body = client.get("/api/v1/map/clusters", FRANCE).json()
    assert body["features"] == []


def test_the_api_names_a_commune_it_cannot_read(client):
    response = client.get("/api/v1/organisations", {"commune": "Atlantide"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "commune"
    assert "Aucune commune ne correspond à « Atlantide »" in error["message"]


@pytest.mark.parametrize("query", [{}, {"q": "nettoyage"}])
def test_the_radius_control_shows_the_default_before_a_commune_is_typed(client, query):
    content = client.get("/annuaire/", query).content.decode()
    assert '<option value="20" selected>20 km</option>' in content


def test_a_point_without_radius_is_still_sorted_by_distance_only(client, around_lyon):
    response = client.get("/annuaire/", {"near": "45.75,4.85"})
    assert response.context["filters"].radius_km is None
    assert _names(response) == {"Nettoyage du 8e", "Villeurbanne Propreté"}
