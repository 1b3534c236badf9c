"""The launch links of the built site: which service each opens, and which notebook.

sphinx-book-theme puts a launch menu on every page built from a notebook: Binder
(``<hub>/v2/gh/<owner>/<repo>/<branch>?urlpath=lab/tree/<path>``), Colab
(``<colab>/github/<owner>/<repo>/blob/<branch>/<path>``), a JupyterHub when ``_config.yml``
names one (nbgitpuller's ``/hub/user-redirect/git-pull``) and the ``.ipynb`` download. The site
tests and the Binder and Colab simulations read the links with these functions.
"""

from __future__ import annotations

import argparse
import html.parser
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from coursetools.project import ROOT, repository

__all__ = [
    "KINDS",
    "add_site_arguments",
    "launch_kind",
    "launch_links",
    "launched_notebooks",
    "opened_path",
    "site_launch_links",
    "site_links",
]

KINDS = ("binder", "colab", "jupyterhub", "download")
# folders of the built site that hold no pages
_ASSET_DIRS = {"_static", "_sources", "_images", "_downloads", "_sphinx_design_static"}
# where JupyterLab, the classic notebook and its tree view open a file (Binder's urlpath)
_URLPATH_PREFIXES = ("lab/tree/", "tree/", "notebooks/")


def launch_kind(href: str) -> str | None:
    """Return which launch link an ``href`` is, one of `KINDS`, or None for any other link.

    Only the launch menu's links count, not prose linking to those sites.

    Parameters
    ----------
    href : str
        A link of a page.

    Returns
    -------
    str or None
        ``"binder"``, ``"colab"``, ``"jupyterhub"``, ``"download"`` (a relative ``.ipynb``
        link), or None.

    Examples
    --------
    >>> launch_kind("https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/book/a.ipynb")
    'binder'
    >>> launch_kind("https://colab.research.google.com/github/o/r/blob/main/book/a.ipynb")
    'colab'
    >>> launch_kind("https://hub.example.edu/hub/user-redirect/git-pull?repo=x")
    'jupyterhub'
    >>> launch_kind("../_sources/book/a.ipynb"), launch_kind("https://mybinder.org/")
    ('download', None)
    """
    parts = urlsplit(href)
    host, path = parts.netloc, parts.path
    if (host == "mybinder.org" or host.endswith(".mybinder.org")) and path.startswith("/v2/"):
        return "binder"
    if host == "colab.research.google.com" and path.startswith("/github/"):
        return "colab"
    if path.endswith("/hub/user-redirect/git-pull"):
        return "jupyterhub"
    if not host and path.endswith(".ipynb"):
        return "download"
    return None


def launch_links(hrefs: Iterable[str]) -> dict[str, list[str]]:
    """Sort the launch links among a page's links by kind.

    Parameters
    ----------
    hrefs : iterable of str
        The links of one page.

    Returns
    -------
    dict of str to list of str
        Each of `KINDS` -> its links, in page order (an empty list when there are none).

    Examples
    --------
    >>> links = launch_links(["intro.html", "https://colab.research.google.com/github/o/r/blob/b/x.ipynb"])
    >>> {kind: len(found) for kind, found in links.items()}
    {'binder': 0, 'colab': 1, 'jupyterhub': 0, 'download': 0}
    """
    links: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for href in hrefs:
        if (kind := launch_kind(href)) is not None:
            links[kind].append(href)
    return links


