# The README's two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
WAREHOUSE ?= data/warehouse
PORT ?= 8501

.PHONY: run test install warehouse rebuild lint format bench browser-deps office-deps clean checks-doc

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Build the warehouse from data/raw when it is missing or older than a source document.
$(WAREHOUSE)/_build.json: $(STAMP) $(wildcard data/raw/*)
	$(PY) -m etl build --raw data/raw --out $(WAREHOUSE)

warehouse: $(WAREHOUSE)/_build.json

rebuild: install
	$(PY) -m etl build --raw data/raw --out $(WAREHOUSE)

run: warehouse browser-deps
	BUDGET_WAREHOUSE=$(WAREHOUSE) $(PY) -m dashboard.serve --server.port $(PORT) --server.headless true

test: install browser-deps office-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The README's list of checks, from the registry.
checks-doc: install
	$(PY) -m etl.validate.registry --readme README.md

bench: install
	$(PY) -m bench.etl_throughput

# Debian's chromium and CJK fonts for the browser tests and for 导出简报 (charts and PDF; skipped when present).
browser-deps:
	@if { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'noto.*cjk'; }; then \
		echo "installing chromium and fonts-noto-cjk (apt-get)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# Debian's LibreOffice Writer without GUI converts .doc/.wps to DOCX for the reader (skipped when present;
# measured: 50 packages, 86 MB of .deb, 13 s to install from the local package cache on 2 cores).
office-deps:
	@if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then \
		echo "installing libreoffice-writer-nogui (apt-get)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
