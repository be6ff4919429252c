from maillage.core.models import DatasetLoad
from maillage.territory.models import Commune, Departement, PostalCode, Region
from maillage.territory.services import load_territory


def test_it_loads_every_commune_departement_and_region_of_france(db):
    assert Commune.objects.count() == 35014
    assert Departement.objects.count() == 109
    assert Region.objects.count() == 26


def test_a_second_load_of_unchanged_files_is_skipped(db):
    report = load_territory()
    assert report.skipped


def test_a_forced_reload_changes_nothing(db):
    before = Commune.objects.count(), PostalCode.objects.count()
    report = load_territory(force=True)
    assert not report.skipped
    assert (Commune.objects.count(), PostalCode.objects.count()) == before
    assert DatasetLoad.objects.get(name="territory").row_count == 35014


def test_communes_carry_postal_codes_population_coordinates_and_epci(db):
    poitiers = Commune.objects.select_related("epci").get(insee_code="86194")
    assert poitiers.name == "Poitiers"
    assert poitiers.postal_code_list == ["86000"]
    assert poitiers.population > 80000
    assert 46.5 < poitiers.latitude < 46.7
    assert "Poitiers" in poitiers.epci.name


def test_paris_gets_a_centre_from_its_arrondissements(db):
    paris = Commune.objects.get(insee_code="75056")
    assert 48.8 < paris.latitude < 48.9
    assert paris.arrondissements.count() == 20


def test_overseas_communes_are_loaded(db):
    saint_pierre = Commune.objects.get(insee_code="97502")
    assert saint_pierre.departement.zone == "com"


def test_commune_search_ignores_accents_and_matches_postal_codes(db):
    assert "86194" in Commune.objects.matching("poitie").values_list("insee_code", flat=True)
    assert "69081" in Commune.objects.matching("ecully").values_list("insee_code", flat=True)
    assert list(Commune.objects.matching("8600").values_list("insee_code", flat=True)) == ["86194"]
