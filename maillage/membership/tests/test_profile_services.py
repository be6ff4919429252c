"""Profile writes: validated like the foundation's data, recorded in the history, searchable at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.directory.models import DailyNeed, Organisation, OrganisationSector, Sector
from maillage.directory.tests.factories import EstablishmentFactory, make_siret
from maillage.membership.models import ChangeRecord, Membership
from maillage.membership.services.organisations import (
    ProfileError,
    create_organisation,
    delete_establishment,
    save_establishment,
    update_organisation,
)
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def test_an_edit_is_recorded_with_who_when_and_each_field(organisation, member):
    record = update_organisation(
        organisation=organisation,
        user=member,
        data={"website": "https://recyclerie.example.org", "phone": "05 49 00 00 00"},
    )

    assert record.user == member
    assert record.source == ChangeRecord.Source.USER
    changed = {change["field"]: change for change in record.changes}
    assert changed["website"]["old"] == "https://www.recyclerie-clain.fr"
    assert changed["website"]["new"] == "https://recyclerie.example.org"
    assert changed["phone"] == {
        "field": "phone",
        "label": "téléphone public",
        "old": "",
        "new": "05 49 00 00 00",
    }
    assert "téléphone public" in record.summary


def test_saving_without_changes_records_nothing(organisation, member):
    assert update_organisation(organisation=organisation, user=member, data={}) is None
    assert not ChangeRecord.objects.exists()


def test_a_new_name_is_searchable_at_once(organisation, member):
    update_organisation(
        organisation=organisation, user=member, data={"brand": "Ressourcerie Clain"}
    )

    assert Organisation.objects.search("ressourcerie").filter(pk=organisation.pk).exists()


def test_an_edit_renews_the_validity_of_the_profile(organisation, member):
    Organisation.objects.filter(pk=organisation.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=10)
    )
    organisation.refresh_from_db()

    update_organisation(organisation=organisation, user=member, data={"phone": "0549000000"})

    organisation.refresh_from_db()
    assert organisation.valid_until > timezone.localdate() + datetime.timedelta(days=360)


def test_an_invalid_siren_is_refused_with_the_foundation_message(organisation, member):
    with pytest.raises(ValidationError) as error:
        update_organisation(organisation=organisation, user=member, data={"siren": "123456789"})

    assert "clé de contrôle" in str(error.value.message_dict["siren"])
    organisation.refresh_from_db()
    assert organisation.siren != "123456789"


def test_an_rna_number_is_refused_for_a_cooperative(organisation, member):
    with pytest.raises(ValidationError) as error:
        update_organisation(
            organisation=organisation,
            user=member,
            data={"ess_family": "cooperative", "rna": "W863001234"},
        )

    assert "Seules les associations" in str(error.value.message_dict["rna"])


def test_fields_outside_the_profile_cannot_be_changed(organisation, member):
    with pytest.raises(ProfileError, match="is_published"):
        update_organisation(organisation=organisation, user=member, data={"is_published": False})


def test_chosen_sectors_replace_those_deduced_from_naf(organisation, member):
    derived, chosen = Sector.objects.filter(parent__isnull=False)[:2]
    OrganisationSector.objects.create(organisation=organisation, sector=derived, is_derived=True)

    update_organisation(
        organisation=organisation,
        user=member,
        data={"sectors": [chosen], "daily_needs": list(DailyNeed.objects.all()[:1])},
    )

    links = OrganisationSector.objects.filter(organisation=organisation)
    assert [(link.sector, link.is_derived) for link in links] == [(chosen, False)]
    assert organisation.daily_needs.count() == 1


def test_creating_an_organisation_makes_its_creator_administrator(signed_in):
    organisation = create_organisation(
        user=signed_in,
        data={"name": "Épicerie solidaire de Poitiers", "ess_family": "association"},
        head_office={
            "address": "3 rue Carnot",
            "postal_code": "86000",
            "commune": Commune.objects.get(insee_code="86194"),
        },
    )

    assert organisation.slug == "epicerie-solidaire-de-poitiers"
    assert organisation.establishments.get().is_head_office
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.ADMIN
    assert Organisation.objects.search("epicerie poitiers").exists()
    assert organisation.change_records.get().summary == "Fiche créée"


def test_creating_with_a_postal_code_of_another_commune_writes_nothing(signed_in):
    with pytest.raises(ValidationError) as error:
        create_organisation(
            user=signed_in,
            data={"name": "Épicerie solidaire"},
            head_office={
                "postal_code": "33000",
                "commune": Commune.objects.get(insee_code="86194"),
            },
        )

    assert "ne correspond pas à la commune Poitiers" in str(error.value.message_dict)
    assert not Organisation.objects.filter(name="Épicerie solidaire").exists()


def test_a_new_head_office_takes_over_from_the_previous_one(organisation, member):
    previous = organisation.establishments.get()

    added = save_establishment(
        organisation=organisation,
        user=member,
        data={
            "siret": make_siret(organisation.siren, nic=2),
            "postal_code": "86100",
            "commune": Commune.objects.get(insee_code="86066"),
            "is_head_office": True,
        },
    )

    previous.refresh_from_db()
    assert added.is_head_office and not previous.is_head_office
    assert organisation.change_records.get().summary.startswith("Établissement ajouté")


def test_an_establishment_siret_of_another_siren_is_refused(organisation, member):
    with pytest.raises(ValidationError) as error:
        save_establishment(
            organisation=organisation,
            user=member,
            data={
                "siret": make_siret("552100554"),
                "postal_code": "86000",
                "commune": Commune.objects.get(insee_code="86194"),
            },
        )

    assert "n'appartient pas au SIREN" in str(error.value.message_dict["siret"])


def test_the_last_establishment_cannot_be_deleted(organisation, member):
    with pytest.raises(ProfileError, match="au moins un établissement"):
        delete_establishment(establishment=organisation.establishments.get(), user=member)


def test_deleting_the_head_office_hands_it_to_another_establishment(organisation, member):
    head = organisation.establishments.get()
    other = EstablishmentFactory(
        organisation=organisation, siret=make_siret(organisation.siren, 2), is_head_office=False
    )

    delete_establishment(establishment=head, user=member)

    other.refresh_from_db()
    assert other.is_head_office
    assert "supprimé" in organisation.change_records.get().summary
