# Newsroom: `make run` to try it, `make test` for the checks CI runs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432
PG_TEST_DB ?= newsroom_ci
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test test-postgres e2e lint format bench loadtest backup restore import-corpus clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) .env

# Development checkouts only (git-ignored): manage.py run by hand gets DEBUG.
.env:
	printf '# Development checkout only; never deploy this file.\nDEBUG=1\n' > .env

run: install
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The suite on SQLite, after the static checks.
test: lint
	mkdir -p var
	SECRET_KEY=check-only $(PY) manage.py check
	SECRET_KEY=check-only $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -q

# The same suite on PostgreSQL (pytest-django creates test_$(PG_TEST_DB)).
test-postgres: install
	DATABASE_URL=$(PG_URL)/$(PG_TEST_DB) $(VENV)/bin/pytest -q

# Browser tests: Playwright driving Debian's /usr/bin/chromium.
# axe-core (tests/e2e/package.json) is installed with npm when missing.
e2e: install
	test -f tests/e2e/node_modules/axe-core/axe.min.js || npm ci --prefix tests/e2e --no-audit --no-fund
	$(VENV)/bin/pytest -q -m e2e tests/e2e

import-corpus: install
	bash .ci/import-corpus

# Backups (README "Backups"): database and photos into var/backups/<time>/
# (or $$BACKUP_DIR/<time>/), with the site's own DATABASE_URL.
backup: install
	scripts/backup

# make restore BACKUP=var/backups/<time> [YES=1 to skip the question]
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time> [YES=1]"; exit 2; }
	scripts/restore $(if $(YES),--yes) "$(BACKUP)"

# Performance at 10,000 and 100,000 stories side by side (docs/PERFORMANCE.md):
# PostgreSQL, Redis and /usr/bin/wrk on this machine; BENCH_QUICK=1 for ~5 min.
bench: install
	$(PY) -c "import redis" 2>/dev/null || $(PY) -m pip install -q redis
	$(PY) scripts/bench.py

# Bounded load test on loopback with a worker kill and a PostgreSQL restart
# (README "Load test"); writes docs/LOADTEST.md. LOADTEST_ARGS=--no-pg-restart
# for a dry run beside other test runs.
loadtest: install
	$(PY) scripts/loadtest.py $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) var/db.sqlite3 test-artifacts
