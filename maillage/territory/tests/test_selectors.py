import pytest

from maillage.territory.selectors import (
    CommuneNotFound,
    commune_suggestions,
    find_commune,
    resolve_commune,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["86194", "86000", "poitiers", "Poitiers (86000)", " POITIERS "])
def test_it_finds_a_commune_by_insee_code_postal_code_or_name(text):
    assert find_commune(text).insee_code == "86194"


def test_an_ambiguous_name_lists_the_candidates_and_asks_for_the_postal_code():
    with pytest.raises(CommuneNotFound) as error:
        find_commune("Saint-Pierre")
    assert "Plusieurs communes" in str(error.value)
    assert "code postal" in str(error.value)


def test_an_unknown_name_says_so():
    with pytest.raises(CommuneNotFound, match="Aucune commune ne correspond à « Atlantide »"):
        find_commune("Atlantide")


def test_suggestions_put_the_largest_communes_first():
    assert commune_suggestions("pari")[0].name == "Paris"


@pytest.mark.parametrize(
    ("text", "insee_code"),
    [
        ("13001", "13201"),  # a postal code before an INSEE code: Marseille 1er, not Aix
        ("69008", "69388"),  # Lyon 8e, not Ancy
        ("05000", "05061"),  # Gap, far larger than the villages of its postal code
        ("St Etienne", "42218"),
        ("ST-ETIENNE", "42218"),
        ("saint étienne", "42218"),
        ("Lyon 8e Arrondissement", "69388"),
        ("Lyon 8e Arrondissement (69008)", "69388"),
        ("lyon 8", "69388"),
        ("Marseille 1er", "13201"),
        ("Paris 15ème", "75115"),
        ("2A004", "2A004"),
        ("Saint-Denis (93)", "93066"),
        ("Gap (05000)", "05061"),
    ],
)
def test_the_resolver_reads_what_people_type(text, insee_code):
    assert resolve_commune(text).insee_code == insee_code


def test_a_postal_code_of_several_similar_villages_asks_which():
    with pytest.raises(CommuneNotFound, match="Guillestre"):
        resolve_commune("05600")


def test_suggestions_read_st_as_saint_and_offer_every_arrondissement():
    assert commune_suggestions("st etienne")[0].name == "Saint-Étienne"
    assert "Marseille 10e Arrondissement" in {c.name for c in commune_suggestions("marseille 1")}
