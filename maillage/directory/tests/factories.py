"""Factories for directory data, placed in real communes with valid identifiers."""

import factory
from stdnum import luhn

from maillage.directory.models import Establishment, Organisation, Sector, StructureKind
from maillage.directory.services.profile import refresh_search_text
from maillage.territory.models import Commune


def make_siren(sequence: int) -> str:
    body = f"{80000000 + sequence:08d}"
    return body + luhn.calc_check_digit(body)


def make_siret(siren: str, nic: int = 1) -> str:
    body = f"{siren}{nic:04d}"
    return body + luhn.calc_check_digit(body)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Filière {n}")
    slug = factory.Sequence(lambda n: f"filiere-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Structure solidaire {n}")
    slug = factory.Sequence(lambda n: f"structure-solidaire-{n}")
    siren = factory.Sequence(make_siren)

    @factory.post_generation
    def kinds(self, create, extracted, **kwargs):
        if create and extracted:
            self.kinds.set(StructureKind.objects.filter(code__in=extracted))

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class EstablishmentFactory(factory.django.DjangoModelFactory):
    """A head office in Poitiers by default; pass `commune` and `postal_code` to move it."""

    class Meta:
        model = Establishment
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    siret = factory.LazyAttribute(lambda o: make_siret(o.organisation.siren))
    address = "1 place du Maréchal Leclerc"
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee_code="86194"))
    postal_code = "86000"
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    is_head_office = True

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            refresh_search_text(self.organisation)


def located_organisation(**kwargs) -> Organisation:
    """An organisation with a head office, searchable like the loaded ones."""
    place = {key: kwargs.pop(key) for key in ("commune", "postal_code") if key in kwargs}
    organisation = OrganisationFactory(**kwargs)
    EstablishmentFactory(organisation=organisation, **place)
    refresh_search_text(organisation)
    return organisation
