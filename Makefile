# Two commands: `make run` and `make test`. Each does all of its own set-up.
VENV := .venv
BIN := $(VENV)/bin
# `make run` installs the runtime only; `make test` adds the [test] extra. Both from a lock.
RUN_STAMP := $(VENV)/.run-stamp
STAMP := $(VENV)/.installed-stamp
# Exact versions with hashes: requirements.lock for running, requirements-test.lock for the
# tests (the same runtime versions plus the test tooling). `make lock` refreshes both.
LOCK := requirements.lock
TEST_LOCK := requirements-test.lock
# axe-core for the accessibility tests, pinned in tests/a11y/package-lock.json.
AXE := tests/a11y/node_modules/axe-core/axe.min.js
PYTHON ?= python3
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: run test lint audit bench system system-test postgres clean a11y lock wheel-check

# The lock first (it carries the build backend too), then this checkout without resolving again.
# After `system`: on a fresh Debian, `python3 -m venv` needs python3-venv.
$(RUN_STAMP): $(LOCK) pyproject.toml | system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r $(LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $(RUN_STAMP)

$(STAMP): $(TEST_LOCK) pyproject.toml | system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r $(TEST_LOCK)
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(AXE): tests/a11y/package.json tests/a11y/package-lock.json | system-test
	cd tests/a11y && npm ci --no-audit --no-fund
	touch $(AXE)

system:
	@bash scripts/system-packages.sh system-packages.txt

system-test:
	@bash scripts/system-packages.sh system-packages.txt system-packages-test.txt

postgres:
	@bash scripts/ensure-postgres.sh

run: $(RUN_STAMP) system
	$(BIN)/intake db upgrade
	@bash scripts/first-start.sh
	$(BIN)/intake serve

lint: $(STAMP)
	$(BIN)/ruff check .

# Known advisories for every locked package, from PyPI's vulnerability data (scripts/audit.py).
audit:
	$(PYTHON) scripts/audit.py $(LOCK) $(TEST_LOCK)

test: $(STAMP) system-test postgres lint audit $(AXE)
	INTAKE_TEST_DB=sqlite $(BIN)/python -m pytest -q -p no:cacheprovider
	INTAKE_TEST_DB=postgresql $(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP) system-test postgres
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Only the accessibility checks (axe-core in Chromium, keyboard-only review), on SQLite.
a11y: $(STAMP) system-test $(AXE)
	INTAKE_TEST_DB=sqlite $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/test_every_dashboard_page_passes_axe.py tests/test_every_html_mail_passes_axe.py \
		tests/test_every_html_report_passes_axe.py tests/test_a_whole_review_works_by_keyboard_alone.py \
		tests/test_colour_is_never_the_only_signal_of_a_status.py \
		tests/test_docx_report_has_heading_styles_swedish_language_and_a_toc.py \
		tests/test_pdf_report_states_its_language_and_title.py

# Re-resolve both locks from pyproject.toml: keeps the pins that still fit, adds what is new;
# `make lock UPGRADE=1` moves every package to its newest release within the caps, and
# `make lock UPGRADE_PACKAGES="starlette uvicorn"` only those (a security release).
LOCK_TOOLS := $(VENV)/lock-tools
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --all-build-deps \
	--no-emit-index-url --no-emit-find-links
# Upgrades go into the test lock; the runtime lock then takes its versions from it.
UPGRADE_FLAGS := $(if $(UPGRADE),--upgrade) \
	$(foreach package,$(UPGRADE_PACKAGES),--upgrade-package $(package))
lock:
	test -x $(LOCK_TOOLS)/bin/python || $(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install --quiet 'pip-tools>=7.5,<8'
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/bin/pip-compile $(LOCK_FLAGS) \
		$(UPGRADE_FLAGS) --extra test -o $(TEST_LOCK) pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/bin/pip-compile $(LOCK_FLAGS) \
		-c $(TEST_LOCK) -o $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache tests/a11y/node_modules
