# Quick start: `make demo` (set up, then run the main job on a synthetic county) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PEOPLE ?= 20000
DEMO_AS_OF ?= 2015-07-31

.PHONY: setup demo test lint bench clean

$(BIN)/pf: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/pf

setup: $(BIN)/pf

demo: setup
	$(BIN)/pf synth demo/extracts --people $(DEMO_PEOPLE) --as-of $(DEMO_AS_OF) --seed 1
	$(BIN)/pf identify demo/extracts --as-of $(DEMO_AS_OF) --workspace demo/workspace --out demo/out

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf demo workspace
