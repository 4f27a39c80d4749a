# Two commands: `make run` and `make test`. Each does all of its own set-up.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# axe-core for the accessibility tests, pinned in tests/a11y/package-lock.json.
AXE := tests/a11y/node_modules/axe-core/axe.min.js
PYTHON ?= python3

.PHONY: run test lint bench system postgres clean a11y

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(AXE): tests/a11y/package.json tests/a11y/package-lock.json | system
	cd tests/a11y && npm ci --no-audit --no-fund
	touch $(AXE)

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

test: $(STAMP) system postgres lint $(AXE)
	INTAKE_TEST_DB=sqlite $(BIN)/python -m pytest -q -p no:cacheprovider
	INTAKE_TEST_DB=postgresql $(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP) system postgres
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Only the accessibility checks (axe-core in Chromium, keyboard-only review), on SQLite.
a11y: $(STAMP) system $(AXE)
	INTAKE_TEST_DB=sqlite $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/test_every_dashboard_page_passes_axe.py tests/test_every_html_mail_passes_axe.py \
		tests/test_every_html_report_passes_axe.py tests/test_a_whole_review_works_by_keyboard_alone.py \
		tests/test_colour_is_never_the_only_signal_of_a_status.py \
		tests/test_docx_report_has_heading_styles_swedish_language_and_a_toc.py \
		tests/test_pdf_report_states_its_language_and_title.py

clean:
	rm -rf $(VENV) var .pytest_cache tests/a11y/node_modules
