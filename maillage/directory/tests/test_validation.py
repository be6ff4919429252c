import pytest
from django.core.exceptions import ValidationError

from maillage.directory.tests.factories import EstablishmentFactory, OrganisationFactory
from maillage.directory.validation import postal_code_error
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def poitiers_error(postal_code: str, is_known_code: bool) -> str | None:
    return postal_code_error(
        postal_code=postal_code,
        commune_name="Poitiers",
        commune_postal_codes=["86000"],
        departement_code="86",
        is_known_code=is_known_code,
    )


def test_a_postal_code_of_the_commune_is_accepted():
    assert poitiers_error("86000", is_known_code=True) is None


def test_a_cedex_code_of_the_same_departement_is_accepted():
    assert poitiers_error("86035", is_known_code=False) is None


def test_a_postal_code_of_another_commune_is_refused_with_the_right_codes():
    message = poitiers_error("33000", is_known_code=True)
    assert message == (
        "Le code postal 33000 ne correspond pas à la commune Poitiers (codes possibles : 86000)."
    )


def test_an_unknown_code_of_another_departement_is_refused():
    assert poitiers_error("75999", is_known_code=False)


def test_a_malformed_postal_code_is_refused():
    assert "5 chiffres" in poitiers_error("8600", is_known_code=False)


def test_corsican_codes_start_with_20():
    assert (
        postal_code_error(
            postal_code="20090",
            commune_name="Ajaccio",
            commune_postal_codes=["20000", "20090"],
            departement_code="2A",
            is_known_code=True,
        )
        is None
    )


def test_an_establishment_outside_france_names_the_field():
    establishment = EstablishmentFactory.build(
        organisation=OrganisationFactory(), latitude=0.34, longitude=46.58
    )
    with pytest.raises(ValidationError) as error:
        establishment.full_clean()
    assert "latitude" in error.value.message_dict


def test_an_establishment_with_a_postal_code_of_another_commune_names_the_field():
    establishment = EstablishmentFactory.build(
        organisation=OrganisationFactory(),
        commune=Commune.objects.get(insee_code="86194"),
        postal_code="05000",
    )
    with pytest.raises(ValidationError) as error:
        establishment.full_clean()
    assert "ne correspond pas à la commune Poitiers" in error.value.message_dict["postal_code"][0]


def test_an_establishment_siret_must_belong_to_the_organisation_siren():
    establishment = EstablishmentFactory.build(
        organisation=OrganisationFactory(siren="807469317"), siret="75187049400026"
    )
    with pytest.raises(ValidationError) as error:
        establishment.full_clean()
    assert "n'appartient pas au SIREN 807469317" in error.value.message_dict["siret"][0]


def test_a_valid_establishment_passes():
    EstablishmentFactory.build(organisation=OrganisationFactory()).full_clean()


def test_an_organisation_with_a_bad_siren_and_rna_names_both_fields():
    organisation = OrganisationFactory.build(siren="123456789", rna="12345")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert set(error.value.message_dict) >= {"siren", "rna"}
