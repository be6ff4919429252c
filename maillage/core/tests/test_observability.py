import json
import logging

import pytest
from django.core.cache import cache
from django.db import DatabaseError

from maillage.core import health
from maillage.core.observability import RequestIdFilter


def test_it_answers_healthz_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    monkeypatch.setattr(health, "_database_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_readyz_checks_database_cache_and_migrations(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": True,
        "cache": True,
        "migrations": True,
        # Tests build them at once (DIRECTORY_MEMORY_INDEX = MATCHING_MEMORY_INDEX = "sync").
        "directory_index": "ready",
        "matching_index": "ready",
    }


def test_readyz_is_503_when_the_cache_fails(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] is False


def test_readyz_is_503_when_migrations_are_missing(client, db, monkeypatch):
    class Executor:
        def __init__(self, connection):
            raise DatabaseError("no django_migrations table")

    monkeypatch.setattr(health, "_migrations_checked", False)
    monkeypatch.setattr(health, "MigrationExecutor", Executor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] is False


def test_every_response_carries_a_request_id(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_request_id_from_the_proxy_is_kept(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-abc.123"})
    assert response["X-Request-ID"] == "proxy-abc.123"


@pytest.mark.parametrize("hostile", ["a b", "<script>", "x" * 200, "é"])
def test_a_request_id_that_does_not_look_like_one_is_replaced(client, db, hostile):
    response = client.get("/healthz", headers={"X-Request-ID": hostile})
    assert response["X-Request-ID"] != hostile


def test_log_lines_of_a_request_carry_its_id(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="maillage.request"):
        for handler in [caplog.handler]:
            handler.addFilter(RequestIdFilter())
        response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    record = next(r for r in caplog.records if r.name == "maillage.request")
    assert response.status_code == 200
    assert record.request_id == "abc-123"
    assert record.status == 200
    assert record.path == "/healthz"


def test_the_json_formatter_writes_one_object_per_line_with_the_request_id():
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"levelname": "level"},
    )
    record = logging.LogRecord("maillage", logging.INFO, __file__, 1, "bonjour", (), None)
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["message"] == "bonjour"
    assert line["level"] == "INFO"
    assert line["request_id"] == "-"


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get("/healthz")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


def test_a_missing_page_is_a_french_404_page_with_the_policy(client, db):
    response = client.get("/page-qui-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_500_page_is_french_and_stands_alone():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Une erreur est survenue" in html
    assert "<script" not in html and "style=" not in html


def test_csp_violations_reported_by_browsers_are_logged(client, db, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://maillage.example.org/annuaire/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level(logging.WARNING, logger="maillage.csp"):
        response = client.post(
            "/csp-report", data=json.dumps(report), content_type="application/csp-report"
        )
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "maillage.csp"]
    assert record.directive == "script-src-elem"
    assert record.document_uri.endswith("/annuaire/")


@pytest.mark.parametrize("body", ["pas du json", "[1, 2]", '{"csp-report": "x"}'])
def test_malformed_csp_reports_are_400(client, db, body):
    response = client.post("/csp-report", data=body, content_type="application/csp-report")
    assert response.status_code == 400


def test_csp_reports_are_rate_limited(client, db):
    statuses = {
        client.post("/csp-report", data="{}", content_type="application/csp-report").status_code
        for _ in range(61)
    }
    assert 429 in statuses


def test_the_policy_asks_browsers_to_report_violations(client, db):
    assert "report-uri /csp-report" in client.get("/healthz")["Content-Security-Policy"]
