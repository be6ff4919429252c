# Maillage – the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test test-e2e lint format bench bench-matching screenshots messages clean

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

## bench: search and map at 1,000,000 organisations on SQLite and PostgreSQL → BENCHMARKS.md
BENCH_SIZE ?= 1000000
bench: $(VENV)/.installed
	$(PY) bench/run.py sqlite --size $(BENCH_SIZE)
	$(PY) bench/run.py postgresql --size $(BENCH_SIZE)
	$(PY) bench/report.py
	$(MAKE) bench-matching

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

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-shm db.sqlite3-wal
