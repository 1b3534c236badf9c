# Autograded exercises (otter-grader): see exercises/README.md.
# `make exercises` builds the student notebooks (exercises/student/, shown in the book) and
# the autograder zips (_build/exercises/<name>-autograder.zip); otter assign checks that the
# reference solutions pass every test. `make grade SUBMISSIONS=<folder> OUT=<folder>` grades
# a folder of submitted notebooks; `make bench-grading` times grading.
EX_NAMES := $(foreach md,$(wildcard exercises/*/*.md),$(if $(filter $(notdir $(basename $(md))),$(notdir $(patsubst %/,%,$(dir $(md))))),$(notdir $(basename $(md)))))
EX_MASTERS := $(foreach n,$(EX_NAMES),exercises/$(n)/$(n).md)
EX_STUDENT := $(EX_NAMES:%=exercises/student/%.ipynb)
EX_ZIPS := $(EX_NAMES:%=_build/exercises/%-autograder.zip)
EX_LIB := $(sort $(wildcard lib/mlintro/*.py))
GRADE_WORKERS ?=

BOOK_DEPS += exercises
# the grading tests in `make unit` (tests/test_exercises.py) use the built zips
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

$(EX_STUDENT) $(EX_ZIPS) &: $(EX_MASTERS) $(EX_LIB) exercises/build.py requirements.txt $(STAMP)
	$(BIN)/python exercises/build.py $(EX_NAMES)

grade: exercises
	@test -n "$(SUBMISSIONS)" -a -n "$(OUT)" || \
	  { echo "usage: make grade SUBMISSIONS=<folder of .ipynb> OUT=<output folder>"; exit 2; }
	$(BIN)/python exercises/grade.py "$(SUBMISSIONS)" "$(OUT)" $(if $(GRADE_WORKERS),--workers $(GRADE_WORKERS))

bench-grading: exercises
	$(BIN)/python exercises/bench_grading.py
