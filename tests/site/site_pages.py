"""What the built site contains: its pages, their links, and where they come from.

Shared by the site tests; reads only `_build/html` (or `$SITE_HTML`) and the repository, so the
tests follow whatever pages the book has instead of a hard-coded list.
"""

from __future__ import annotations

import html.parser
import os
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
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
    """The Binder, Colab, JupyterHub (nbgitpuller) and `.ipynb` download links of one page.

    Launch links only, not prose links to those sites.
    """
    links: dict[str, list[str]] = {"binder": [], "colab": [], "jupyterhub": [], "download": []}
    for href in parse(HTML_DIR / page).hrefs:
        host = urlsplit(href).netloc
        path = urlsplit(href).path
        if (host == "mybinder.org" or host.endswith(".mybinder.org")) and path.startswith("/v2/"):
            links["binder"].append(href)
        elif host == "colab.research.google.com" and path.startswith("/github/"):
            links["colab"].append(href)
        elif path.endswith("/hub/user-redirect/git-pull"):
            links["jupyterhub"].append(href)
        elif not host and href.split("?")[0].endswith(".ipynb"):
            links["download"].append(href)
    return links


def notebook_pages() -> list[str]:
    """Pages built from a notebook (a MyST Markdown notebook or an `.ipynb`): they have a kernel."""
    return [p for p in content_pages() if source_of(p) is not None and is_notebook(source_of(p))]


def source_of(page: str) -> Path | None:
    """The source file in the repository a page was built from."""
    stem = ROOT / Path(page).with_suffix("")
    for suffix in (".md", ".ipynb", ".rst"):
        if stem.with_suffix(suffix).exists():
            return stem.with_suffix(suffix)
    return None


def is_notebook(source: Path) -> bool:
    """Whether a source is a notebook: an `.ipynb`, or Markdown with a kernelspec header."""
    if source.suffix == ".ipynb":
        return True
    text = source.read_text(encoding="utf-8")
    return text.startswith("---") and "kernelspec" in text.split("---", 2)[1]


def repo_path_of_launch(url: str) -> str:
    """The repository path a Binder (`urlpath=lab/tree/<path>`) or Colab link opens."""
    parts = urlsplit(url)
    if parts.netloc == "colab.research.google.com":
        # /github/<org>/<repo>/blob/<branch>/<path>
        segments = parts.path.split("/")
        return "/".join(segments[6:])
    urlpath = parse_qs(parts.query)["urlpath"][0]
    for prefix in ("lab/tree/", "tree/", "notebooks/"):
        if urlpath.startswith(prefix):
            return urlpath.removeprefix(prefix)
    raise ValueError(f"unexpected Binder urlpath in {url}")


@cache
def tracked_files() -> frozenset[str]:
    """Files committed to git (what Binder and Colab fetch from the repository)."""
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True
    ).stdout
    return frozenset(filter(None, out.split("\0")))
