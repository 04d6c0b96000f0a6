# The two commands that matter: `make demo` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PACT_DO_NOT_TRACK := true

.PHONY: setup demo test test-fast lint bench contracts clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/interop demo

test: setup
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -n 2 -m 'not slow' $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python -m bench

contracts: setup
	INTEROP_WRITE_PACTS=1 $(BIN)/python -m pytest tests/consumers -p no:xdist -q

clean:
	rm -rf $(VENV) .interop interop-report .pytest_cache
