import pytest

pytestmark = pytest.mark.django_db


def test_it_autocompletes_communes_by_name_largest_first(client):
    response = client.get("/api/v1/territory/communes", {"q": "bordeaux"})
    assert response.status_code == 200
    body = response.json()
    assert body["results"][0]["name"] == "Bordeaux"
    assert body["results"][0]["postal_codes"] == ["33000", "33100", "33200", "33300", "33800"]


def test_it_autocompletes_communes_by_postal_code(client):
    body = client.get("/api/v1/territory/communes", {"q": "05000"}).json()
    assert {commune["name"] for commune in body["results"]} >= {"Gap"}


def test_it_answers_a_too_short_query_with_a_400_in_french(client):
    response = client.get("/api/v1/territory/communes", {"q": "b"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "q"
    assert "au moins 2 caractères" in response.json()["errors"][0]["message"]


def test_it_requires_a_query(client):
    response = client.get("/api/v1/territory/communes")
    assert response.status_code == 400
    assert "obligatoire" in response.json()["errors"][0]["message"]


def test_each_suggestion_carries_a_label_that_every_place_field_reads_back(client):
    from maillage.territory.selectors import resolve_commune

    body = client.get("/api/v1/territory/communes", {"q": "lyon 8"}).json()
    first = body["results"][0]
    assert first["label"] == "Lyon 8e Arrondissement (69008)"
    assert first["kind"] == "arrondissement-municipal"
    assert resolve_commune(first["label"]).insee_code == first["insee_code"]


def test_a_postal_code_suggestion_is_labelled_with_that_code(client):
    body = client.get("/api/v1/territory/communes", {"q": "05000"}).json()
    assert "Gap (05000)" in {commune["label"] for commune in body["results"]}


def test_a_postal_code_of_an_arrondissement_suggests_the_arrondissement_not_the_city(client):
    body = client.get("/api/v1/territory/communes", {"q": "69008"}).json()
    assert [commune["label"] for commune in body["results"]] == ["Lyon 8e Arrondissement (69008)"]


def test_it_autocompletes_epcis_by_the_words_of_their_name(client):
    body = client.get("/api/v1/territory/epcis", {"q": "grand poitiers"}).json()
    assert body["results"][0] == {
        "code": "200069854",
        "name": "CU du Grand Poitiers",
        "kind": "CU",
        "population": body["results"][0]["population"],
    }


def test_it_autocompletes_epcis_by_siren_prefix(client):
    body = client.get("/api/v1/territory/epcis", {"q": "20006985"}).json()
    assert "200069854" in {epci["code"] for epci in body["results"]}


def test_it_answers_a_too_short_epci_query_with_a_400(client):
    assert client.get("/api/v1/territory/epcis", {"q": "g"}).status_code == 400
