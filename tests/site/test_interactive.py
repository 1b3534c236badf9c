"""What a reader does on the static site: explore hyperparameters, search, navigate.

No kernel runs here: the hyperparameter explorer is a matplotlib `to_jshtml` animation of
precomputed fits, and ipywidgets outputs are rendered from their saved state.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from coursetools.project import ROOT, toc_files
from site_pages import HTML_DIR, content_pages

pytestmark = pytest.mark.built_site

ANIMATION = re.compile(r'id="_anim_slider')
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _pages_with(marker: str | re.Pattern[str]) -> list[str]:
    found = []
    for page in content_pages():
        text = (HTML_DIR / page).read_text(encoding="utf-8")
        if marker.search(text) if isinstance(marker, re.Pattern) else marker in text:
            found.append(page)
    return found


def _open(browser_context, url):
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="networkidle")
    return page, errors


def test_the_site_has_a_hyperparameter_explorer():
    assert _pages_with(ANIMATION), "no page renders a to_jshtml explorer (an .anim-slider)"


@pytest.mark.parametrize("page_path", _pages_with(ANIMATION))
def test_explorer_slider_changes_the_figure(browser_context, site_url, page_path):
    page, errors = _open(browser_context, urljoin(site_url, page_path))
    try:
        sliders = page.locator("input.anim-slider")
        assert sliders.count() >= 1
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            img_id = slider.get_attribute("id").replace("_anim_slider", "_anim_img")
            image = page.locator(f"img#{img_id}")
            last = int(slider.get_attribute("max"))
            assert last >= 1, "an explorer needs at least two frames"
            frames = set()
            for value in (0, last // 2, last):
                slider.evaluate(
                    "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); "
                    "el.dispatchEvent(new Event('change')); }",
                    value,
                )
                assert int(slider.input_value()) == value
                src = image.get_attribute("src")
                width = image.evaluate("img => img.decode().then(() => img.naturalWidth)")
                assert src and width > 0, f"frame {value} does not show"
                frames.add(src)
            assert len(frames) == len({0, last // 2, last}), "moving the slider kept the figure"
            # The buttons work too: "next frame" from the first frame shows another image.
            slider.evaluate("(el) => { el.value = 0; el.dispatchEvent(new Event('input')); }")
            first = image.get_attribute("src")
            page.locator(f"#{img_id} ~ .anim-controls button[title='Next frame']").click()
            assert image.get_attribute("src") != first
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("page_path", _pages_with(WIDGET_VIEW))
def test_widget_views_render(browser_context, site_url, page_path):
    n_views = (HTML_DIR / page_path).read_text(encoding="utf-8").count(WIDGET_VIEW)
    page, errors = _open(browser_context, urljoin(site_url, page_path))
    try:
        page.wait_for_function(
            f"() => document.querySelectorAll('.jupyter-widgets.widget-inline-hbox, "
            f".jupyter-widgets.widget-container, .jupyter-widgets.widget-box, "
            f".jupyter-widgets.lm-Widget').length >= {n_views}",
            timeout=15_000,
        )
        assert errors == []
    finally:
        page.close()


def _search_word(page_path: str) -> str:
    """A word from the page's title that the reader might type into the search box."""
    text = (HTML_DIR / page_path).read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)(?:&#8212;| — |</title>)", text, re.S)
    assert title, page_path
    words = re.findall(r"[A-Za-z]{5,}", title.group(1))
    assert words, f"{page_path}: no searchable word in the title {title.group(1)!r}"
    return max(words, key=len).lower()


@pytest.mark.parametrize("page_path", content_pages())
def test_search_finds_the_page(browser_context, site_url, page_path):
    word = _search_word(page_path)
    page, errors = _open(browser_context, urljoin(site_url, f"search.html?q={quote(word)}"))
    try:
        page.wait_for_selector("#search-results ul.search li a", timeout=15_000)
        hits = page.eval_on_selector_all(
            "#search-results ul.search li a", "els => els.map(a => a.href)"
        )
        found = {urlsplit(h).path.lstrip("/") for h in hits}
        assert page_path in found, f"searching {word!r} found {sorted(found)}"
        assert errors == []
    finally:
        page.close()


def test_navigation_reaches_every_page(browser_context, site_url):
    """The sidebar lists every page, and "next" links walk through all of them."""
    start = "book/index.html" if (HTML_DIR / "book/index.html").exists() else "index.html"
    page, errors = _open(browser_context, urljoin(site_url, start))
    try:
        sidebar = page.eval_on_selector_all(
            "nav.bd-docs-nav a.reference", "els => els.map(a => a.href)"
        )
        in_sidebar = {urlsplit(h).path.lstrip("/") for h in sidebar} | {start}
        walked = [start]
        while (nxt := page.locator("a.right-next")).count():
            page.goto(urljoin(page.url, nxt.first.get_attribute("href")))
            walked.append(urlsplit(page.url).path.lstrip("/"))
            assert len(walked) <= len(content_pages()) + 1, f"next links loop: {walked}"
        expected = set(content_pages())
        assert expected <= in_sidebar, f"not in the sidebar: {sorted(expected - in_sidebar)}"
        assert expected == set(walked), f"next links miss {sorted(expected - set(walked))}"
        assert errors == []
    finally:
        page.close()


def test_pages_found_on_disk_match_the_toc():
    """Every page in `_toc.yml` was built (the tests iterate over what was built)."""
    source = Path(HTML_DIR).parents[1]  # the project the site was built from
    files = toc_files(source if (source / "_toc.yml").exists() else ROOT)
    assert files
    built = set(content_pages())
    missing = [f for f in files if f"{Path(f).with_suffix('')}.html" not in built]
    assert missing == [], f"in _toc.yml but not built: {missing}"
