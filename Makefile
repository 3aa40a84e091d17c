# Everything a fresh machine needs, from a plain Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint check docs screenshots bench clean

$(BIN)/whyache: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

demo: $(BIN)/whyache  ## run the demo case on the bundled knowledge base
	$(BIN)/whyache demo

test: $(BIN)/whyache  ## the whole test suite
	$(BIN)/python -m pytest -q

lint: $(BIN)/whyache  ## ruff and mypy
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

check: test lint

docs: $(BIN)/whyache  ## regenerate the command reference from the commands' --help
	$(BIN)/python -m whyache.cli.reference > docs/cli.md

screenshots: $(BIN)/whyache  ## the pictures of docs/educators.md: slides (Graphviz) and the pages (Chromium)
	$(BIN)/whyache graph -f hot_weather -f inadequate_fluid_intake -f hours_since_run=2 --focus muscle_cramps | dot -Tpng -o docs/img/slide-cramps.png
	$(BIN)/whyache graph --focus stress_fracture --depth 1 | dot -Tpng -o docs/img/slide-stress-fracture.png
	$(BIN)/whyache graph --overview | dot -Tpng -o docs/img/overview.png
	WHYACHE_SCREENSHOTS=docs/img $(BIN)/python -m pytest -q tests/web/test_browser.py

bench: $(BIN)/whyache  ## benchmarks: print a table, write docs/performance.md (not pass/fail)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