def opened_path(link: str, url: str, branch: str) -> str:
    """Return the repository path a Binder or Colab link opens, in the given repository.

    Parameters
    ----------
    link : str
        A Binder or Colab launch link.
    url : str
        The repository the link must open (``https://github.com/<owner>/<repo>``).
    branch : str
        The branch it must open.

    Returns
    -------
    str
        The path inside the repository, e.g. ``book/extrapolation.ipynb``.

    Raises
    ------
    ValueError
        If the link is neither Binder nor Colab, or opens another repository or branch.

    Examples
    --------
    >>> repo = "https://github.com/o/r"
    >>> binder, colab = "https://mybinder.org/v2/gh", "https://colab.research.google.com/github"
    >>> opened_path(f"{binder}/o/r/main?urlpath=lab/tree/book/a.ipynb", repo, "main")
    'book/a.ipynb'
    >>> opened_path(f"{colab}/o/r/blob/main/book/a.ipynb", repo, "main")
    'book/a.ipynb'
    >>> opened_path(f"{colab}/o/r/blob/dev/book/a.ipynb", repo, "main")
    Traceback (most recent call last):
    ValueError: https://colab.research.google.com/github/o/r/blob/dev/book/a.ipynb does not ...
    """
    owner_repo = urlsplit(url).path.strip("/")
    parts = urlsplit(link)
    kind = launch_kind(link)
    if kind == "colab":
        prefix = f"/github/{owner_repo}/blob/{branch}/"
        if parts.path.startswith(prefix):
            return parts.path.removeprefix(prefix)
    elif kind == "binder":
        urlpath = parse_qs(parts.query).get("urlpath", [""])[0]
        if parts.path.rstrip("/") == f"/v2/gh/{owner_repo}/{branch}" and urlpath.startswith(
            _URLPATH_PREFIXES
        ):
            return next(urlpath.removeprefix(p) for p in _URLPATH_PREFIXES if urlpath.startswith(p))
    else:
        raise ValueError(f"{link} is not a Binder or Colab launch link")
    raise ValueError(f"{link} does not open {owner_repo} at {branch}")


class _Anchors(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def site_links(html_dir: Path) -> Iterator[tuple[str, str]]:
    """Yield every link of the built site's pages.

    Parameters
    ----------
    html_dir : Path
        The built site (``_build/html``).

    Yields
    ------
    tuple of str
        The page (relative to ``html_dir``) and the ``href`` of one of its ``<a>`` elements;
        pages in sorted order, the asset folders left out.
    """
    for page in sorted(html_dir.rglob("*.html")):
        if _ASSET_DIRS & set(page.relative_to(html_dir).parts):
            continue
        parser = _Anchors()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            yield page.relative_to(html_dir).as_posix(), href


def site_launch_links(html_dir: Path, kind: str) -> dict[str, list[str]]:
    """Return the launch links of one kind on the built site, with the pages that carry them.

    Parameters
    ----------
    html_dir : Path
        The built site (``_build/html``).
    kind : str
        One of `KINDS`.

    Returns
    -------
    dict of str to list of str
        Launch link -> the pages (relative to ``html_dir``) that carry it.
    """
    found: dict[str, list[str]] = {}
    for page, href in site_links(html_dir):
        if launch_kind(href) == kind:
            found.setdefault(href, []).append(page)
    return found


def launched_notebooks(
    html_dir: Path, tree: Path, kind: str
) -> tuple[dict[str, list[str]], list[str]]:
    """Return the notebooks of the public tree that the site's launch links of one kind open.

    Parameters
    ----------
    html_dir : Path
        The built site.
    tree : Path
        The public repository's content (``make publish``); its ``_config.yml`` names the
        repository and branch the links must open.
    kind : str
        ``"binder"`` or ``"colab"``.

    Returns
    -------
    notebooks : dict of str to list of str
        Path of a notebook in ``tree`` -> the pages whose link opens it.
    problems : list of str
        One message per link that opens another repository or branch, or no notebook of
        ``tree``; one if the site has no such link at all.
    """
    url, branch = repository(tree)
    notebooks: dict[str, list[str]] = {}
    problems = []
    links = site_launch_links(html_dir, kind)
    if not links:
        problems.append(f"no {kind} launch links in {html_dir}")
    for link, pages in links.items():
        try:
            path = opened_path(link, url, branch)
        except ValueError as exc:
            problems.append(f"{exc} (on {pages})")
            continue
        if not path.endswith(".ipynb") or not (tree / path).is_file():
            problems.append(f"{link} (on {pages}) opens {path}: not a notebook of {tree}")
            continue
        notebooks.setdefault(path, []).extend(pages)
    return notebooks, problems


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of the launch simulations: the built site and the public tree.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The command line of a simulation; gets ``--html`` and ``--repo``.
    """
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument(
        "--repo",
        type=Path,
        default=ROOT / "_build" / "publish",
        help="the tree launched: the public repository's content (make publish)",
    )
