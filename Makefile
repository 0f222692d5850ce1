# PAKET Bot: `make run` and `make test` work on a fresh machine; every target sets up what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when pyproject.toml changes.
INSTALLED := $(VENV)/.installed

# The suite runs on SQLite unless TEST_DATABASE_URL is set in the environment; `make test-pg`
# sets it to this (override: make test-pg TEST_DATABASE_URL=postgresql://...).
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

# Two pytest workers (pytest-xdist): each test has its own database and simulator, and the
# e2e suite spends much of its time waiting on the network. PYTEST_WORKERS= runs in one.
PYTEST_WORKERS ?= -n 2

LOCALES := locales
POT := $(LOCALES)/messages.pot
CATALOG_LANGS := id en
# Message markers: tr._("..."), N_("...") and tr.n_("...", "...", n); domain errors carry their
# msgid as first argument, so their constructors are markers too. Keep in step with
# tests/test_catalogs.py (it reads this line).
BABEL_KEYWORDS := -k _ -k N_ -k n_:1,2 -k DomainError -k NotFound -k NotAllowed -k InvalidTransition -k InvalidInput

.PHONY: help install bytecode run demo test test-pg bench lint format i18n-extract i18n-compile clean distclean

help:
	@echo "make run           set up .venv, compile catalogs, run the bot (demo when no token)"
	@echo "make test          ruff, mypy and pytest (SQLite, or TEST_DATABASE_URL if set)"
	@echo "make test-pg       pytest against PostgreSQL ($(TEST_DATABASE_URL))"
	@echo "make bench         benchmarks in tests/bench"
	@echo "make lint | format | bytecode | i18n-extract | i18n-compile | clean | distclean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

install: $(INSTALLED)

# Our modules' bytecode, written even where PYTHONDONTWRITEBYTECODE is set (as on this team's
# machines, and in many container images): Python still reads bytecode then, but never saves
# it, so every start compiled our ~170 modules again, about 0.4 s of a 3 s start-up. Quick
# when nothing changed (files already compiled are skipped).
bytecode: install
	@$(BIN)/python -m compileall -q -j 0 bot conversations storage tests > /dev/null

run: install i18n-compile bytecode
	$(BIN)/paket-bot run

demo: install i18n-compile bytecode
	$(BIN)/paket-bot demo

test: install i18n-compile bytecode
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot conversations storage
	$(BIN)/pytest $(PYTEST_WORKERS)

test-pg: install i18n-compile bytecode
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/pytest $(PYTEST_WORKERS)

# The micro benchmarks, then the whole benchmark of issue #10 (tests/bench/__main__.py): every
# runtime and store, the floors, broadcast, reminders, start-up; one table in bench/results/.
# Needs PostgreSQL (BENCH_POSTGRES_URL); e.g. make bench BENCH_ARGS=--quick, or "--store sqlite".
bench: install i18n-compile bytecode
	$(BIN)/pytest tests/bench --benchmark-enable -q
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot conversations storage

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract every marked message, merge it into both catalogs, and fill the Indonesian one
# (its msgids are the Indonesian text). New English entries stay empty for the translator;
# tests/test_catalogs.py fails until they are filled.
i18n-extract: install
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --add-comments=TRANSLATORS: \
		--add-location=file --sort-by-file --project=paket-bot --version=0.1.0 \
		--copyright-holder="PAKET Bot" -o $(POT) .
	for lang in $(CATALOG_LANGS); do \
		$(BIN)/pybabel update -i $(POT) -d $(LOCALES) -D messages -l $$lang --init-missing \
			--previous --ignore-pot-creation-date || exit 1; \
	done
	$(BIN)/python $(LOCALES)/fill_id.py

# Fuzzy (unreviewed) translations are never compiled: the person sees Indonesian instead.
i18n-compile: install
	$(BIN)/pybabel compile -d $(LOCALES) -D messages --statistics

clean:
	rm -rf build .pytest_cache .ruff_cache .mypy_cache .benchmarks *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	find $(LOCALES) -name '*.mo' -delete

distclean: clean
	rm -rf $(VENV)
