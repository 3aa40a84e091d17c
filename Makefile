# Everything a fresh machine needs, from a plain Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint check docs bench golden clean

$(BIN)/whyache: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

demo: $(BIN)/whyache  ## run the demo case on the bundled knowledge base
	$(BIN)/whyache demo

test: $(BIN)/whyache  ## the whole test suite
	$(BIN)/python -m pytest -q

lint: $(BIN)/whyache  ## ruff, mypy and the import contract (the layers of docs/architecture.md)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

check: test lint

golden: $(BIN)/whyache  ## every scenario's output through run, explain, why-not, what-if, graph: unchanged?
	$(BIN)/python tests/golden/generate.py

docs: $(BIN)/whyache  ## regenerate the command reference from the commands' --help
	$(BIN)/python -m whyache.cli.reference > docs/cli.md

bench: $(BIN)/whyache  ## benchmarks: print a table, write docs/performance.md (not pass/fail)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
