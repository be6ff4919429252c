"""Every place field of the site reads a commune the same way (territory.resolve_commune):
each form's field against each way people type a place."""

import contextlib

import pytest
from django import forms

from maillage.catalogue.forms import (
    CatalogueFilterForm,
    ListingForm,
    NeedReportForm,
    QualifyForm,
    SavedSearchForm,
)
from maillage.directory.forms import DirectoryFilterForm
from maillage.territory.models import Commune
from tests.conftest import corpus

pytestmark = pytest.mark.django_db

PLACE_FIELDS = [
    (DirectoryFilterForm, "commune"),  # the directory, the full map and the home box
    (CatalogueFilterForm, "near"),
    (SavedSearchForm, "near"),  # alerts
    (NeedReportForm, "place"),
    (QualifyForm, "place"),
    (ListingForm, "area_communes"),
]

TYPED = [
    ("Lyon 8e Arrondissement", "69388"),
    ("Lyon 8e Arrondissement (69008)", "69388"),
    ("69008", "69388"),
    ("13001", "13201"),
    ("05000", "05061"),
    ("St Etienne", "42218"),
    ("saint-étienne", "42218"),
    ("86194", "86194"),
    ("POITIERS", "86194"),
]


# Fields compared with served areas keep cities: an arrondissement counts as its city.
CITIES = {"69388": "69123", "13201": "13055"}


def _insee_code(cleaned) -> str:
    if isinstance(cleaned, Commune):
        return cleaned.insee_code
    (code,) = cleaned  # a list of communes: the listing's served area
    return code


@pytest.mark.parametrize(("form", "field"), PLACE_FIELDS)
@pytest.mark.parametrize(("text", "insee_code"), TYPED)
def test_every_place_field_reads_a_commune_as_the_resolver_does(form, field, text, insee_code):
    place_field = form.base_fields[field]
    if place_field.whole_city:
        insee_code = CITIES.get(insee_code, insee_code)
    assert _insee_code(place_field.clean(text)) == insee_code


@pytest.mark.parametrize(("form", "field"), PLACE_FIELDS)
def test_every_place_field_offers_the_communes_autocomplete(form, field):
    rendered = str(form.base_fields[field].widget.render(field, ""))
    # A single place: a datalist of suggestions; a list of places: the chips widget.
    assert (
        'data-commune-autocomplete="/api/v1/territory/communes"' in rendered
        or 'data-chips-source="/api/v1/territory/communes"' in rendered
    )


@pytest.mark.parametrize(("form", "field"), PLACE_FIELDS)
def test_every_place_field_names_what_it_could_not_read(form, field):
    with pytest.raises(forms.ValidationError, match="Aucune commune ne correspond"):
        form.base_fields[field].clean("Nulle-Part-sur-Mer")


def test_a_listing_area_takes_several_communes_by_name_or_code():
    field = ListingForm.base_fields["area_communes"]
    assert field.clean("Poitiers; Lyon 8e, 86066") == ["86194", "69123", "86066"]
    assert field.clean("86194 86066") == ["86194", "86066"]


HOSTILE_PLACES = [*corpus("places.txt"), "Lyon\x00", "\x00", "a" * 10_000]


@pytest.mark.parametrize("text", HOSTILE_PLACES, ids=range(len(HOSTILE_PLACES)))
def test_hostile_places_are_refused_or_read_never_failing(client, text):
    for form, field in PLACE_FIELDS:
        with contextlib.suppress(forms.ValidationError):
            form.base_fields[field].clean(text)
    for url in ("/api/v1/organisations", "/api/v1/map/clusters"):
        assert client.get(url, {"commune": text}).status_code in (200, 400)
    assert client.get("/annuaire/", {"commune": text}).status_code in (200, 400)
    assert client.get("/api/v1/territory/communes", {"q": text[:100]}).status_code in (200, 400)
