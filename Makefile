# The two commands: `make run` (the app with demo data on http://127.0.0.1:8000) and `make test` (the whole suite).
# Everything else here is what those two need: a virtualenv with pinned packages, and the compiled front end.

PYTHON ?= python3
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist), each test file on one worker, so a file's costly fixtures (a browser
# test's borough, the production smoke test's servers) are made once. `make test PYTEST_PARALLEL=` runs it serially.
PYTEST_PARALLEL ?= -n auto --dist loadfile
VENV := .venv
BIN := $(VENV)/bin
ASSETS := cme/web/static/cme/build/application.css
# `make run` writes the demo settings here once; `cme` reads the file when it is there (docs/operating.md).
DEMO_SETTINGS := var/cme.env

.PHONY: run test install install-dev assets lint format constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json scripts/build-assets.mjs $(wildcard cme/web/assets/*/*)
	node scripts/build-assets.mjs

assets: $(ASSETS)

$(DEMO_SETTINGS): | $(BIN)/python
	@mkdir -p $(dir $@)
	@printf '%s\n' '# Written by make run: this checkout runs the demo (made-up data, no two-factor sign-in).' \
	  '# The cme command reads it; delete it to leave demo mode. A production installation has no such file.' \
	  'CME_DEMO=1' "SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "wrote the demo settings to $@"

run: install assets $(DEMO_SETTINGS)
	$(BIN)/cme migrate --noinput
	$(BIN)/cme demo-data --if-empty
	$(BIN)/cme run --host $(HOST) --port $(PORT)

test: install-dev assets
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin every Python package after changing pyproject.toml: `make constraints`.
constraints: $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) node_modules cme/web/static/cme/build var/static
