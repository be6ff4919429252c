import pytest

from maillage.territory.selectors import CommuneNotFound, commune_suggestions, find_commune

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
