"""The built site holds no reference solution and no hidden test.

The exercise pages are built from the student notebooks; this scans every file of the built
HTML (pages, `_sources`, the `.ipynb` downloads, the search index, scripts) with the same
markers `make publish` uses on the public tree (`exercises/publish.py`: otter's directives, the
lines of the masters' solutions and hidden tests and of the judge's code, the answer formulas,
copies of private files).
"""

from __future__ import annotations

import pytest
from site_pages import HTML_DIR, html_files

from exercises import publish

pytestmark = pytest.mark.built_site


def test_the_built_site_holds_no_solution_or_hidden_test():
    assert html_files(), f"no built site in {HTML_DIR}"
    markers = publish.secret_markers()
    assert any(m.source.endswith("(solution or hidden test)") for m in markers)
    findings = publish.scan(HTML_DIR, markers, publish.private_digests())
    assert findings == [], "\n".join(map(str, findings))


def test_the_exercise_pages_were_scanned():
    pages = [p for p in html_files() if p.relative_to(HTML_DIR).parts[0] == "exercises"]
    assert pages, "no exercise page in the built site"
    downloads = list((HTML_DIR / "_sources" / "exercises").rglob("*.ipynb"))
    assert downloads, "no exercise notebook among the site's downloads"
