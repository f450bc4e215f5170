# Accompaniment CRM: `make run` serves the demo club, `make test` runs the whole suite.
# Both work on a fresh machine with Python 3.11, Node.js/npm and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs in parallel (pytest-xdist), one worker per core; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
# The settings leave DEBUG off (as production needs); these development commands turn it on,
# with the development tools (the demo club's seed_demo, the bench) that production lacks.
DEV := DEBUG=true DEV_TOOLS=true

.PHONY: run test venv dev-venv assets messages catalogues browser migrate seed check-python clean

run: venv assets messages migrate seed ## Serve the demo club on http://127.0.0.1:8000
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: dev-venv assets messages browser ## Run the whole test suite
	DJANGO_SETTINGS_MODULE=accompaniment.settings_test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Accompaniment CRM needs Python 3.11 (found %s)" % sys.version.split()[0])'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

dev-venv: $(VENV)/.installed-dev

# Bootstrap, Bootstrap Icons, Chart.js and EventCalendar (the calendar's standalone build, MIT)
# from the npm registry, copied into static/vendor/.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/chart.js \
	  static/vendor/event-calendar
	cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/chart.js/
	cp node_modules/@event-calendar/build/dist/event-calendar.min.js \
	  node_modules/@event-calendar/build/dist/event-calendar.min.js.map \
	  node_modules/@event-calendar/build/dist/event-calendar.min.css static/vendor/event-calendar/
	touch $@

assets: static/vendor/.installed

# The English, Russian and Ukrainian catalogues (locale/*/LC_MESSAGES/django.po) compiled to .mo
# in Python (polib): no GNU gettext needed. Up-to-date catalogues are left alone.
messages: venv
	$(DEV) $(BIN)/python manage.py compile_translations

# After changing texts: refresh the catalogues from the sources (no line numbers, so that two
# changes merge cleanly), then translate what is new; the translations test lists what is missing.
# The third-party apps' messages their own catalogues lack live in locale/third_party/ (a locale
# directory makemessages never writes): third_party_catalogues refreshes them from their sources.
catalogues: venv
	$(DEV) $(BIN)/python manage.py makemessages -l ru -l uk -e html,txt,subject,py --no-location --no-obsolete \
	  --ignore=.venv --ignore=node_modules --ignore=var --ignore=static/vendor
	$(DEV) $(BIN)/python manage.py third_party_catalogues

# Browser tests drive Debian's Chromium; install it when missing and we may (root with apt).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "NOTE: /usr/bin/chromium is missing: browser tests will be skipped (sudo apt-get install chromium)"; \
	  fi; \
	fi

# The club's periodic tasks (Celery beat's schedule) are written after every migrate.
migrate: venv
	mkdir -p var
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py setup_periodic_tasks

seed: venv ## Seed the demo club once (only when the database has no clients yet)
	$(DEV) $(BIN)/python manage.py seed_demo --if-empty

clean:
	rm -rf $(VENV) node_modules static/vendor var/static
