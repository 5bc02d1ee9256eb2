# Two commands set everything up on a fresh machine:
#   make serve   install into .venv, build the sample site, serve it with live reload
#   make test    install into .venv, run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: serve build check test screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(PY) build.py serve --port $(PORT)

build: $(STAMP)
	$(PY) build.py build

check: $(STAMP)
	$(PY) build.py check

test: $(STAMP)
	$(PY) -m pytest

screenshots: build
	$(PY) tests/screenshots.py public screenshots

clean:
	rm -rf public .cache screenshots .pytest_cache
