"""The built site in headless Chromium, as a reader sees it, page by page.

Each page is visited once (cached per session): the visit records console errors, every
request, the images, the math, the headings, the figures' alt texts and the axe-core
accessibility violations, and keeps a full-page screenshot. The tests below judge the record.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from site_pages import ROOT, content_pages, pages

pytestmark = pytest.mark.built_site

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# MathJax typesets asynchronously: wait for its start-up promise (if the page loads MathJax).
WAIT_FOR_MATHJAX = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
}"""
LOAD_IMAGES = """async () => {
  const imgs = [...document.images];
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.map(img => ({
    src: img.currentSrc || img.src, width: img.naturalWidth,
    alt: img.getAttribute('alt'), inArticle: !!img.closest('article'),
    visible: !!(img.offsetWidth || img.offsetHeight || img.getClientRects().length),
  }));
}"""
MATH_STATE = """() => {
  const sources = [...document.querySelectorAll('.math')];
  const untypeset = sources.filter(el => !el.querySelector('mjx-container')).length;
  const article = document.querySelector('article') || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
      .forEach(el => el.remove());
  const text = copy.textContent;
  return {
    sources: sources.length,
    containers: document.querySelectorAll('mjx-container').length,
    untypeset,
    raw: (text.match(/\\$\\$|\\\\\\(|\\\\\\[/g) || []).length,
  };
}"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }));
}"""


@dataclass
class Visit:
    """What one page load did and showed."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    math: dict[str, int] = field(default_factory=dict)
    h1: list[str] = field(default_factory=list)
    axe: list[dict[str, Any]] = field(default_factory=list)
    screenshot: Path | None = None


_VISITS: dict[str, Visit] = {}


def _write_report(path: Path, site_url: str) -> None:
    """Per-page numbers (requests, external requests, axe violations) for the README."""
    own = urlsplit(site_url).netloc
    report = {
        page: {
            "requests": len(v.requests),
            "external_requests": sum(
                urlsplit(u).scheme in {"http", "https"} and urlsplit(u).netloc != own
                for u in v.requests
            ),
            "console_errors": len(v.console_errors),
            "images": len(v.images),
            "math_typeset": v.math.get("containers", 0),
            "axe_violations": {
                impact: sorted(x["id"] for x in v.axe if x["impact"] == impact)
                for impact in ("critical", "serious", "moderate", "minor")
            },
        }
        for page, v in sorted(_VISITS.items())
    }
    path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def visit(browser_context, site_url, screenshot_dir):
    """Load a page once per session in the shared browser and record what happened.

    At the end of the session, `site-report.json` next to the screenshots sums it up.
    """

    def _visit(page_path: str) -> Visit:
        if page_path in _VISITS:
            return _VISITS[page_path]
        record = Visit(url=urljoin(site_url, page_path))
        page = browser_context.new_page()
        page.on(
            "console",
            lambda msg: msg.type == "error" and record.console_errors.append(msg.text),
        )
        page.on("pageerror", lambda exc: record.console_errors.append(f"uncaught: {exc}"))
        page.on("request", lambda req: record.requests.append(req.url))
        page.on(
            "requestfailed",
            lambda req: record.failed_requests.append(f"{req.url} ({req.failure})"),
        )
        try:
            response = page.goto(record.url, wait_until="networkidle")
            assert response is not None and response.ok, f"{record.url}: {response}"
            page.evaluate(WAIT_FOR_MATHJAX)
            record.images = page.evaluate(LOAD_IMAGES)
            record.math = page.evaluate(MATH_STATE)
            record.h1 = page.locator("h1:visible").all_inner_texts()
            name = re.sub(r"[^A-Za-z0-9]+", "_", page_path.removesuffix(".html")).strip("_")
            record.screenshot = screenshot_dir / f"{name}.png"
            page.screenshot(path=str(record.screenshot), full_page=True)
            page.add_script_tag(path=str(AXE))
            record.axe = page.evaluate(AXE_RUN)
        finally:
            page.close()
        _VISITS[page_path] = record
        return record

    yield _visit
    if _VISITS:
        _write_report(screenshot_dir / "site-report.json", site_url)


def test_the_site_has_pages():
    assert "book/index.html" in pages() or "index.html" in pages(), pages()
    assert len(content_pages()) >= 2, content_pages()


@pytest.mark.parametrize("page_path", pages())
def test_page_loads_without_console_errors(visit, page_path):
    record = visit(page_path)
    assert record.console_errors == [], record.console_errors
    assert record.failed_requests == [], record.failed_requests


@pytest.mark.parametrize("page_path", pages())
def test_page_requests_only_its_own_host(visit, site_url, page_path):
    record = visit(page_path)
    own = urlsplit(site_url).netloc
    external = [
        url
        for url in record.requests
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != own
    ]
    assert len(record.requests) > 0
    assert external == [], f"{len(external)} external requests: {external}"


@pytest.mark.parametrize("page_path", pages())
def test_every_image_loads(visit, page_path):
    record = visit(page_path)
    broken = [img["src"] for img in record.images if img["width"] == 0]  # hidden ones too
    assert broken == []


@pytest.mark.parametrize("page_path", content_pages())
def test_every_figure_has_meaningful_alt_text(visit, page_path):
    record = visit(page_path)
    for img in record.images:
        if not img["inArticle"]:
            continue
        alt = (img["alt"] or "").strip()
        assert len(alt.split()) >= 3, f"{img['src']}: alt text {alt!r} is missing or too short"
        assert not re.search(r"\.(png|jpe?g|svg|gif)$", alt, re.I), f"{img['src']}: alt {alt!r}"


@pytest.mark.parametrize("page_path", content_pages())
def test_math_is_typeset(visit, page_path):
    math = visit(page_path).math
    assert math["untypeset"] == 0, math
    assert math["raw"] == 0, f"raw TeX delimiters left in the text: {math}"
    assert math["containers"] >= math["sources"], math


@pytest.mark.parametrize("page_path", pages())
def test_page_has_exactly_one_h1(visit, page_path):
    h1 = visit(page_path).h1
    assert len(h1) == 1, h1


@pytest.mark.parametrize("page_path", pages())
def test_no_serious_accessibility_violations(visit, page_path):
    assert AXE.exists(), "axe-core is missing: run `npm ci` (`make vendor`)"
    record = visit(page_path)
    blocking = [v for v in record.axe if v["impact"] in BLOCKING]
    assert blocking == [], blocking


@pytest.mark.parametrize("page_path", pages())
def test_screenshot_is_kept(visit, page_path):
    shot = visit(page_path).screenshot
    assert shot is not None and shot.exists() and shot.stat().st_size > 10_000, shot
