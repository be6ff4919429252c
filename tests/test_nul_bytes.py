"""A NUL byte anywhere a request carries text (address, parameter, form field, JSON body) is
refused once, by RejectNulMiddleware, with a 400 in French: every URL pattern of the site is tried,
so that a new page cannot bring back the 500 that PostgreSQL gave."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

_PARAMETER = re.compile(r"<[^>]+>|\(\?P<\w+>[^)]*\)")


def _routes(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern of the site as text, parameters written as `<…>`-style holes."""
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(entry, URLResolver):
            routes.extend(_routes(entry.url_patterns, route))
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return sorted(set(routes))


def _with_nul(route: str) -> str:
    """The route with NUL in its parameters, or in a query parameter when it has none."""
    if _PARAMETER.search(route):
        return "/" + _PARAMETER.sub("%00", route)
    return "/" + route + "?q=%00"


ROUTES = _routes()


def test_the_site_has_the_url_patterns_listed_in_the_issue():
    urls = {_with_nul(route) for route in ROUTES}
    assert {"/communes/%00/", "/departements/%00/", "/alertes/%00/atom.xml"} <= urls
    assert "/besoins-du-territoire/suivi/%00/" in urls


@pytest.mark.parametrize("route", ROUTES)
def test_a_nul_byte_in_any_address_or_parameter_is_400_in_french(client, route):
    response = client.get(_with_nul(route))

    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


@pytest.mark.parametrize("route", ROUTES)
def test_a_nul_byte_in_any_form_field_is_400_before_the_view(client, route):
    url = "/" + _PARAMETER.sub("1", route)
    response = client.post(url, {"name": "Recyclerie\x00du Clain"})

    assert response.status_code == 400
    assert "name ne doit pas contenir de caractère nul" in response.content.decode()


def test_a_nul_byte_in_an_urlencoded_field_is_400(client):
    response = client.post(
        "/compte/login/",
        "login=a%00%40b.fr&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "login ne doit pas contenir" in response.content.decode()


def test_a_nul_byte_in_the_session_cookie_counts_as_no_session(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abc\x00def"
    response = client.get("/compte/")

    assert response.status_code == 302  # to the sign-in page, as without a session


def test_a_nul_byte_in_an_api_parameter_is_400_in_the_api_error_shape(client):
    response = client.get("/api/v1/organisations?q=%00")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "q"
