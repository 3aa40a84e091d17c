# Everything a fresh machine needs, from a plain Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Which interpreter .venv was made with; rewritten (so .venv is rebuilt) only when it changes.
INTERPRETER := $(VENV).interpreter

.PHONY: demo test lint check docs screenshots bench golden clean FORCE

$(BIN)/whyache: pyproject.toml $(INTERPRETER)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dask]"
	@touch $@

# Refuse a Python older than 3.11 before making anything, and say what to do instead. When
# PYTHON is another interpreter than the one .venv was made with, make .venv afresh.
ID := import sys; print(sys.implementation.name, *sys.version_info[:3])
$(INTERPRETER): FORCE
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "whyache needs Python 3.11 or newer, but PYTHON=$(PYTHON) is" \
	    "$$($(PYTHON) --version 2>&1 || echo 'not found')." >&2; \
	  echo "Run make again with a newer one, e.g.: make PYTHON=python3.11 $(MAKECMDGOALS)" >&2; \
	  exit 1; }
	@want="$$($(PYTHON) -c '$(ID)')"; \
	have="$$($(BIN)/python -c '$(ID)' 2>/dev/null || echo none)"; \
	if [ -d $(VENV) ] && [ "$$have" != "$$want" ]; then \
	  echo "$(VENV) was made with another Python ($$have); making it again with $$want"; \
	  rm -rf $(VENV); fi; \
	if [ "$$(cat $@ 2>/dev/null)" != "$$want" ]; then \
	  echo "$$want" > $@; \
	  if [ -f $(BIN)/whyache ]; then touch -r $(BIN)/whyache $@; fi; fi

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

screenshots: $(BIN)/whyache  ## the pictures of docs/educators.md: slides (Graphviz) and the pages (Chromium)
	$(BIN)/whyache graph -f hot_weather -f inadequate_fluid_intake -f hours_since_run=2 --focus muscle_cramps | dot -Tpng -o docs/img/slide-cramps.png
	$(BIN)/whyache graph --focus stress_fracture --depth 1 | dot -Tpng -o docs/img/slide-stress-fracture.png
	$(BIN)/whyache graph --overview | dot -Tpng -o docs/img/overview.png
	WHYACHE_SCREENSHOTS=docs/img $(BIN)/python -m pytest -q tests/web/test_browser.py

bench: $(BIN)/whyache  ## benchmarks: print a table, write docs/performance.md (not pass/fail)
	$(BIN)/python -m pip install --quiet -e ".[test,dask,bench]"
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(INTERPRETER) .pytest_cache .mypy_cache .ruff_cache
