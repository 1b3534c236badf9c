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
CACHE_KEY = $(shell cat requirements.txt pyproject.toml $$(find lib/mlintro -name '*.py' | sort) | sha256sum | cut -c1-16)
JB_CACHE := _build/.jupyter_cache
JB_FLAGS := --all -W -n --keep-going

# Parts of the project add their own targets in mk/*.mk and hook them in here:
# BOOK_DEPS run before the book build, SITE_TESTS after it (they need _build/html).
BOOK_DEPS :=
SITE_TESTS :=
include $(sort $(wildcard mk/*.mk))

# The numeric tests (lib's doctests, its unit tests, the lessons' seed-robustness tests) run a
# second time on the oldest kernels this CPU can be asked for: NumPy's SIMD dispatch narrowed
# to its baseline and XLA's generated code capped at SSE4.2 (NEON on arm64). A tolerance that
# only holds for one machine's vector kernels fails here, as it would on another CPU.
# pytest on both cores; a test file stays on one worker, with its module-scoped fits
PYTEST_PARALLEL ?= -n 2 --dist loadfile
# mlintro's doctests, tests/unit (one file per lib module) and tests/lessons (each page's claims over
# many seeds); tests/exercises (grading, sandbox) and tests/site test tooling, not numbers.
NUMERIC_TESTS := lib/mlintro tests/unit tests/lessons
NARROWED_CPU = NPY_DISABLE_CPU_FEATURES="$$($(BIN)/python -c 'from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f; print(" ".join(x for x in d if f.get(x)))')" \
  XLA_FLAGS="--xla_cpu_max_isa=$$(case $$(uname -m) in aarch64|arm64) echo NEON;; *) echo SSE4_2;; esac)"

.PHONY: help env book test check lint unit numeric-tests numeric-tests-narrowed site-pytest bench clean

help:
	@echo "make book   build the executed site into _build/html"
	@echo "make test   lint, unit and doctests, seed-robustness tests, book build, site tests"
	@echo "make check  the edit-test loop (under a minute): lint, types, lib's doctests, tests/unit, tests/tools"
	@echo "make numeric-tests  the numeric tests, then again on narrowed SIMD and a capped XLA ISA"
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
	$(BIN)/mypy

# No book, no exercise build, no sandbox: what an edit to lib/ needs checked before a commit.
check: lint
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) lib tests/unit tests/tools

unit: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not built_site"

numeric-tests: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(NUMERIC_TESTS)
	$(MAKE) numeric-tests-narrowed

numeric-tests-narrowed: $(STAMP)
	@$(NARROWED_CPU) $(BIN)/python -c 'import os; from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f; print("narrowed CPU: NumPy dispatches to", [x for x in d if f[x]] or "its baseline only", "|", os.environ["XLA_FLAGS"])'
	$(NARROWED_CPU) $(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_PARALLEL) $(NUMERIC_TESTS)

site-pytest: $(STAMP)
	$(BIN)/python -m pytest -m built_site tests

test: $(STAMP)
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) numeric-tests-narrowed
	$(MAKE) book
	$(MAKE) site-pytest $(SITE_TESTS)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/train_speed.py

clean:
	rm -rf _build
