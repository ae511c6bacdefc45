# Lampang Tracker — the two commands a newcomer needs:
#   make run    install everything, build a demo SQLite database and start the server
#   make test   run the whole test suite (DATABASE_URL picks the database; SQLite by default)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHAINLP_OFFLINE := 1

# Debian packages WeasyPrint and the PDF tests need (Pango with libthai for Thai line
# breaking, poppler for text extraction). Installed only when missing and when we may.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libthai0 poppler-utils
# The browser tests (tests/e2e) drive Debian's Chromium through its chromedriver, with a
# Thai font for the screenshots, and take axe-core from npm. Needed by `make test` only.
BROWSER_PACKAGES := chromium chromium-driver fonts-thai-tlwg $(if $(shell command -v npm 2>/dev/null),,npm)
E2E := tests/e2e

.PHONY: run serve test install system-deps test-deps browser-deps migrate demo lint format bench mutate clean

# Install the Debian packages of $(1) that are missing when we may (root with apt-get),
# otherwise name them and stop.
define require_packages
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Please install these Debian packages first:$$missing"; exit 1; \
		fi; \
	fi
endef

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: system-deps $(VENV)/.installed

system-deps:
	$(call require_packages,$(SYSTEM_PACKAGES))

# Chromium, chromedriver and axe-core for the browser tests. No browser is ever
# downloaded by the tests themselves (tests/e2e/browser.py).
test-deps: system-deps browser-deps $(E2E)/node_modules/.package-lock.json

browser-deps:
	$(call require_packages,$(BROWSER_PACKAGES))

$(E2E)/node_modules/.package-lock.json: $(E2E)/package-lock.json | browser-deps
	npm ci --prefix $(E2E) --no-audit --no-fund
	touch $@

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo ""
	@echo "  Lampang Tracker: http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: $${DEMO_PASSWORD:-demo}):"
	@echo "    secretariat  ฝ่ายเลขานุการ (กลุ่มงานอำนวยการ)"
	@echo "    executive    ผู้บริหาร"
	@echo "    culture      สำนักงานวัฒนธรรมจังหวัดลำปาง"
	@echo "    education    สำนักงานศึกษาธิการจังหวัดลำปาง"
	@echo "    (and one user per agency of meeting ๑๐/๒๕๖๐: see README.md)"
	@echo ""
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Production serving (README "Running on a server"): DEBUG off, the settings from the
# environment (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ...), then migrate, collect the
# static files (whitenoise, compressed + hashed names) and start gunicorn (gunicorn.conf.py).
serve: install
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput
	DEBUG=0 GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(VENV)/bin/gunicorn --config gunicorn.conf.py lampang_tracker.wsgi

test: install test-deps
	DEBUG=0 STATIC_MANIFEST=0 SECRET_KEY=test-only $(PY) manage.py test --noinput --parallel auto $(TESTS)

# Mutation testing (slow; not part of `make test`; README "Mutation testing"): mutmut
# changes the access helpers and services one small edit at a time (pyproject.toml
# [tool.mutmut]) and runs the tests that reach each edit; the mutants no test notices
# are printed at the end with a count per module (docs/mutation.md explains those that
# change nothing observable). MUTANTS narrows the run, e.g. make mutate MUTANTS='*.access.*'
# or MUTANTS='minutes.services.*'; MUTATE_JOBS is how many mutants run at once.
MUTATE_JOBS ?= 2
mutate: install
	nice -n 10 $(VENV)/bin/mutmut run --max-children $(MUTATE_JOBS) $(MUTANTS)
	@echo; echo "Mutants that survived or were not run (mutmut show <name> prints one):"
	@$(VENV)/bin/mutmut results | grep -v ': not checked$$' || true
	@echo; echo "Per module (killed / survived / timeout / no tests):"
	@$(VENV)/bin/mutmut results --all true | sed -E 's/^ +//; s/ (checked|tests)$$/_\1/; s/\.x[^:]*: / /' | sort | uniq -c \
		| awk '{n[$$2]=n[$$2] " " $$3 " " $$1} END {for (m in n) print "  " m ":" n[m]}' | sort

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	DEBUG=1 $(PY) bench/bench_pages.py
	DEBUG=1 $(PY) bench/bench_pdf.py

clean:
	rm -rf $(VENV) var mutants $(E2E)/node_modules $(E2E)/screenshots
