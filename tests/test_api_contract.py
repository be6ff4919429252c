"""Contract fuzzing: every operation of /api/v1/openapi.json, called through the WSGI app with
generated parameters and bodies, never answers 500 and always answers what the schema says."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from maillage.directory.tests.factories import located_organisation
from maillage.membership.models import Membership
from maillage.membership.services.api_tokens import create_api_token
from maillage.membership.tests.factories import MembershipFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# What the contract promises. Not "positive data acceptance": some rules span several
# parameters (radius_km needs near; filters must name known values) and are answered by a 400
# naming the field, which the schema cannot express.
CONTRACT = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def same_connection():
    """Like Django's test client: requests must not close the test's transaction connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def directory(db, same_connection):
    organisation = located_organisation(name="Recyclerie du Clain")
    located_organisation(name="Épicerie solidaire")
    member = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    token = create_api_token(user=member, organisation=organisation, name="Contrat")[1]
    return organisation, token


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, directory, settings):
    organisation, token = directory
    settings.API_WRITE_RATE = "1000/m"
    headers = {}
    if case.method.upper() != "GET":
        # Writes on a real organisation with a valid token reach validation, not just the 401.
        case.path_parameters = {**(case.path_parameters or {}), "organisation_id": organisation.pk}
        headers["Authorization"] = f"Bearer {token}"
    response = case.call(headers=headers)
    assert response.status_code < 500, response.text
    case.validate_response(response, checks=CONTRACT, headers=headers)
