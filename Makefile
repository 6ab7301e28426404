# Set-up is idempotent: every target that needs the venv or node_modules depends on them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: install chromium interpreters build watch serve test bench record pdf clean

# Pure-Python wheels that Pyodide installs from the site itself (the SymPy slide), pinned.
WHEELS := sympy==1.14.0 mpmath==1.3.0

install: $(VENV)/.installed node_modules/.installed .cache/wheels/.installed interpreters

$(VENV)/.installed: pyproject.toml setup.py $(wildcard native/*.c)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.cache/wheels/.installed: Makefile | $(VENV)/.installed
	$(PY) -m pip download --quiet --no-deps --only-binary=:all: --dest .cache/wheels $(WHEELS)
	touch $@

# Browser tests use Debian's Chromium (Playwright cannot download its own browser here).
chromium:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null; \
	  else echo "need chromium and poppler-utils: sudo apt-get install chromium poppler-utils" >&2; exit 1; fi; \
	fi

# Debian's Jython (no GIL: threads are JVM threads) and PyPy (a GIL, a JIT), run beside CPython.
# Not root: say how, and carry on (the tests that need them skip, except in CI).
interpreters:
	@if ! command -v jython >/dev/null || ! command -v pypy3 >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jython pypy3 >/dev/null; \
	  else echo "for the Jython and PyPy demos: sudo apt-get install jython pypy3" >&2; fi; \
	fi

build: install
	$(PY) build.py

watch: install
	$(PY) build.py --watch

serve: build
	$(PY) -m server

test: install chromium
	$(PY) build.py
	$(PY) -m pytest tests

bench: install
	$(PY) build.py
	$(PY) -m tests.bench

record: install
	$(PY) -m demos record

pdf: build chromium
	$(PY) -m deck.pdf site talk.pdf

clean:
	rm -rf site .site-* .cache build *.egg-info talk.pdf
