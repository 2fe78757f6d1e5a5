# The README's commands. `make run` and `make test` set everything up first (idempotent).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench eval clean

$(STAMP): pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/nqbot run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy config documents index bot

test: lint
	OMP_THREAD_LIMIT=1 $(BIN)/pytest -q

bench: setup
	$(BIN)/python scripts/bench_ask.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
