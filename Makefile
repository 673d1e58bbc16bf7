# kzmap developer commands. Needs only Python 3.11+ and make; every target
# creates or reuses the virtual environment in .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CORE := $(VENV)/.core-installed
TEST := $(VENV)/.test-installed

.PHONY: map test install lint typecheck pytest browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(CORE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	touch $@

$(TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet '.[test]'
	touch $@ $(CORE)

# Reinstall kzmap itself (not its dependencies) so the run uses this tree.
install: $(CORE)
	$(BIN)/python -m pip install --quiet --no-deps --force-reinstall .

## Render the default map to kazakhstan.html (offline, self-contained).
map: install
	$(BIN)/kzmap render -o kazakhstan.html

browser:
	bash scripts/install-browser.sh

lint: $(TEST)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(TEST) install
	$(BIN)/mypy -p kzmap.geo -p kzmap.layers -p kzmap.routes -p kzmap.maps

pytest: $(TEST) install browser
	$(BIN)/pytest

## Lint, type-check and run the whole test suite (browser tests included).
test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info kazakhstan.html
