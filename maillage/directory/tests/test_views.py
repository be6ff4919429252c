import pytest

from maillage.directory.tests.factories import located_organisation
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def cantine():
    return located_organisation(
        name="La Cantine solidaire",
        brand="Cantine du Clain",
        kinds=["EI"],
        description="Repas bio et locaux.",
        website="https://cantine.example.org",
    )


def test_the_home_page_presents_maillage_with_counts_and_a_map(client, cantine):
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" in content
    assert 'role="search"' in content
    assert 'id="home-map"' in content and "data-cluster-map" in content
    assert response.context["counts"]["organisations"] == 1


def test_the_directory_lists_and_filters_organisations(client, cantine):
    located_organisation(
        name="Recyclerie alpine",
        commune=Commune.objects.get(insee_code="05061"),
        postal_code="05000",
    )
    response = client.get("/annuaire/", {"departement": "05"})
    assert [o.name for o in response.context["result"].results] == ["Recyclerie alpine"]


def test_the_directory_search_ignores_accents(client, cantine):
    response = client.get("/annuaire/", {"q": "cantine clain"})
    assert response.context["result"].count == 1


def test_an_htmx_request_gets_only_the_results(client, cantine):
    response = client.get("/annuaire/", {"q": "cantine"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert 'id="results"' in content
    assert "<html" not in content


def test_an_invalid_filter_is_explained_and_the_typed_search_kept(client, cantine):
    response = client.get("/annuaire/", {"q": "cantine", "sector": "n-existe-pas"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Certains filtres sont invalides" in content
    assert 'value="cantine"' in content
    assert response.context["result"].count == 1


def test_the_directory_has_an_empty_state_that_says_what_to_do(client):
    response = client.get("/annuaire/", {"q": "introuvable"})
    assert "Effacer tous les filtres" in response.content.decode()


def test_a_page_number_beyond_the_last_shows_the_last_page(client, cantine):
    assert client.get("/annuaire/", {"page": "999"}).status_code == 200
    assert client.get("/annuaire/", {"page": "abc"}).status_code == 200


def test_the_organisation_page_shows_identity_places_and_contacts(client, cantine):
    response = client.get(cantine.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Cantine du Clain · Maillage</title>" in content
    assert cantine.siren in content
    assert "Poitiers" in content
    assert "https://cantine.example.org" in content
    assert 'id="profile-map-data"' in content


def test_an_unknown_organisation_is_a_404(client):
    assert client.get("/organisations/n-existe-pas/").status_code == 404


def test_the_commune_page_lists_its_organisations(client, cantine):
    response = client.get("/communes/86194/")
    assert response.status_code == 200
    assert [o.name for o in response.context["result"].results] == ["La Cantine solidaire"]


def test_the_paris_page_includes_its_arrondissements(client):
    organisation = located_organisation(
        name="Régie de quartier",
        commune=Commune.objects.get(insee_code="75111"),
        postal_code="75011",
    )
    response = client.get("/communes/75056/")
    assert list(response.context["result"].results) == [organisation]


def test_the_departement_page_lists_its_organisations_and_communes(client, cantine):
    response = client.get("/departements/86/")
    assert response.status_code == 200
    assert [c.name for c in response.context["top_communes"]] == ["Poitiers"]


def test_pages_are_in_french_even_when_the_browser_asks_for_english(client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in response.content.decode()


def test_a_visitor_can_switch_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get("/").content.decode()
    assert '<html lang="en">' in content
    assert "Directory" in content


def test_the_admin_lists_organisations_for_staff(admin_client_logged, cantine):
    response = admin_client_logged.get("/admin/directory/organisation/", {"q": "cantine"})
    assert response.status_code == 200
    assert "La Cantine solidaire" in response.content.decode()


def test_the_admin_edit_page_opens(admin_client_logged, cantine):
    response = admin_client_logged.get(f"/admin/directory/organisation/{cantine.pk}/change/")
    assert response.status_code == 200


def test_the_directory_filters_by_a_commune_typed_by_name_or_postal_code(client, cantine):
    for typed in ("Poitiers", "86000", "Poitiers (86000)"):
        response = client.get("/annuaire/", {"commune": typed})
        assert [o.name for o in response.context["result"].results] == ["La Cantine solidaire"]


def test_an_ambiguous_commune_is_explained_and_kept_in_the_field(client, cantine):
    response = client.get("/annuaire/", {"commune": "Saint-Pierre"})
    content = response.content.decode()
    assert "Plusieurs communes correspondent" in content
    assert 'value="Saint-Pierre"' in content


def test_the_home_page_offers_the_sector_groups_that_have_organisations(client):
    from maillage.directory.models import Sector

    meal_trays = Sector.objects.get(slug="paniers-plateaux-repas")
    located_organisation(name="Plateaux solidaires", sectors=[meal_trays])
    groups = client.get("/").context["sector_groups"]
    assert [(group.slug, group.organisation_count) for group in groups] == [("restauration", 1)]


def test_a_missing_page_is_a_friendly_404(client):
    response = client.get("/organisations/n-existe-pas/")
    assert response.status_code == 404
    assert "Chercher dans l'annuaire" in response.content.decode()


def test_the_home_page_counts_a_new_organisation_at_once(
    client, django_capture_on_commit_callbacks
):
    located_organisation(name="Première structure")
    before = client.get("/").context["counts"]["organisations"]
    with django_capture_on_commit_callbacks(execute=True):
        located_organisation(name="Nouvelle structure")
    assert client.get("/").context["counts"]["organisations"] == before + 1
