#!/bin/sh
# The production settings under granian on 127.0.0.1, for local trials and the load test.
# A real deployment sets these variables itself (docs/deploy.md); here a throwaway secret is
# generated at each start and never written anywhere.
set -eu
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.production
export SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export EMAIL_URL="${EMAIL_URL:-console://}"
export CACHE_URL="${CACHE_URL:-${REDIS_URL:-redis://127.0.0.1:6379/0}}"
# Plain HTTP on the loopback: no redirect to HTTPS, no HSTS (a reverse proxy does TLS for real).
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
export SITE_URL="${SITE_URL:-http://${HOST:-127.0.0.1}:${PORT:-8003}}"
$PY manage.py collectstatic --no-input --verbosity 0
$PY manage.py migrate --no-input --verbosity 0
# One task worker beside the web workers (map-cell rebuilds, e-mails), under one supervisor:
# when either exits, or on Ctrl-C / SIGTERM, both stop (scripts/supervise.py).
exec $PY scripts/supervise.py -- \
    $PY manage.py db_worker --no-startup-delay --verbosity 0 -- \
    .venv/bin/granian --interface wsgi config.wsgi:application \
        --host "${HOST:-127.0.0.1}" --port "${PORT:-8003}" \
        --workers "${WORKERS:-2}" --blocking-threads "${THREADS:-4}" \
        --no-access-log
