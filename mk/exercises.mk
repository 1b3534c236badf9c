# Autograded exercises (otter-grader): see exercises/README.md.
# `make exercises` builds the student notebooks (exercises/student/, shown in the book) and
# the autograder zips (_build/exercises/<name>-autograder.zip, with the judge and its otter
# plugin); it checks that the reference solutions pass the public checks and get full marks
# from the judge. `make grade SUBMISSIONS=<folder> OUT=<folder>` grades a folder of submitted
# notebooks (each collected in the sandbox, judged outside it); `make bench-grading` times it.
# the exercises, as exercises.catalog finds them (standard library only: the system Python
# runs it while make reads this file, before the virtual environment exists)
EX_NAMES := $(shell $(PYTHON) -m exercises.catalog)
EX_MASTERS := $(foreach n,$(EX_NAMES),exercises/$(n)/$(n).md)
EX_STUDENT := $(EX_NAMES:%=exercises/student/%.ipynb)
EX_ZIPS := $(EX_NAMES:%=_build/exercises/%-autograder.zip)
EX_LIB := $(sort $(wildcard lib/mlintro/*.py))
GRADE_WORKERS ?=

BOOK_DEPS += exercises
# the grading tests in `make unit` (tests/exercises/test_exercises.py) use the built zips and notebooks
unit: exercises

.PHONY: exercises grade bench-grading sandbox

# Submissions run in a bubblewrap sandbox (exercises/sandbox.py), never without it:
# Debian's bubblewrap is installed where `bwrap` is missing (prlimit and setpriv come with
# util-linux). The sandbox tests in `make unit` need it too.
unit grade bench-grading: sandbox

sandbox:
	@if ! command -v bwrap >/dev/null; then \
	  echo "installing Debian's bubblewrap (the grading sandbox)"; \
	  $(SUDO) apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	fi
	@bwrap --version

exercises: $(EX_STUDENT) $(EX_ZIPS)

# what the build runs or ships, besides the masters and mlintro (coursetools: the Colab cell, cell ids)
EX_TOOLS := $(addprefix exercises/,__init__.py catalog.py build.py judge.py collect.py judge_plugin.py)
EX_TOOLS += lib/coursetools/colab.py lib/coursetools/notebooks.py lib/coursetools/project.py
# the student notebooks' Colab set-up cell reads the public repository (_config.yml), mlintro's
# dependencies (pyproject.toml) and the modules the lessons import (book/*.md)
EX_SETUP_INPUTS := _config.yml pyproject.toml $(wildcard book/*.md)

$(EX_STUDENT) $(EX_ZIPS) &: $(EX_MASTERS) $(EX_LIB) $(EX_TOOLS) $(EX_SETUP_INPUTS) requirements.txt $(STAMP)
	$(BIN)/python -m exercises.build $(EX_NAMES)

grade: exercises
	@test -n "$(SUBMISSIONS)" -a -n "$(OUT)" || \
	  { echo "usage: make grade SUBMISSIONS=<folder of .ipynb> OUT=<output folder>"; exit 2; }
	$(BIN)/python -m exercises.grade "$(SUBMISSIONS)" "$(OUT)" $(if $(GRADE_WORKERS),--workers $(GRADE_WORKERS))

bench-grading: exercises
	$(BIN)/python -m exercises.bench_grading
