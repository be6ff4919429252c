"""Changes made in the Django admin are written to the profile's history too."""

import pytest
from django.urls import reverse

from maillage.membership.models import ChangeRecord

pytestmark = pytest.mark.django_db


def _post_data_of(response) -> dict:
    """What the admin change page would post back unchanged: main form and every inline."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            elif value is True:
                data[field.html_name] = "on"
            else:
                data[field.html_name] = str(value)
    return data


def test_an_admin_edit_is_recorded_with_its_fields(admin_client_logged, organisation):
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    data = _post_data_of(admin_client_logged.get(url))
    data.update(phone="05 49 00 00 01", is_published="")
    data.pop("is_published")

    response = admin_client_logged.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    record = ChangeRecord.objects.get(organisation=organisation)
    assert record.source == ChangeRecord.Source.ADMIN
    assert {change["field"] for change in record.changes} == {"phone", "is_published"}
    assert record.user.username == "admin"


def test_saving_the_admin_form_unchanged_records_nothing(admin_client_logged, organisation):
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])

    admin_client_logged.post(url, _post_data_of(admin_client_logged.get(url)))

    assert not ChangeRecord.objects.exists()
