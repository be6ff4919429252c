"""Display names: registers write legal names in capitals; people read them title-cased."""

import pytest

from maillage.directory.naming import readable_name
from maillage.directory.tests.factories import OrganisationFactory


@pytest.mark.parametrize(
    ("legal", "shown"),
    [
        ("ASSOC AIDEN SERVICES", "Association Aiden Services"),
        ("ESAT DE LA ROSERAIE", "ESAT de la Roseraie"),
        ("SCOP LES ATELIERS DU BOCAGE", "SCOP Les Ateliers du Bocage"),
        ("CCAS DE POITIERS", "CCAS de Poitiers"),
        ("REGIE DE QUARTIER SAINT-DENIS", "Regie de Quartier Saint-Denis"),
        ("LES JARDINS D'AVENIR", "Les Jardins d'Avenir"),
        ("SARL TRI 86", "SARL Tri 86"),
    ],
)
def test_a_name_in_capitals_is_title_cased_with_french_rules(legal, shown):
    assert readable_name(legal) == shown


def test_a_name_typed_in_mixed_case_is_kept_as_typed():
    assert readable_name("La Collecterie") == "La Collecterie"


def test_a_one_word_name_in_capitals_is_kept_as_an_acronym():
    assert readable_name("APOIN") == "APOIN"


def test_the_display_name_prefers_the_brand_and_title_cases_the_legal_name():
    assert OrganisationFactory.build(name="ASSOC AIDEN", brand="").display_name == (
        "Association Aiden"
    )
    assert OrganisationFactory.build(name="ASSOC AIDEN", brand="Aiden").display_name == "Aiden"
