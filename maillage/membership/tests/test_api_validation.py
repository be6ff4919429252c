"""One validation per field: the API refuses what the edit page refuses, with the same message,
and names the fields it does not know instead of ignoring them."""

import json

import pytest
from django.urls import reverse

from maillage.core.api import WriteSchema, api
from maillage.directory.models import Organisation
from maillage.membership.services.api_tokens import create_api_token
from maillage.membership.tests.test_views import _profile_data

pytestmark = pytest.mark.django_db

# (field, value the page and the API both refuse)
BAD_VALUES = [
    ("name", "   "),
    ("name", "Recyclerie\u202edu Clain"),
    ("name", "Recyclerie\u200bdu Clain"),
    ("brand", "Le Clain\r\nBcc: x@example.org"),
    ("phone", "05 49 00\r\n00 00"),
    ("phone", "appelez-nous"),
    ("phone", "05 49 00 00 00\x07"),
    ("description", "Présentation\x1b[31m colorée"),
]


def _patch(client, organisation, data, token):
    return client.patch(
        f"/api/v1/organisations/{organisation.pk}",
        data=json.dumps(data),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def token(member, organisation):
    return create_api_token(user=member, organisation=organisation, name="Script")[1]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_the_api_refuses_what_the_edit_page_refuses_with_the_same_message(
    client, organisation, member, token, field, value
):
    client.force_login(member)
    page = client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        _profile_data(organisation, **{field: value}),
    )
    page_errors = page.context["form"].errors[field]

    response = _patch(client, organisation, {field: value}, token)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == [field]
    assert [error["message"] for error in errors] == list(page_errors)
    assert Organisation.objects.get(pk=organisation.pk).name == organisation.name


def test_the_api_stores_text_trimmed_like_the_page(client, organisation, token):
    assert _patch(client, organisation, {"brand": "  Le Clain  "}, token).status_code == 200
    assert Organisation.objects.get(pk=organisation.pk).brand == "Le Clain"


def test_an_unknown_field_is_a_400_naming_it_and_nothing_changes(client, organisation, token):
    response = _patch(client, organisation, {"brand": "Nouveau", "nmae": "X", "slug": "y"}, token)

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Champs inconnus : nmae, slug."
    assert sorted(error["field"] for error in body["errors"]) == ["nmae", "slug"]
    assert Organisation.objects.get(pk=organisation.pk).brand == ""


def test_every_write_endpoint_of_the_api_refuses_unknown_fields():
    bodies = [
        model.model_fields[name].annotation
        for _prefix, router in api._routers
        for view in router.path_operations.values()
        for operation in view.operations
        if set(operation.methods) - {"GET", "HEAD"}
        for model in operation.models
        if model.__ninja_param_source__ == "body"
        for name in model.model_fields
    ]
    assert bodies, "no write endpoint found"
    assert all(issubclass(body, WriteSchema) for body in bodies), bodies
