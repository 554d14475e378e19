# Two commands do everything:
#   make demo   set up .venv and run the offline demo crawl on the bundled fixture sites
#   make test   set up .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup prereqs demo test lint format bench clean

prereqs:
	@bash scripts/prereqs.sh

$(STAMP): pyproject.toml
	@bash scripts/prereqs.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/python scripts/demo.py

test: setup
	@bash scripts/prereqs.sh --services
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every benchmark in one run (~25 min on 2 cores), results to bench/RESULTS.md;
# BENCH_ARGS=--quick crawls a 1,000-page site, BENCH_ARGS=--smoke runs CI-sized parts.
bench: setup
	$(BIN)/python -m bench --out bench/RESULTS.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
