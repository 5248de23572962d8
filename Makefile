# Two entry points do all set-up on a fresh machine (see README):
#   make        build the knowledge graph and the book, then serve the book on localhost
#   make test   run the whole test suite (two workers; the book they browse is built once)
#   make test-fast   the edit loop: no browser, no JVM, no slow tests, two workers (under two minutes)
# Everything Python is installed into .venv; system packages (a Java runtime for the HermiT
# reasoner; Chromium and npm for the browser tests) come from scripts/system-deps.sh.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AXE    := tests/browser/node_modules/axe-core/axe.min.js
PORT   ?= 8000

.PHONY: all build book serve test test-fast lint system-deps test-deps clean

all: serve

system-deps:
	@sh scripts/system-deps.sh

test-deps:
	@sh scripts/system-deps.sh test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[book,test]'
	@touch $(STAMP)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	@touch $(AXE)

build: system-deps $(STAMP)
	$(BIN)/cxkb build

book: build
	$(BIN)/cxkb book --quiet
	@echo "The knowledge graph is in build/release/; the book is in book/_build/html/ (open index.html)."

serve: build
	@echo "Building the book, then serving it on http://127.0.0.1:$(PORT)/ (Ctrl-C stops; 'make book' only builds)."
	$(BIN)/cxkb book --quiet --serve --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: test-deps $(STAMP) $(AXE) lint
	$(BIN)/cxkb validate
	$(BIN)/python -m pytest -n 2

test-fast: $(STAMP)
	CXKB_FAST=1 $(BIN)/python -m pytest -q -p no:cacheprovider -n 2

clean:
	rm -rf build $(VENV) book/_build book/generated book/_toc.yml tests/browser/node_modules
