# Mulin — two commands on a fresh clone:
#   make run    install, migrate, load the demo street, serve on http://127.0.0.1:$(PORT)
#   make test   install test tools and run the whole suite (SQLite; PostgreSQL if DATABASE_URL says so)
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE ?= config.settings.base

.PHONY: run test install install-dev frontend translations migrate demo lint importlint typecheck check-deploy e2e lock clean bench-s bench-m

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.base-installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.base-installed frontend translations
install-dev: install $(VENV)/.dev-installed

frontend: frontend/node_modules/.package-lock.json

translations: $(VENV)/.base-installed
	$(BIN)/python manage.py compile_translations

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	MULIN_DEMO=1 $(BIN)/python manage.py seed_demo

run: demo
	@echo "Mulin is starting on http://127.0.0.1:$(PORT)/ (demo mode; periodic jobs run in-process)"
	MULIN_DEMO=1 $(BIN)/python manage.py run_scheduler & \
	MULIN_DEMO=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Two workers (the 2-core machine CI runs on; TEST_WORKERS=auto for one per core, 0 for none).
TEST_WORKERS ?= 2
test: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n $(TEST_WORKERS)

e2e: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -m e2e

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

# Import direction: contracts in pyproject.toml ([tool.importlinter]; docs/modules.md).
importlint: install-dev
	$(BIN)/lint-imports

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY="$$(openssl rand -base64 60 | tr -d '\n')" \
	DJANGO_ALLOWED_HOSTS=mulin.example.gov.cn MULIN_FIELD_KEYS_FILE=var/field_keys.json \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Benchmarks (docs/benchmarks.md): PostgreSQL on 127.0.0.1:5432 (databases mulin_bench_s / _m), wrk if
# installed; results in bench-results/. Tier S ends with the CI gate (tools/bench/budgets.json).
bench-s: install
	$(BIN)/python -m tools.bench.run --tier S --gate tools/bench/budgets.json

# S1 (roster auto-fill, tools/bench/solver.py) runs after tier M; a missed S1 target is reported
# (MISS lines, exit status ignored here) without losing the tier M figures.
bench-m: install
	$(BIN)/python -m tools.bench.run --tier M --sqlite --baseline bench-results/latest-S.json
	-$(BIN)/python -m tools.bench.solver

lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras requirements/base.in -o requirements/base.txt
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) frontend/node_modules staticfiles .pytest_cache .mypy_cache .ruff_cache
