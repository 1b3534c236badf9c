"""The offline copies `make dist` writes: the site as a zip, the book as one PDF.

Everything expected is derived from `_toc.yml`, `_config.yml` and the built site, so a new
page is checked without editing this file. `$DIST_DIR` (default `_build/dist`) points the
tests at copies written elsewhere, like `$SITE_HTML` for the site.
"""

from __future__ import annotations

import html.parser
import itertools
import os
import re
import unicodedata
import zipfile
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pypdf
import pytest
import yaml
from site_pages import HTML_DIR, ROOT

pytestmark = pytest.mark.built_site

DIST_DIR = Path(os.environ.get("DIST_DIR", ROOT / "_build" / "dist"))
# What a page must never show once printed: TeX that MathJax did not typeset, or an error.
RAW_TEX = ("$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "\\frac")
ERRORS = re.compile(r"Traceback \(most recent call last\)|^\w+Error: |-{5,}> \d+", re.MULTILINE)


def _name() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return urlsplit(config["repository"]["url"]).path.rstrip("/").rsplit("/", 1)[-1]


def _toc_pages() -> list[str]:
    """The HTML path of every page of `_toc.yml`, in reading order (read independently of
    coursetools.dist_offline, so that the test checks the tool against the spec)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    stack = list(reversed(toc.get("parts", []) + toc.get("chapters", [])))
    while stack:
        entry = stack.pop()
        if "file" in entry:
            files.append(entry["file"])
        children = entry.get("chapters", []) + entry.get("sections", [])
        stack.extend(reversed(children))
    return [f"{f}.html" for f in files]


class _H1(html.parser.HTMLParser):
    """The text of the first <h1> of a page, without its `#` permalink."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.text = ""
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "h1":
            self.depth += 1
        elif self.depth and tag == "a" and "headerlink" in (dict(attrs).get("class") or ""):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1" and self.depth:
            self.depth -= 1
            self.done = True
        elif tag == "a" and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip and not self.done:
            self.text += data


def _title(page: str) -> str:
    parser = _H1()
    parser.feed((HTML_DIR / page).read_text(encoding="utf-8"))
    return parser.text.strip()


def _normal(text: str) -> str:
    """Text as compared: ligatures split (NFKC), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _squashed(text: str) -> str:
    """Text without any whitespace, for titles that a printed line may break anywhere."""
    return "".join(_normal(text).split())


@pytest.fixture(scope="module")
def pdf() -> pypdf.PdfReader:
    path = DIST_DIR / f"{_name()}.pdf"
    if not path.is_file():
        pytest.fail(f"no {path}: run `make dist` after the book build")
    return pypdf.PdfReader(path)


@cache
def _page_texts(path: Path) -> tuple[str, ...]:
    return tuple(_normal(page.extract_text() or "") for page in pypdf.PdfReader(path).pages)


@pytest.fixture(scope="module")
def texts(pdf: pypdf.PdfReader) -> tuple[str, ...]:
    return _page_texts(DIST_DIR / f"{_name()}.pdf")


def test_toc_pages_are_built():
    missing = [p for p in _toc_pages() if not (HTML_DIR / p).is_file()]
    assert _toc_pages() and not missing, f"pages of _toc.yml not built: {missing}"


def test_pdf_has_a_bookmark_per_page_in_toc_order(pdf):
    titles = [_title(p) for p in _toc_pages()]
    marks = [(item.title, pdf.get_destination_page_number(item)) for item in pdf.outline]
    assert [_normal(t) for t, _ in marks] == [_normal(t) for t in titles]
    starts = [start for _, start in marks]
    # each page starts on a later sheet than the one before, after at least one front page
    assert starts[0] >= 1
    assert all(b > a for a, b in itertools.pairwise(starts)), starts


def test_page_count_is_plausible(pdf, texts):
    pages = _toc_pages()
    # a title page with the contents, then at least one sheet per page of _toc.yml
    assert len(pdf.pages) >= 1 + len(pages)
    # and no sheet is empty (a runaway page break or a page printed before it rendered)
    empty = [
        i + 1
        for i, (page, text) in enumerate(zip(pdf.pages, texts, strict=True))
        if not text and not page.images
    ]
    assert empty == [], f"empty sheets: {empty}"


def test_each_page_starts_with_its_title(pdf, texts):
    for item in pdf.outline:
        start = pdf.get_destination_page_number(item)
        assert _squashed(texts[start]).startswith(_squashed(item.title)), (
            item.title,
            texts[start][:120],
        )


def test_contents_lists_the_titles_in_toc_order_with_their_pages(pdf, texts):
    front = _squashed(texts[0])
    position = 0
    for item in pdf.outline:
        entry = f"{_squashed(item.title)}{pdf.get_destination_page_number(item) + 1}"
        found = front.find(entry, position)
        assert found >= 0, f"contents lack {entry!r} after position {position}: {front!r}"
        position = found + len(entry)


def test_pages_are_numbered(texts):
    # every sheet after the title page ends with its own number (stamped in the footer)
    unnumbered = [
        n for n, text in enumerate(texts[1:], start=2) if not re.search(rf"(^|\s){n}$", text)
    ]
    assert unnumbered == []


def test_no_page_shows_raw_tex_or_a_traceback(texts):
    problems = []
    for n, text in enumerate(texts, start=1):
        problems += [(n, tex) for tex in RAW_TEX if tex in text]
        problems += [(n, m.group()) for m in ERRORS.finditer(text)]
    assert problems == []


def _article_images(page: str) -> int:
    """How many images the content of a page shows (not the theme's launch-button logos)."""
    text = (HTML_DIR / page).read_text(encoding="utf-8")
    return text[text.find("<article") : text.find("</article>")].count("<img")


def test_every_figure_is_printed_on_its_page(pdf):
    starts = [pdf.get_destination_page_number(item) for item in pdf.outline]
    ends = [*starts[1:], len(pdf.pages)]
    counts = {
        page: (sum(len(pdf.pages[i].images) for i in range(start, end)), _article_images(page))
        for page, start, end in zip(_toc_pages(), starts, ends, strict=True)
    }
    assert sum(shown for _, shown in counts.values()) > 0
    assert all(printed >= shown for printed, shown in counts.values()), counts


def test_pdf_links_never_point_to_local_files(pdf):
    local = []
    for n, page in enumerate(pdf.pages, start=1):
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is not None and not str(uri).startswith(("http://", "https://", "mailto:")):
                local.append((n, str(uri)))
    assert local == []


@pytest.fixture(scope="module")
def site_zip() -> zipfile.ZipFile:
    path = DIST_DIR / f"{_name()}-site.zip"
    if not path.is_file():
        pytest.fail(f"no {path}: run `make dist` after the book build")
    with zipfile.ZipFile(path) as zf:
        yield zf


def test_zip_holds_the_whole_site_in_one_folder(site_zip):
    folder = f"{_name()}-site/"
    names = set(site_zip.namelist())
    assert all(n.startswith(folder) for n in names)
    expected = {"index.html", "README.txt", *_toc_pages()}
    assert not {folder + e for e in expected} - names
    built = {p.relative_to(HTML_DIR).as_posix() for p in HTML_DIR.rglob("*") if p.is_file()}
    built.discard(".buildinfo")
    assert {n.removeprefix(folder) for n in names} == built | {"README.txt"}
    assert any(n.startswith(folder + "_static/vendor/mathjax/") for n in names)


def test_zip_readme_says_how_to_serve_the_folder(site_zip):
    readme = site_zip.read(f"{_name()}-site/README.txt").decode()
    assert "index.html" in readme
    assert f"cd {_name()}-site" in readme and "python3 -m http.server" in readme


# For each animation slider of a page: the frame shown at its first, middle and last position.
_MOVE_EXPLORER_SLIDERS = """() => Array.from(
  document.querySelectorAll(".animation input[type=range]")).map((slider) => {
    const frame = slider.closest(".animation").querySelector("img");
    return [slider.min, Math.round((+slider.min + +slider.max) / 2), slider.max].map((v) => {
      slider.value = v;
      slider.dispatchEvent(new Event("input", { bubbles: true }));
      slider.dispatchEvent(new Event("change", { bubbles: true }));
      return frame.src.slice(-64);
    });
  })"""


def test_unzipped_site_works_without_a_server(site_zip, browser, tmp_path):
    """What the README promises: every page opened from disk renders fully, offline."""
    site_zip.extractall(tmp_path)
    root = tmp_path / f"{_name()}-site"
    context = browser.new_context()
    context.route(re.compile(r"^https?://"), lambda route: route.abort())  # no network
    explorers = 0
    try:
        for rel in _toc_pages():
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
            page.on("requestfailed", lambda r, e=errors: e.append(f"failed: {r.url}"))
            page.goto((root / rel).as_uri(), wait_until="load")
            state = page.evaluate(
                """async () => {
                  if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
                  return {
                    math: document.querySelectorAll(".math").length,
                    untypeset: [...document.querySelectorAll(".math")]
                      .filter((m) => !m.querySelector("mjx-container")).length,
                    broken: [...document.images].filter((i) => !i.naturalWidth).length,
                    images: document.images.length,
                  };
                }"""
            )
            frames = page.evaluate(_MOVE_EXPLORER_SLIDERS)
            page.close()
            assert errors == [], (rel, errors)
            assert state["untypeset"] == 0 and state["broken"] == 0, (rel, state)
            # the explorer (a matplotlib animation) shows another frame for each slider position
            assert all(len(set(shown)) == len(shown) for shown in frames), (rel, frames)
            explorers += len(frames)
    finally:
        context.close()
    assert explorers > 0, "no hyperparameter explorer found on any page"
