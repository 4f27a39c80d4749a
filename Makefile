# Two commands: `make run` and `make test`. Each does all of its own set-up.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test lint bench system postgres clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system:
	@bash scripts/system-packages.sh

postgres:
	@bash scripts/ensure-postgres.sh

run: $(STAMP) system
	$(BIN)/intake db upgrade
	@bash scripts/first-start.sh
	$(BIN)/intake serve

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) system postgres lint
	INTAKE_TEST_DB=sqlite $(BIN)/python -m pytest -q -p no:cacheprovider
	INTAKE_TEST_DB=postgresql $(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP) system postgres
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache
