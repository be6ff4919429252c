"""The cast of the catalogue tests: the membership cast (organisation in Poitiers and people around it)."""

import pytest

from maillage.catalogue.matching import clear_caches
from maillage.membership.tests.conftest import (  # noqa: F401
    animator,
    buyer,
    member,
    org_admin,
    organisation,
    other_animator,
    signed_in,
)


@pytest.fixture(autouse=True)
def fresh_matching_caches():
    """The taxonomy is cached per process; each test starts from its own database's."""
    clear_caches()
