import pytest
from django.core.exceptions import ValidationError

from maillage.core.text import fold, search_terms
from maillage.core.validators import (
    france_area_of,
    validate_coordinates_in_france,
    validate_one_line,
    validate_phone,
    validate_rna,
    validate_siren,
    validate_siret,
    validate_text,
)


def test_it_accepts_a_real_siren():
    validate_siren("807469317")


def test_it_accepts_a_siren_typed_with_spaces():
    validate_siren("807 469 317")


def test_it_rejects_a_siren_with_a_wrong_luhn_key_and_says_so_in_french():
    with pytest.raises(ValidationError) as error:
        validate_siren("807469318")
    assert "clé de contrôle" in error.value.messages[0]
    assert "807469318" in error.value.messages[0]


def test_it_rejects_a_siren_of_the_wrong_length():
    with pytest.raises(ValidationError, match="9 chiffres"):
        validate_siren("80746931")


def test_it_rejects_letters_in_a_siret():
    with pytest.raises(ValidationError, match="que des chiffres"):
        validate_siret("8074693170001A")


def test_it_accepts_a_real_siret():
    validate_siret("80746931700018")


@pytest.mark.parametrize("siret", ["34445638900012", "80487601900000"])
def test_it_rejects_the_sirets_of_the_demo_file_that_fail_luhn(siret):
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret(siret)


def test_it_accepts_la_poste_sirets_whose_digits_sum_to_a_multiple_of_five():
    # 3+5+6 + 0+0+0+0+0+0 + 4+9+8+3+7 = 45: not a valid Luhn number, valid for La Poste.
    validate_siret("35600000049837")


def test_it_rejects_la_poste_sirets_whose_digits_do_not_sum_to_a_multiple_of_five():
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("35600000049838")


def test_it_accepts_la_poste_head_office_siret():
    validate_siret("35600000000048")


@pytest.mark.parametrize("rna", ["W332001234", "W751234567"])
def test_it_accepts_rna_numbers(rna):
    validate_rna(rna)


@pytest.mark.parametrize(
    "rna", ["332001234", "W33200123", "w332001234", "W3320012345", "WABCDEFGHI"]
)
def test_it_rejects_malformed_rna_numbers(rna):
    with pytest.raises(ValidationError, match="W suivi de 9 chiffres"):
        validate_rna(rna)


@pytest.mark.parametrize(
    ("latitude", "longitude", "area"),
    [
        (46.58, 0.34, "France métropolitaine et Corse"),
        (41.92, 8.74, "France métropolitaine et Corse"),
        (-20.88, 55.45, "La Réunion"),
        (4.93, -52.33, "Guyane"),
        (-22.27, 166.44, "Nouvelle-Calédonie"),
        (46.78, -56.18, "Saint-Pierre-et-Miquelon"),
    ],
)
def test_it_knows_metropolitan_and_overseas_france(latitude, longitude, area):
    assert france_area_of(latitude, longitude) == area
    validate_coordinates_in_france(latitude, longitude)


def test_it_rejects_a_point_outside_france_and_suggests_swapped_coordinates():
    with pytest.raises(ValidationError) as error:
        validate_coordinates_in_france(0.34, 46.58)
    assert "inversées" in error.value.messages[0]


def test_it_rejects_impossible_coordinates():
    with pytest.raises(ValidationError, match="impossibles"):
        validate_coordinates_in_france(123.0, 2.0)


def test_every_commune_point_of_the_shipped_data_is_inside_france():
    import csv

    from django.conf import settings

    with (settings.DATA_DIR / "communes.csv").open(encoding="utf-8") as handle:
        outside = [
            row["insee_code"]
            for row in csv.DictReader(handle)
            if row["latitude"]
            and france_area_of(float(row["latitude"]), float(row["longitude"])) is None
        ]
    assert outside == []


def test_fold_ignores_accents_case_ligatures_and_punctuation():
    assert fold("École Saint-Éloi") == "ecole saint eloi"
    assert fold("ŒUVRE d'Insertion") == "oeuvre d insertion"


def test_search_terms_are_folded_words():
    assert search_terms("  Réemploi   TEXTILE ") == ["reemploi", "textile"]


@pytest.mark.parametrize(
    "value", ["a\rb", "a\nb", "a\x00b", "a\u202eb", "a\u200bb", "a\ufeffb", "a\x85b"]
)
def test_one_line_text_refuses_controls_and_invisible_marks(value):
    with pytest.raises(ValidationError, match="caractère invisible ou de contrôle"):
        validate_one_line(value)


def test_one_line_text_accepts_french_names():
    validate_one_line("Œuvre d'entraide « L'Âtre » – Saint-Étienne")


def test_long_text_keeps_its_line_breaks_but_not_bidi_overrides():
    validate_text("Première ligne\r\nSeconde\tligne")
    with pytest.raises(ValidationError):
        validate_text("Première\u202eligne")


@pytest.mark.parametrize(
    "value", ["05 49 00 00 00", "+33 5 49 00 00 00", "05.49.00.00.00", "+33 (0)5-49-00-00-00"]
)
def test_a_phone_number_with_usual_separators_is_accepted(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["appelez-nous", "05 49\r\n00 00 00", "5", "+", "1" * 21])
def test_a_phone_that_is_not_a_number_is_refused(value):
    with pytest.raises(ValidationError):
        validate_phone(value)
