# S3 Hub Atlas — the single entry point. `make run` starts the dashboard, `make test` runs every test.
# Both set up .venv from the pinned requirements first and build the warehouse when it is missing or stale.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test setup setup-dev warehouse rebuild report chromium nginx bench serve-multi clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

warehouse: setup
	$(PY) -m pipelines build --if-stale

rebuild: setup
	$(PY) -m pipelines build

report: warehouse
	$(PY) -m pipelines report

run: warehouse
	$(VENV)/bin/streamlit run dashboard/app.py --server.port $(PORT)

# Debian's chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's nginx in front of several app processes (scripts/serve_multi.py, the load benchmark); not started as a service.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; }

# Three Streamlit processes behind nginx on port $(MULTI_PORT) (sticky sessions, websockets), one read-only warehouse.
MULTI_PORT ?= 8530
serve-multi: setup nginx warehouse
	$(PY) scripts/serve_multi.py --port $(MULTI_PORT) --processes 3

test: setup-dev chromium warehouse
	$(PY) -m pytest

bench: setup-dev chromium nginx warehouse
	$(PY) -m benchmarks

clean:
	rm -rf data/warehouse data/cache reports exports artifacts
