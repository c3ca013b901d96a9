# BinnenBuiten: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := .make
HOST ?= 127.0.0.1
PORT ?= 8000

# Find a Python 3.12+: an explicit PYTHON=..., pyenv's choice from .python-version, then the
# usual names on PATH. Stop with a clear message when there is none.
PYTHON_CANDIDATES := $(PYTHON) python3.14 python3.13 python3.12 python3 python \
	$(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3)
FIND_PYTHON := for c in $(PYTHON_CANDIDATES); do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done

.PHONY: help install assets run test mutation faults load lint format bench check clean lock

# Debug is off unless asked for (config/settings.py): the local commands ask for it here, so
# a production start that forgot DJANGO_DEBUG never runs in debug mode.
run test mutation faults lint bench: export DJANGO_DEBUG = true

help:
	@echo "make run    install, migrate, load demo data and serve http://$(HOST):$(PORT)/"
	@echo "make test   install and run the whole test suite"
	@echo "make mutation  mutation testing of the calendar, planning, flags and permission rule (about 15 min)"
	@echo "make faults Redis, a worker and PostgreSQL failing under the real stack (private servers)"
	@echo "make load   $(LOAD_USERS) users for $(LOAD_SECONDS) s against gunicorn, PostgreSQL and Redis"
	@echo "make lint   ruff check and format check, migrations check, the import contracts"
	@echo "make bench  benchmarks on PostgreSQL (needs DATABASE_URL)"
	@echo "make lock   re-resolve requirements/*.txt after a change to pyproject.toml (UPGRADE=1: newest)"

$(STAMP)/venv: requirements/dev.txt
	@py=$$($(FIND_PYTHON)); \
	if [ -z "$$py" ]; then \
		echo "BinnenBuiten needs Python 3.12 or newer, and none was found."; \
		echo "Install Python 3.12+ (or set PYTHON=/path/to/python3.12) and try again."; \
		exit 1; \
	fi; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		rm -rf $(VENV); echo "Creating $(VENV) with $$py"; $$py -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/npm: package.json package-lock.json
	@command -v npm >/dev/null || { echo "BinnenBuiten needs Node.js (npm) for its front-end packages."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMP) && touch $@

install: $(STAMP)/venv assets

assets: $(STAMP)/venv $(STAMP)/npm
	@$(PY) scripts/build_assets.py

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "BinnenBuiten runs at http://$(HOST):$(PORT)/  (log in as projectleider, bureauhoofd,"
	@echo "afdelingshoofd or beheerder; password: binnenbuiten). Stop with Ctrl+C."
	@echo "The demo asks no second factor (BB_2FA_REQUIRED_FOR=none, for the demo only); in"
	@echo "production a Beheerder sets up an authenticator app at the first login."
	BB_2FA_REQUIRED_FOR=none $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
	$(PY) -m pytest -n 2 --dist loadgroup -m "not faults" $(PYTEST_ARGS)

# mutmut over the modules in [tool.mutmut] only_mutate, on SQLite (DATABASE_URL and REDIS_URL
# are left out); one line per module and the total; fails below 90% on a module.
mutation: install
	$(PY) scripts/mutation.py

# One at a time: each test stops, kills or restarts servers of its own.
faults: install
	$(PY) -m pytest -m faults tests/faults $(PYTEST_ARGS)

# Needs PostgreSQL and Redis (the servers of DATABASE_URL/REDIS_URL, else 127.0.0.1); it
# uses a database of its own on each (scripts/load.py).
LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
load: install
	$(PY) scripts/load.py --users $(LOAD_USERS) --seconds $(LOAD_SECONDS)

lint: $(STAMP)/venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

format: $(STAMP)/venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The lock files pin every package with its hashes, for every platform and Python 3.12+:
# make install and .ci/run install requirements/dev.txt, the Dockerfile requirements/base.txt
# (the same versions, without the tools). UPGRADE=1 takes the newest allowed versions.
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.12 \
	--generate-hashes --quiet $(if $(UPGRADE),--upgrade)
lock: $(STAMP)/venv
	$(LOCK) --extra dev -o requirements/dev.txt
	$(LOCK) -c requirements/dev.txt -o requirements/base.txt

bench: install
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) $(STAMP) node_modules static/vendor staticfiles build *.egg-info .hypothesis
