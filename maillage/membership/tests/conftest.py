"""The cast of the membership tests: an organisation in Poitiers and everyone around it."""

import pytest

from maillage.directory.tests.factories import located_organisation
from maillage.membership.models import Membership, PlatformRole
from maillage.membership.tests.factories import MembershipFactory, PlatformRoleFactory, UserFactory


@pytest.fixture
def organisation(db):
    """A profile in Poitiers (Vienne, 86; Nouvelle-Aquitaine, 75; Grand Poitiers EPCI)."""
    return located_organisation(
        name="Recyclerie du Clain", website="https://www.recyclerie-clain.fr"
    )


@pytest.fixture
def signed_in(db):
    return UserFactory()


@pytest.fixture
def buyer(db):
    return PlatformRoleFactory(kind=PlatformRole.Kind.BUYER, departement_id=None).user


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def org_admin(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user


@pytest.fixture
def animator(db):
    return PlatformRoleFactory(departement_id="86").user


@pytest.fixture
def other_animator(db):
    """Animates the Gironde: Poitiers is not theirs."""
    return PlatformRoleFactory(departement_id="33").user
