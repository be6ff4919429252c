"""Property-based tests of the identifier validators: any text gets a verdict, never a crash."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from maillage.core.validators import compact_digits, validate_rna, validate_siren, validate_siret

PROPERTIES = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
digits = st.text(alphabet="0123456789", min_size=1, max_size=20)


def _with_luhn_key(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def _verdict(validator, value: str) -> str | None:
    try:
        validator(value)
    except ValidationError as error:
        return error.code
    return None


@PROPERTIES
@given(st.text(max_size=40))
def test_any_text_gets_a_verdict_and_a_french_message(value):
    for validator in (validate_siren, validate_siret, validate_rna):
        try:
            validator(value)
        except ValidationError as error:
            assert error.code.split("_")[0] in ("siren", "siret", "rna")
            assert str(error.message).startswith("Le ")


@PROPERTIES
@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_nine_digits_with_their_luhn_key_are_a_valid_siren(body):
    validate_siren(_with_luhn_key(body))


@PROPERTIES
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.integers(1, 9))
def test_a_wrong_key_is_a_checksum_error(body, shift):
    good = _with_luhn_key(body)
    wrong = body + str((int(good[-1]) + shift) % 10)
    assert _verdict(validate_siren, wrong) == "siren_checksum"


@PROPERTIES
@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)
def test_a_valid_siren_a_nic_and_their_luhn_key_are_a_valid_siret(siren_body, nic):
    siren = _with_luhn_key(siren_body)
    if siren == "356000000":  # La Poste: its own rule
        return
    validate_siret(_with_luhn_key(siren + nic))


@PROPERTIES
@given(digits.filter(lambda number: len(number) not in (9,)))
def test_a_siren_of_another_length_is_a_length_error(number):
    assert _verdict(validate_siren, number) == "siren_length"


@PROPERTIES
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.sampled_from([" ", ".", "-"]))
def test_separators_people_type_do_not_change_the_verdict(body, separator):
    number = _with_luhn_key(body)
    spaced = separator.join([number[:3], number[3:6], number[6:]])
    assert compact_digits(spaced) == number
    assert _verdict(validate_siren, spaced) is None


@PROPERTIES
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_w_and_nine_digits_is_a_valid_rna(digits9):
    validate_rna("W" + digits9)


@PROPERTIES
@given(st.text(max_size=20).filter(lambda value: not (len(value) == 10 and value[0] == "W")))
def test_anything_else_is_not_an_rna(value):
    if value[:1] == "W" and value[1:].isdigit() and len(value) == 10:
        pytest.skip("valid by construction")
    assert _verdict(validate_rna, value) == "rna_format"
