# Two entry points do all set-up on a fresh machine (see README):
#   make        build the knowledge graph (and the book) from the sources
#   make test   run the whole test suite
# Everything is installed into .venv; system packages (a Java runtime for the HermiT
# reasoner) come from scripts/system-deps.sh.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all build test lint system-deps clean

all: build

system-deps:
	@sh scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

build: system-deps $(STAMP)
	$(BIN)/cxkb build
	@echo "The knowledge graph is in build/release/ (cxkb.ttl, cxkb.owl, cxkb.jsonld, cxkb.nt)."

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

test: system-deps $(STAMP) lint
	$(BIN)/cxkb validate
	$(BIN)/python -m pytest

clean:
	rm -rf build $(VENV)
