# The two commands that matter: `make demo` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PACT_DO_NOT_TRACK := true

.PHONY: setup demo test test-slow fuzz-deep lint bench contracts standard spectral site site-tools clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/interop demo

# Every test but the slow end-to-end suites (marked `slow`: whole verify runs per quirk, acceptance
# runs, foreign products, browsers over the site, the scale-out compose file); under 10 minutes on
# 2 cores. CI runs both targets (.ci/run).
test: setup
	$(BIN)/python -m pytest -n 2 -m 'not slow' $(PYTEST_ARGS)

test-slow: setup
	$(BIN)/python -m pytest -n 2 -m slow $(PYTEST_ARGS)

# The fuzz suite against each simulator at ten times the default budget, seeds 1-3 (docs/hardening.md).
fuzz-deep: setup
	$(BIN)/python -m tests.hardening.fuzz_deep $(FUZZ_DEEP_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m bench

contracts: setup
	INTEROP_WRITE_PACTS=1 $(BIN)/python -m pytest tests/consumers -p no:xdist -q

# The standard as a product (docs/standard.md): regenerate contracts/bundled/, compare with the last
# release in contracts/released/, and lint with Spectral when it is installed in .ci/node.
standard: setup
	$(BIN)/interop standard bundle
	$(BIN)/interop standard diff --corrections contracts/released/corrections.yaml \
		contracts/released/$$(ls -d contracts/released/*/ | xargs -n1 basename | sort -V | tail -1) contracts/bundled
	@if [ -x .ci/node/node_modules/.bin/spectral ]; then $(MAKE) --no-print-directory spectral; \
	else echo "Spectral not installed (bash .ci/run installs it into .ci/node); lint skipped"; fi

spectral:
	.ci/node/node_modules/.bin/spectral lint --fail-severity=warn contracts/bundled/*.json
	.ci/node/node_modules/.bin/spectral lint --fail-severity=warn scenarios/*.arazzo.yaml

# The standard's reference site (docs/standard.md): static HTML in build/site/, readable with no network.
# Redocly's CLI (npm, pinned here; its 1.x line renders Redoc 2, one page per system) renders one API
# reference per system; the rest is Python. `site-tools` installs it into .ci/node when absent or another version.
REDOCLY_VERSION := 1.34.20

site: setup site-tools
	$(BIN)/interop standard site --out build/site

site-tools:
	@if [ "$$(node -p "require('./.ci/node/node_modules/@redocly/cli/package.json').version" 2>/dev/null)" != "$(REDOCLY_VERSION)" ]; then \
		npm install --prefix .ci/node --no-audit --no-fund --loglevel=error "@redocly/cli@$(REDOCLY_VERSION)"; \
	fi

clean:
	rm -rf $(VENV) .interop interop-report .pytest_cache
