"""Probes for load balancers and orchestrators (liveness, readiness), and CSP violation reports."""

import json
import logging
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from maillage.core.ratelimit import hit_by_address

_migrations_checked = False


def _database_ok() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache_ok() -> bool:
    key, value = "readyz:probe", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        return cache.get(key) == value
    except Exception:
        return False


def _migrations_applied() -> bool:
    """Checked once per process while true: a running process never loses migrations."""
    global _migrations_checked
    if not _migrations_checked:
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError:
            return False
        _migrations_checked = not plan
    return _migrations_checked


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers and reaches its database (one `SELECT 1`)."""
    ok = _database_ok()
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": ok}, status=200 if ok else 503
    )


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: database, shared cache, and every migration applied. Also says whether
    this worker's in-memory indexes are built: without them, searches and matches still work,
    only slower."""
    from maillage.catalogue.match_index import keeper as matching_index
    from maillage.directory.search.memory import index_state

    checks = {"database": _database_ok(), "cache": _cache_ok()}
    checks["migrations"] = checks["database"] and _migrations_applied()
    ok = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ok else "error",
            **checks,
            "directory_index": index_state() if ok else "unknown",
            "matching_index": matching_index.state() if ok else "unknown",
        },
        status=200 if ok else 503,
    )


_csp_logger = logging.getLogger("maillage.csp")
_MAX_REPORT_BYTES = 16 * 1024


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Browsers post Content Security Policy violations here (`report-uri`): one warning line
    each in the logs, so that a page broken by the policy shows up in production."""
    hit_by_address(request, "csp-report")
    if int(request.META.get("CONTENT_LENGTH") or 0) > _MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body or b"{}").get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    _csp_logger.warning(
        "CSP violation: %s blocked %s on %s",
        str(report.get("violated-directive", ""))[:200],
        str(report.get("blocked-uri", ""))[:500],
        str(report.get("document-uri", ""))[:500],
        extra={
            "directive": str(report.get("violated-directive", ""))[:200],
            "blocked_uri": str(report.get("blocked-uri", ""))[:500],
            "document_uri": str(report.get("document-uri", ""))[:500],
        },
    )
    return HttpResponse(status=204)
