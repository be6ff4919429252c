"""Lists of territories typed as names: what the chips widget writes and what people type."""

import pytest
from django import forms

from maillage.territory.forms import CommuneListField, EPCIListField

pytestmark = pytest.mark.django_db


def test_a_commune_name_is_accepted_instead_of_a_code():
    assert CommuneListField().clean("Lyon") == ["69123"]


def test_the_widget_value_with_names_and_codes_cleans_to_codes_in_typed_order():
    assert CommuneListField().clean("Poitiers (86194), Lyon (69123)") == ["86194", "69123"]


def test_bare_insee_codes_still_work_and_repeats_count_once():
    assert CommuneListField().clean("86194; 86194, 69123") == ["86194", "69123"]


def test_an_unknown_commune_is_named_in_a_french_error():
    with pytest.raises(forms.ValidationError) as error:
        CommuneListField().clean("Poitiers, Nullepartville")
    assert "Nullepartville" in error.value.messages[0]


def test_the_field_shows_codes_back_as_names_with_their_code():
    assert CommuneListField().prepare_value(["86194"]) == "Poitiers (86194)"


def test_an_epci_is_found_by_the_words_of_its_name():
    assert EPCIListField().clean("grand poitiers") == ["200069854"]


def test_an_epci_siren_is_still_accepted():
    assert EPCIListField().clean("200069854") == ["200069854"]


def test_an_ambiguous_epci_name_asks_for_more():
    with pytest.raises(forms.ValidationError) as error:
        EPCIListField().clean("pays")
    assert "Plusieurs EPCI" in error.value.messages[0]


def test_the_fields_render_an_autocomplete_that_degrades_to_a_text_input():
    html = CommuneListField().widget.render("area_communes", "Poitiers (86194)")
    assert 'type="text"' in html
    assert 'data-chips-source="/api/v1/territory/communes"' in html
    assert 'value="Poitiers (86194)"' in html


def test_too_many_items_are_refused_before_any_lookup(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(forms.ValidationError) as error:
        CommuneListField().clean(", ".join(["86194"] * 201))
    assert "200 territoires au plus" in error.value.messages[0]


def test_a_nul_byte_or_markup_gives_a_french_error_not_a_crash():
    with pytest.raises(forms.ValidationError):
        CommuneListField().clean("Poi\x00tiers, <script>")
