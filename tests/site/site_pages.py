"""What the built site contains: its pages, their links, and where they come from.

Shared by the site tests; reads only `_build/html` (or `$SITE_HTML`) and the repository, so the
tests follow whatever pages the book has instead of a hard-coded list. What a launch link is and
which notebook it opens is the tooling's (`coursetools.launch`), shared with the Binder and
Colab simulations.
"""

from __future__ import annotations

import html.parser
import os
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from coursetools import launch
from coursetools.notebooks import is_notebook
from coursetools.project import ROOT

HTML_DIR = Path(os.environ.get("SITE_HTML", ROOT / "_build" / "html")).resolve()
# the public repository's content, which the launch links open (`make publish`)
PUBLISH_DIR = Path(os.environ.get("PUBLISH_DIR", ROOT / "_build" / "publish")).resolve()
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "_sphinx_design_static"}
# Pages Sphinx generates itself (they are checked in the browser too, but are not lessons).
GENERATED = {"genindex.html", "search.html", "py-modindex.html"}


@dataclass
class ParsedPage:
    """Links, ids and a few elements of one HTML file."""

    hrefs: list[str] = field(default_factory=list)
    srcs: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    refresh: str | None = None


class _Parser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.page.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.page.ids.add(a["name"])
        if tag in {"a", "link", "area"} and "href" in a:
            self.page.hrefs.append(a["href"])
        if tag in {"img", "script", "iframe", "source", "video", "audio"} and a.get("src"):
            self.page.srcs.append(a["src"])
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.page.refresh = a.get("content", "")


@cache
def parse(path: Path) -> ParsedPage:
    """Parse one HTML file of the site."""
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.page


def html_files() -> list[Path]:
    """Every HTML file of the site (pages and redirects), outside the asset folders."""
    if not HTML_DIR.is_dir():
        return []
    return sorted(
        p
        for p in HTML_DIR.rglob("*.html")
        if not SKIP_DIRS.intersection(p.relative_to(HTML_DIR).parts)
    )


def pages() -> list[str]:
    """Every page a reader can open (paths relative to the HTML root), redirects left out."""
    return [p.relative_to(HTML_DIR).as_posix() for p in html_files() if parse(p).refresh is None]


def content_pages() -> list[str]:
    """The book's own pages (lessons, landing page, exercises), without Sphinx's generated ones."""
    return [p for p in pages() if Path(p).name not in GENERATED]


@cache
def launch_links(page: str) -> dict[str, list[str]]:
    """The Binder, Colab, JupyterHub (nbgitpuller) and `.ipynb` download links of one page."""
    return launch.launch_links(parse(HTML_DIR / page).hrefs)


def notebook_pages() -> list[str]:
    """Pages built from a notebook (a MyST Markdown notebook or an `.ipynb`): they have a kernel."""
    return [p for p in content_pages() if (source := source_of(p)) and is_notebook(source)]


def source_of(page: str) -> Path | None:
    """The source file in the repository a page was built from."""
    stem = ROOT / Path(page).with_suffix("")
    for suffix in (".md", ".ipynb", ".rst"):
        if stem.with_suffix(suffix).exists():
            return stem.with_suffix(suffix)
    return None


@cache
def tracked_files() -> frozenset[str]:
    """Files committed to git (what Binder and Colab fetch from the repository)."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout
    return frozenset(filter(None, out.split("\0")))
