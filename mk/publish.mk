# The public repository (README, "Publishing the public repository"): this repository keeps the
# exercise masters, solutions and hidden tests; students only reach the public one named in
# _config.yml, whose content `make publish` writes.
#   make publish        write the public tree to _build/publish/ and scan it for secrets
#   make publish-push   push _build/publish/ to _config.yml's repository (or PUBLIC_REMOTE=<url>)
#   make colab-sim      run every notebook the site's Colab links open, as Colab would
PUBLISH_DIR := _build/publish
COLAB_SIM_DIR := /tmp/colab-sim-$(shell id -u)
PUBLIC_REMOTE ?=

# the launch simulations and the site tests read the published tree (what Binder and Colab get)
binder-sim: publish
site-pytest: publish
SITE_TESTS += colab-sim

.PHONY: publish publish-push colab-sim

publish: $(STAMP)
	$(BIN)/python -m exercises.publish build --out $(PUBLISH_DIR)

publish-push: publish
	$(BIN)/python -m exercises.publish push --tree $(PUBLISH_DIR) $(if $(PUBLIC_REMOTE),--remote "$(PUBLIC_REMOTE)")

# A fresh runtime with only a Jupyter kernel, an empty working folder outside the checkout, the
# notebook's own Colab set-up cell installing mlintro from "the public repository" (a local git
# copy of _build/publish) and requirements.txt's pins; needs the built site for its links.
colab-sim: $(STAMP) publish
	$(BIN)/course-colab-sim --html _build/html --repo $(PUBLISH_DIR) --python $(PYTHON) --keep $(COLAB_SIM_DIR)
