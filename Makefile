# Maillage – the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PROD_PORT ?= 8003

.PHONY: serve-prod backup restore loadtest bench-backups
.PHONY: run setup test test-e2e lint format bench bench-search bench-matching bench-imports screenshots messages clean

$(VENV)/.installed: requirements.lock requirements-test.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-test.lock
	touch $@

## setup: virtual environment, database schema, territory, reference lists and demo organisations
setup: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_catalogue
	$(PY) manage.py load_demo_animation

## run: set everything up, then serve http://127.0.0.1:8000 (a second run keeps the data)
run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole suite (SQLite by default; PostgreSQL when DATABASE_URL points at it)
test: $(VENV)/.installed
	$(PY) -m pytest

## test-e2e: only the browser tests (needs Debian's chromium at /usr/bin/chromium)
test-e2e: $(VENV)/.installed
	$(PY) -m pytest e2e

## lint: ruff checks and formatting
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## bench: every benchmark, each writing its own section of BENCHMARKS.md
BENCH_SIZE ?= 1000000
bench: bench-search bench-imports bench-matching bench-backups
	$(PY) bench/loadtest.py --users $(LOAD_USERS) --duration $(LOAD_SECONDS)

## bench-backups: backup and restore round trip of the benchmark databases (or the demo one)
bench-backups: $(VENV)/.installed
	$(PY) bench/backups.py

## bench-search: search and map at 1,000,000 organisations on SQLite and PostgreSQL (about 15 min)
bench-search: $(VENV)/.installed
	$(PY) bench/run.py sqlite --size $(BENCH_SIZE)
	$(PY) bench/run.py postgresql --size $(BENCH_SIZE)
	$(PY) bench/report.py

## bench-imports: import 1,000,000 CSV rows until searchable, one edit, CSV export (both engines)
BENCH_IMPORTS_SIZE ?= 1000000
bench-imports: $(VENV)/.installed
	$(PY) bench/imports.py --size $(BENCH_IMPORTS_SIZE)

## bench-matching: matching needs to offers, 200,000 offers at 1,000,000 organisations → BENCHMARKS.md
bench-matching: $(VENV)/.installed
	$(PY) bench/matching.py sqlite --size $(BENCH_SIZE)
	$(PY) bench/matching.py postgresql --size $(BENCH_SIZE)
	$(PY) bench/matching_report.py

## screenshots: pictures of the main pages from a server running on $(HOST):$(PORT)
screenshots: $(VENV)/.installed
	$(PY) scripts/screenshots.py http://$(HOST):$(PORT) docs/screenshots

## messages: refresh and compile the English translation
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore="e2e/*"
	$(PY) manage.py compilemessages --ignore=.venv

## serve-prod: production settings under granian on 127.0.0.1:8003, static files by whitenoise
serve-prod: $(VENV)/.installed
	HOST=$(HOST) PORT=$(PROD_PORT) scripts/serve_prod.sh

## backup: a consistent copy of the database in $(BACKUP_DIR) (SQLite backup API or pg_dump -Fc)
BACKUP_DIR ?= backups
backup: $(VENV)/.installed
	$(PY) manage.py backup --dir $(BACKUP_DIR)

## restore FILE=…: replace the database's content with a backup (asks nothing: it is --force)
restore: $(VENV)/.installed
	@test -n "$(FILE)" || (echo "Usage: make restore FILE=backups/maillage-….sqlite3" && exit 2)
	$(PY) manage.py restore "$(FILE)" --force

## loadtest: 50 virtual users for 60 s against serve-prod on 127.0.0.1 → BENCHMARKS.md (not in test)
LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
loadtest: $(VENV)/.installed
	$(PY) bench/loadtest.py --users $(LOAD_USERS) --duration $(LOAD_SECONDS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-shm db.sqlite3-wal
