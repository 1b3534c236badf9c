# Offline copies of the built book, and the check of its links to other sites.
#   make dist        _build/dist/<name>-site.zip (the HTML site, opens from the unzipped
#                    folder) and _build/dist/<name>.pdf (the whole book printed by Chromium),
#                    <name> being the repository's; course-dist-offline
#                    (lib/coursetools/dist_offline.py), tested by tests/site/test_dist.py
#   make linkcheck   Sphinx's linkcheck builder on every page: needs the network, so it runs
#                    in the weekly job of .github/workflows/book.yml, not in `make test`
DIST_DIR := _build/dist
DIST_STAMP := $(DIST_DIR)/.written

# the site tests check the copies, so they are written first (after the book build)
site-pytest site-check: dist

.PHONY: dist linkcheck

dist: $(DIST_STAMP)

# jupyter-book rewrites every page (`--all`), so a new build remakes the copies
$(DIST_STAMP): _build/html/index.html _toc.yml _config.yml lib/coursetools/dist_offline.py | $(STAMP) browser
	rm -rf $(DIST_DIR)
	$(BIN)/course-dist-offline --html _build/html --out $(DIST_DIR)
	touch $@

_build/html/index.html:
	@echo "no built site in _build/html: run \`make book\` first"; exit 1

# jupyter-book writes the linkcheck report into _build/html; it is moved out of the site. The
# notebooks come from the execution cache a `make book` filled (else they are run first).
LINKCHECK_DIR := _build/linkcheck
linkcheck: $(STAMP) $(BOOK_DEPS)
	rm -rf $(LINKCHECK_DIR); mkdir -p $(LINKCHECK_DIR)
	status=0; $(BIN)/jupyter-book build . --builder linkcheck --keep-going || status=$$?; \
	  mv _build/html/output.txt _build/html/output.json $(LINKCHECK_DIR)/ 2>/dev/null || true; \
	  grep -v '^$$' $(LINKCHECK_DIR)/output.txt || true; \
	  exit $$status
