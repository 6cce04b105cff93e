# Two commands do everything on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run demo demo-reset migrate test lint bench mutation clean help

help:
	@echo "make run    serve the app on http://$(HOST):$(PORT) with SQLite (instance/hiring.db)"
	@echo "make demo   add a demo requisition (marked demo) and print the demo logins"
	@echo "make demo-reset  remove the demo data again"
	@echo "make test   run the whole test suite (SQLite and PostgreSQL, browser tests)"
	@echo "make lint   ruff"
	@echo "make bench  run the benchmarks in bench/"
	@echo "make mutation  mutation-test the scoring core (mutmut 3; slow: see docs/mutation.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

# Migrate, refresh stale stored scores, import the bundled blueprints, and create the first
# admin when there is none: `flask setup`, one process for the four steps.
migrate: $(VENV)/.installed
	HIRING_ENV=$${HIRING_ENV:-development} $(BIN)/flask setup

# With REDIS_URL set, a packet worker (RQ) runs alongside the server and stops with it;
# without it, packets render on a thread inside the server.
run: migrate
	@if [ -n "$$REDIS_URL" ]; then \
	  HIRING_ENV=$${HIRING_ENV:-development} $(BIN)/flask packets worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	fi; \
	HIRING_ENV=$${HIRING_ENV:-development} $(BIN)/flask run --host $(HOST) --port $(PORT)

demo: migrate
	HIRING_ENV=$${HIRING_ENV:-development} $(BIN)/flask demo

demo-reset: migrate
	HIRING_ENV=$${HIRING_ENV:-development} $(BIN)/flask demo --reset

# One pytest worker per core, at most 4 (pytest-xdist; tests/conftest.py gives each worker
# its own PostgreSQL database; each worker holds a Chromium and a few connections, so a
# many-core machine does not start dozens). PYTEST_ARGS="-n 0" runs in one process.
# Bytecode caches stay on for the run (__pycache__, ignored by git): where the environment
# turns them off (PYTHONDONTWRITEBYTECODE), each worker and each of the suite's app processes
# compiled the app from source again, and pytest rewrote every test module in every worker.
test: $(VENV)/.installed-dev
	@sh tools/ensure-chromium.sh
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto --maxprocesses 4 --dist worksteal $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run_all.py

# One child by default (2 cores shared). One module, keeping the other results:
#   make mutation MUTANTS='hiring.core.calibration*'
mutation: $(VENV)/.installed-dev
	$(if $(MUTANTS),,rm -rf mutants)
	$(BIN)/mutmut run --max-children $${MUTMUT_CHILDREN:-1} $(foreach m,$(MUTANTS),'$(m)')
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis mutants
