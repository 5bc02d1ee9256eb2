# Two commands set everything up on a fresh machine:
#   make serve   install into .venv, build the sample site, serve it with live reload
#   make test    install into .venv, run the whole test suite (ruff, mypy, then pytest)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: serve build check test lint test-fast chromium screenshots clean messages cache-key cms

# The cache key of a trusted build (docs/content.md, "The cache key"): kept outside the
# project, so that nothing a pull request contains can provide it. Without it every
# build is cold. `make cache-key` makes one.
CACHE_KEY_FILE ?= $(HOME)/.config/circlemade/cache-key
export CIRCLEMADE_CACHE_KEY ?= $(shell cat '$(CACHE_KEY_FILE)' 2>/dev/null)

$(STAMP): pyproject.toml
	@echo "Installing circlemade_site and its Python dependencies into $(VENV)/ (once, about a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)
	@echo "Installed: the commands are in $(VENV)/bin/ (circlemade, pytest, ruff, mypy)."

# Decap CMS (content/site.yaml `cms:`): its bundle, copied to /admin/ by the build, and its
# local backend decap-server, pinned in cms/package.json and cms/package-lock.json.
CMS := cms/node_modules/.installed-stamp

$(CMS): cms/package.json cms/package-lock.json
	npm ci --prefix cms --no-audit --no-fund --ignore-scripts
	touch $(CMS)

serve: $(STAMP) $(CMS) cache-key
	@echo "Starting the preview of content/ and members/ on http://127.0.0.1:$(PORT)/ ..."
	$(PY) build.py serve --port $(PORT)

# the preview with the CMS at http://127.0.0.1:$(PORT)/admin/, saving into this folder
cms: $(STAMP) $(CMS) cache-key
	$(PY) build.py serve --cms --port $(PORT)

build: $(STAMP) $(CMS) cache-key
	$(PY) build.py build

cache-key:
	@test -s '$(CACHE_KEY_FILE)' || { mkdir -p "$$(dirname '$(CACHE_KEY_FILE)')" && \
	  (umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > '$(CACHE_KEY_FILE)') && \
	  echo "Wrote a cache key into $(CACHE_KEY_FILE) (docs/content.md, \"The cache key\")"; }

check: $(STAMP)
	$(PY) build.py check
	$(PY) build.py cms --check
	$(PY) build.py schema --check
	$(PY) build.py owners --check

TOOLS := tests/tools/node_modules/.installed-stamp

$(TOOLS): tests/tools/package.json tests/tools/package-lock.json
	npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts
	touch $(TOOLS)

test: lint $(STAMP) chromium $(TOOLS) $(CMS)
	$(PY) -m pytest

# lint and type checks, also run first by `make test`
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

# the fast loop: no browser
test-fast: lint $(CMS)
	$(PY) -m pytest -m "not browser"

# Browser tests drive Debian's Chromium; install it when missing (needs root or sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

screenshots: build
	$(PY) tests/screenshots.py public screenshots

clean:
	rm -rf public .cache screenshots .pytest_cache

# The catalogues of the messages of `check` (circlemade_site/locale/): extract the English
# templates, merge them into fr and nl (then translate the empty msgstr), compile the .mo
# files. tests/test_messages.py fails when a message has no translation or a .mo is stale.
LOCALE := circlemade_site/locale
POT := .cache/circlemade.pot
messages: $(STAMP)
	mkdir -p .cache
	$(VENV)/bin/pybabel extract --no-default-keywords -k msg -k N_ -k example -k ngettext:1,2 \
	  --project circlemade_site --copyright-holder hub.brussels --no-location --sort-output \
	  -w 100 -o $(POT) circlemade_site
	for lang in fr nl; do \
	  if [ -f $(LOCALE)/$$lang/LC_MESSAGES/circlemade.po ]; then \
	    $(VENV)/bin/pybabel update --no-fuzzy-matching -w 100 -D circlemade -i $(POT) \
	      -d $(LOCALE) -l $$lang; \
	  else \
	    $(VENV)/bin/pybabel init -w 100 -D circlemade -i $(POT) -d $(LOCALE) -l $$lang; \
	  fi; \
	  sed -i '/^"POT-Creation-Date:/d; /^"PO-Revision-Date:/d' $(LOCALE)/$$lang/LC_MESSAGES/circlemade.po; \
	done
	$(VENV)/bin/pybabel compile -D circlemade -d $(LOCALE)
