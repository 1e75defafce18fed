# LeadSite: one command to run the demo, one to run the tests. `make help` lists every target.
#
# Variables (set on the command line or in the environment):
#   PORT=9000           port for `make run` (default 8000)
#   ARGS="-k feed -x"   extra arguments for pytest (`make test`) or the bench scripts (`make bench`)
#   PYTEST_WORKERS=2    parallel pytest processes for `make test` (pytest-xdist); 0 runs serially
#   BENCH=pages         which bench/ script(s) `make bench` runs (default: run, the whole report)
#   DATABASE_URL=...    e.g. postgres://postgres@127.0.0.1:5432/leadsite (SQLite by default)

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
# Stamps: each is newer than the requirement files it installed; a change to one reinstalls.
STAMP := $(VENV)/.requirements-installed
DEV_STAMP := $(VENV)/.requirements-dev-installed
PORT ?= 8000
BIND ?= 127.0.0.1
ARGS ?=
PYTEST_WORKERS ?= 2
# Bench scripts are executable Python files without an extension; ruff only finds *.py by itself.
BENCH_SCRIPTS := $(shell find bench -maxdepth 1 -type f -perm -u+x ! -name '*.*' 2>/dev/null | sort)
# bench/run runs every other script and prints one report; BENCH=pages (or "pages leads") runs
# scripts on their own.
BENCH ?= run

.PHONY: help install install-dev run migrate demo test lint format check bench clean distclean

help: ## List the targets.
	@echo "LeadSite: make <target> [PORT=8000] [ARGS=...]"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'

# The interpreter must be 3.11 (see pyproject.toml); a `python3.11` that is only a shim for a
# version that is not installed (pyenv) does not count, hence the version check on each one.
$(PYTHON):
	@py=""; \
	for candidate in python3.11 python3; do \
		if command -v $$candidate >/dev/null 2>&1 && \
			$$candidate -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
			py=$$candidate; break; \
		fi; \
	done; \
	if [ -z "$$py" ]; then \
		echo "LeadSite needs Python 3.11: install it as python3.11 (or python3) and retry." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$($$py -c 'import sys; print(sys.executable)')"; \
	$$py -m venv $(VENV) || { \
		rm -rf $(VENV); \
		echo "Could not create the venv; on Debian/Ubuntu: apt-get install python3.11-venv" >&2; \
		exit 1; \
	}

# The runtime requirements (what production installs); again only when requirements.txt is
# newer than the stamp.
$(STAMP): requirements.txt | $(PYTHON)
	$(BIN)/pip install --disable-pip-version-check --quiet -r requirements.txt
	@touch $@

# The runtime plus the test and tooling requirements (requirements-dev.txt starts with
# `-r requirements.txt`), so both stamps are fresh afterwards.
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PYTHON)
	$(BIN)/pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@touch $@ $(STAMP)

install: $(STAMP) ## Create .venv (Python 3.11) and install the runtime requirements.txt when it changed.

install-dev: $(DEV_STAMP) ## install, plus the test and tooling requirements-dev.txt (pytest, ruff, ...).

migrate: $(STAMP) ## Apply database migrations.
	$(PYTHON) manage.py migrate --no-input

demo: migrate ## Load the demo site: page tree, articles, users (DEMO_PASSWORD sets the password).
	SITE_URL=$${SITE_URL:-http://$(BIND):$(PORT)} $(PYTHON) manage.py load_demo

run: demo ## Set up everything and serve the demo at http://127.0.0.1:8000 (PORT=9000 to change).
	@echo "LeadSite: http://$(BIND):$(PORT)/  admin: http://$(BIND):$(PORT)/admin/ as admin, editor or sales,"
	@echo "  password: \$$DEMO_PASSWORD, or the one generated and printed above on the first run."
	SITE_URL=$${SITE_URL:-http://$(BIND):$(PORT)} $(PYTHON) manage.py runserver $(BIND):$(PORT)

test: $(DEV_STAMP) ## Run the whole test suite in PYTEST_WORKERS processes (pytest args in ARGS="...").
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(ARGS)

lint: $(DEV_STAMP) ## ruff check, ruff format --check and djhtml --check on the templates.
	$(BIN)/ruff check . $(BENCH_SCRIPTS)
	$(BIN)/ruff format --check . $(BENCH_SCRIPTS)
	$(BIN)/djhtml --check templates

format: $(DEV_STAMP) ## Fix what the linters can fix: ruff --fix, ruff format, djhtml.
	$(BIN)/ruff check --fix . $(BENCH_SCRIPTS)
	$(BIN)/ruff format . $(BENCH_SCRIPTS)
	$(BIN)/djhtml templates

check: $(STAMP) ## Django system checks and a check that no migration is missing.
	$(PYTHON) manage.py check
	$(PYTHON) manage.py makemigrations --check --dry-run

bench: $(STAMP) ## Run bench/run, every benchmark in one report (ARGS="--quick"; BENCH=pages for one script; needs wrk, nginx).
	@set -e; for script in $(BENCH); do \
		echo "== bench/$$script"; \
		$(PYTHON) bench/$$script $(ARGS); \
	done

clean: ## Remove generated files: caches, collected static files, var/ (test media).
	rm -rf staticfiles var .ruff_cache .pytest_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean ## Also remove .venv, the SQLite database and uploaded media.
	rm -rf $(VENV) media db.sqlite3 db.sqlite3-shm db.sqlite3-wal
