# The two commands: `make run` (the app with demo data on http://127.0.0.1:8000) and `make test` (the whole suite).
# Everything else here is what those two need: a virtualenv with pinned packages, and the compiled front end.

PYTHON ?= python3
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
VENV := .venv
BIN := $(VENV)/bin
ASSETS := cme/web/static/cme/build/application.css
DEMO_ENV := DEBUG=1 CME_DEMO=1

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

run: install assets
	@mkdir -p var
	$(DEMO_ENV) $(BIN)/cme migrate --noinput
	$(DEMO_ENV) $(BIN)/cme demo-data --if-empty
	$(DEMO_ENV) $(BIN)/cme run --host $(HOST) --port $(PORT)

test: install-dev assets
	$(BIN)/pytest $(PYTEST_ARGS)

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
