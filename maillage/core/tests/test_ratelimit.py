import pytest
from django.test import RequestFactory

from maillage.core.ratelimit import Limit, RateLimited, hit, hit_by_address


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("5/m", Limit(5, 60)),
        ("100/h", Limit(100, 3600)),
        ("20/10m", Limit(20, 600)),
        ("3/d", Limit(3, 86400)),
    ],
)
def test_rates_are_parsed(rate, expected):
    assert Limit.parse(rate) == expected


def test_a_key_is_refused_once_its_window_is_full_and_told_when_to_retry():
    for _ in range(3):
        hit("contact", "alice", "3/h")
    with pytest.raises(RateLimited) as refused:
        hit("contact", "alice", "3/h")
    assert 1 <= refused.value.retry_after <= 3600
    hit("contact", "bob", "3/h")  # other keys keep their own count
    hit("report", "alice", "3/h")  # and other actions too


def test_limits_by_client_address():
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    hit_by_address(request, "export", "1/m")
    with pytest.raises(RateLimited):
        hit_by_address(request, "export", "1/m")


def test_a_rate_limited_api_call_answers_429_with_retry_after(rf):
    from maillage.core.api import on_rate_limited

    response = on_rate_limited(rf.get("/api/v1/x"), RateLimited(retry_after=42))
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert "42 secondes" in response.content.decode()


def test_a_rate_limited_page_answers_429_with_retry_after(rf):
    from maillage.core.middleware import RateLimitedMiddleware

    middleware = RateLimitedMiddleware(lambda request: None)
    response = middleware.process_exception(rf.get("/"), RateLimited(retry_after=30))
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert "Réessayez dans 30 secondes" in response.content.decode()
    assert middleware.process_exception(rf.get("/"), ValueError()) is None


def test_the_proxy_header_names_the_client_when_configured(rf, settings):
    from maillage.core.ratelimit import client_address

    request = rf.get("/", headers={"X-Real-IP": "203.0.113.7"}, REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == "10.0.0.1"
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    assert client_address(request) == "203.0.113.7"


def test_heavy_reads_are_limited_per_address_for_anonymous_callers(rf, settings):
    from django.contrib.auth.models import AnonymousUser

    from maillage.core.ratelimit import RateLimited, limit_heavy_read

    settings.API_HEAVY_READ_RATE = "2/h"
    request = rf.get("/api/v1/export", REMOTE_ADDR="198.51.100.4")
    request.user = AnonymousUser()
    limit_heavy_read(request, "export")
    limit_heavy_read(request, "export")
    with pytest.raises(RateLimited):
        limit_heavy_read(request, "export")
