# Two commands on a fresh machine: `make book` builds the executed site, `make test` runs every check.
# Each creates the virtual environment it needs from requirements*.txt.
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Outputs cached by jupyter-cache are keyed on cell source only; this key covers what else
# changes them (the shared package and the pinned environment), and a new key clears the cache.
CACHE_KEY = $(shell cat requirements.txt pyproject.toml $$(find lib -name '*.py' | sort) | sha256sum | cut -c1-16)
JB_CACHE := _build/.jupyter_cache
JB_FLAGS := --all -W -n --keep-going

# Parts of the project add their own targets in mk/*.mk and hook them in here:
# BOOK_DEPS run before the book build, SITE_TESTS after it (they need _build/html).
BOOK_DEPS :=
SITE_TESTS :=
include $(sort $(wildcard mk/*.mk))

.PHONY: help env book test lint unit site-pytest bench clean

help:
	@echo "make book   build the executed site into _build/html"
	@echo "make test   lint, unit and doctests, seed-robustness tests, book build, site tests"
	@echo "make bench  time training against the lecture's autograd code"
	@echo "make clean  remove the build and the execution cache"

env: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

book: $(STAMP) $(BOOK_DEPS)
	@key=$(CACHE_KEY); if [[ "$$(cat _build/.cache-key 2>/dev/null)" != "$$key" ]]; then \
	  echo "lib/ or the environment changed: clearing the execution cache"; \
	  rm -rf $(JB_CACHE); mkdir -p _build; echo "$$key" > _build/.cache-key; fi
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Built: $(CURDIR)/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not built_site"

site-pytest: $(STAMP)
	$(BIN)/python -m pytest -m built_site tests

test: $(STAMP)
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) book
	$(MAKE) site-pytest $(SITE_TESTS)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/train_speed.py

clean:
	rm -rf _build
