from collections import Counter
from pathlib import Path

import pytest

from maillage.core.geo import haversine_km
from maillage.directory.models import Establishment, Organisation
from maillage.directory.services.demo import city_search_key, load_demo_organisations
from maillage.directory.validation import FAR_FROM_COMMUNE_KM

SAMPLE = Path(__file__).parent / "data" / "siae_sample.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return load_demo_organisations(path=SAMPLE, force=True)


def rejected_fields(report) -> dict[int, str]:
    return {problem.line: problem.field for problem in report.rejected}


def test_it_loads_the_valid_rows(report):
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "BALUCHON A TABLE CITOYENS",
        "LA COLLECTERIE",
        "ENTREPRISE CEDEX",
        "ASSOC POUR LA FORMATION CONTINUE",
    }
    assert report.organisations_created == 4


def test_it_reports_each_rejected_row_with_its_line_field_and_reason(report):
    # Line numbers count the header and the two lines of the quoted description of row 1.
    assert rejected_fields(report) == {
        6: "siret",
        7: "name",
        8: "postcode",
        9: "latitude",
        12: "city",
    }
    reasons = {problem.field: problem.reason for problem in report.rejected}
    assert "clé de contrôle" in reasons["siret"]
    assert "ne correspond pas à la commune Poitiers" in reasons["postcode"]
    assert "inversées" in reasons["latitude"]
    assert "Commune inconnue" in reasons["city"]


def test_rejected_rows_leave_nothing_behind(report):
    assert not Organisation.objects.filter(name__in=["CLE FAUSSE", "VILLE INCONNUE"]).exists()
    assert not Establishment.objects.filter(siret="53866621500024").exists()


def test_a_structure_with_two_agreements_becomes_one_organisation_with_two_kinds(report):
    collecterie = Organisation.objects.get(siren="751870494")
    assert sorted(collecterie.kinds.values_list("code", flat=True)) == ["ACI", "AI"]
    assert collecterie.ess_family == "association"


def test_inclusion_structures_hold_the_esus_agreement_by_right(report):
    assert Organisation.objects.get(siren="807469317").is_esus


def test_cedex_postal_codes_resolve_to_the_commune_by_its_name(report):
    establishment = Establishment.objects.get(organisation__name="ENTREPRISE CEDEX")
    assert establishment.commune.insee_code == "86194"
    assert establishment.postal_code == "86035"


def test_abbreviated_saint_resolves_to_the_commune(report):
    establishment = Establishment.objects.get(organisation__name__startswith="ASSOC POUR")
    assert establishment.commune.name == "Saint-Pierre"


def test_bad_optional_fields_are_dropped_with_a_warning(report):
    assert {(problem.field, problem.value) for problem in report.warnings} == {
        ("naf", "7247Z"),
        ("website", "pas-une-url"),
    }
    cedex = Organisation.objects.get(name="ENTREPRISE CEDEX")
    assert cedex.naf is None
    assert cedex.website == ""


def test_sectors_are_derived_from_the_naf_code_and_marked_so(report):
    baluchon = Organisation.objects.get(siren="807469317")
    links = baluchon.organisationsector_set.all()
    assert links
    assert all(link.is_derived for link in links)


def test_organisations_are_searchable_without_accents(report):
    assert list(Organisation.objects.search("romainville").values_list("siren", flat=True)) == [
        "807469317"
    ]


def test_loading_the_same_file_again_is_skipped():
    load_demo_organisations(path=SAMPLE)
    assert load_demo_organisations(path=SAMPLE).skipped


def test_a_forced_reload_creates_nothing_and_overwrites_nothing(report):
    Organisation.objects.filter(siren="807469317").update(description="Écrit par ses membres")
    again = load_demo_organisations(path=SAMPLE, force=True)
    assert again.organisations_created == 0
    assert again.organisations_unchanged == 4
    assert Organisation.objects.get(siren="807469317").description == "Écrit par ses membres"
    assert Organisation.objects.count() == 4
    assert Establishment.objects.count() == 4


def test_the_real_demo_file_loads_3809_organisations_with_the_importers_rules():
    """8 wrong SIRETs, and the 18 rows whose postal code is another commune's (the importer
    refuses them too: one rule for places)."""
    report = load_demo_organisations(force=True)
    assert Organisation.objects.count() == 3809
    rejected = Counter(problem.field for problem in report.rejected)
    assert rejected["siret"] == 8
    assert sum(rejected.values()) == 8 + 18
    assert rejected["postcode"] + rejected["siret"] == 26


def test_the_demo_places_far_points_at_their_communes_centre_and_says_so():
    report = load_demo_organisations(force=True)
    far = [w for w in report.warnings if w.field == "latitude"]
    assert far and all("position approximative" in w.reason for w in far)
    assert report.approximate >= len(far)
    approximate = Establishment.objects.filter(is_approximate_location=True).select_related(
        "commune"
    )
    assert approximate.count() == report.approximate
    for establishment in approximate:
        assert establishment.latitude == establishment.commune.latitude
    # No loaded point lies farther than the rule allows from its commune.
    located = Establishment.objects.filter(commune__latitude__isnull=False, latitude__isnull=False)
    for establishment in located.select_related("commune"):
        distance = haversine_km(
            establishment.latitude,
            establishment.longitude,
            establishment.commune.latitude,
            establishment.commune.longitude,
        )
        assert distance <= FAR_FROM_COMMUNE_KM


@pytest.mark.parametrize(
    ("city", "key"),
    [("ST PIERRE", "saint pierre"), ("POITIERS CEDEX 9", "poitiers"), ("Ste-Foy", "sainte foy")],
)
def test_city_names_are_normalised_like_commune_names(city, key):
    assert city_search_key(city) == key
