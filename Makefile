# The two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 7071
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

# Seeding must finish before serving starts, even under make -j.
.NOTPARALLEL:

.PHONY: install install-python install-node run seed serve token services lint test infra-check bench clean

install: install-python install-node

install-python: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
	  || { echo "Python 3.11 is required (found $$($(PYTHON) --version)); set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install-node: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## The whole system on embedded adapters, seeded with demo data, at http://$(HOST):$(PORT)/api/
run: install-python seed serve

seed: install-python
	$(PY) -m devhost seed

serve: install-python
	$(PY) -m devhost serve --host $(HOST) --port $(PORT)

## A bearer token for curl: make token ROLES="ConfigHub.Admin Inventory.Admin"
ROLES ?= ConfigHub.Admin
token: install-python
	@$(PY) -m devhost token $(foreach r,$(ROLES),--role $(r))

## Make sure MariaDB and Redis answer (start them if installed but stopped)
services:
	@bash scripts/ensure_services.sh

lint: install-python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

## Every test, starting what it needs (cosmosdb-server is started by the test session)
test: install services lint
	$(PY) -m pytest $(PYTEST_ARGS)

## Infrastructure checks only: Bicep parse, checkov (offline), settings contract
infra-check: install-python
	$(PY) -m pytest tests/infra -q

bench: install
	@for b in bench/*.py; do m=$$(basename $$b .py); [ "$$m" = __init__ ] && continue; \
	  echo "== bench.$$m"; $(PY) -m bench.$$m || exit 1; done

clean:
	rm -rf .local .pytest_cache .mypy_cache .ruff_cache
