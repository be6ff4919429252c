"""The cast of the catalogue tests: the membership cast (organisation in Poitiers and people around it)."""

from maillage.membership.tests.conftest import (  # noqa: F401
    animator,
    buyer,
    member,
    org_admin,
    organisation,
    other_animator,
    signed_in,
)
