"""Links of the built HTML: internal links resolve, launch and download links open real files.

Static checks over every `href`/`src` in `_build/html` (no browser): an internal link must
point at a file of the site, and its `#fragment` at an id on that page. Every notebook page
(lesson or exercise) must offer Binder and an `.ipynb` download, the lessons also Colab (the
exercise pages must not: otter's checks do not run there), and every page a JupyterHub link
when `_config.yml` names a hub; the Binder and Colab links must open, in the public repository
and branch named in `_config.yml`, a notebook that is committed at that path and published
(`make publish`: Binder and Colab fetch it from GitHub, not from this checkout).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
import yaml
from coursetools.launch import opened_path
from coursetools.project import toc_files
from site_pages import (
    HTML_DIR,
    PUBLISH_DIR,
    ROOT,
    html_files,
    launch_links,
    notebook_pages,
    parse,
    tracked_files,
)

pytestmark = pytest.mark.built_site

EXTERNAL_SCHEMES = {"http", "https", "mailto", "javascript", "data", "tel"}


@functools.cache
def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def _target(page: Path, link: str) -> tuple[Path, str] | None:
    """The file and fragment an internal link points at (None for external links)."""
    parts = urlsplit(link)
    if parts.scheme in EXTERNAL_SCHEMES or parts.netloc:
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    target = (page.parent / unquote(parts.path)).resolve()
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


@pytest.mark.parametrize("html", html_files(), ids=lambda p: p.relative_to(HTML_DIR).as_posix())
def test_internal_links_resolve(html):
    parsed = parse(html)
    broken = []
    for link in parsed.hrefs + parsed.srcs:
        target = _target(html, link)
        if target is None:
            continue
        path, fragment = target
        if not path.is_relative_to(HTML_DIR) or not path.is_file():
            broken.append(f"{link} (no file {path})")
        elif fragment and path.suffix == ".html" and fragment not in parse(path).ids:
            broken.append(f"{link} (no id {fragment!r} in {path.name})")
    assert broken == [], broken


def test_links_were_checked():
    """The link check ran over a real site (it must not pass on an empty folder)."""
    files = html_files()
    assert len(files) >= 3, files
    assert sum(len(parse(f).hrefs) for f in files) > 50


def test_every_notebook_page_is_checked():
    pages = notebook_pages()
    assert pages, "no notebook pages found in the built site"
    toc = set(toc_files())
    for page in pages:
        assert str(PurePosixPath(page).with_suffix("")) in toc, page


def _is_exercise(page: str) -> bool:
    return page.startswith("exercises/")


@pytest.mark.parametrize("page", notebook_pages())
def test_notebook_page_offers_its_launch_buttons_and_download(page):
    """Binder everywhere; Colab on lessons only; JupyterHub everywhere when configured."""
    links = launch_links(page)
    assert len(links["binder"]) == 1, links
    # the exercises' checks do not run on Colab (otter-grader #901): no button there
    assert len(links["colab"]) == (0 if _is_exercise(page) else 1), links
    hub = _config()["launch_buttons"].get("jupyterhub_url")
    assert len(links["jupyterhub"]) == (1 if hub else 0), links
    assert any(link.endswith(".ipynb") for link in links["download"]), links


def test_both_kinds_of_page_were_checked():
    pages = notebook_pages()
    assert any(_is_exercise(p) for p in pages) and not all(_is_exercise(p) for p in pages)


@pytest.mark.parametrize("page", notebook_pages())
def test_launch_links_open_a_committed_notebook(page):
    config = _config()
    repo_url = config["repository"]["url"].rstrip("/")
    branch = config["repository"]["branch"]
    org_repo = urlsplit(repo_url).path.strip("/")
    binder_hub = config["launch_buttons"]["binderhub_url"].rstrip("/")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    links = launch_links(page)
    (binder,) = links["binder"]
    assert binder.startswith(f"{binder_hub}/v2/gh/{org_repo}/{branch}?urlpath=lab/tree/"), binder
    for colab_link in links["colab"]:
        assert colab_link.startswith(f"{colab}/github/{org_repo}/blob/{branch}/"), colab_link
    if not PUBLISH_DIR.is_dir():
        pytest.fail(f"no published tree in {PUBLISH_DIR}: run `make publish`")
    for link in (binder, *links["colab"]):
        path = opened_path(link, repo_url, branch)
        assert path.endswith(".ipynb"), f"{link} opens {path}, not a notebook"
        assert (ROOT / path).is_file(), f"{link} opens {path}, which does not exist"
        assert path in tracked_files(), (
            f"{link} opens {path}, which is not committed: Binder and Colab fetch it from GitHub"
        )
        # ... from the public repository, whose content is the published tree
        assert (PUBLISH_DIR / path).is_file(), f"{link} opens {path}, which is not published"
        nb = nbformat.read(ROOT / path, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata.get("kernelspec", {}).get("name") == "python3", path
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
            f"{path} is committed with outputs"
        )


@pytest.mark.parametrize("page", notebook_pages())
def test_download_links_serve_the_notebook(page):
    downloads = [d for d in launch_links(page)["download"] if d.endswith(".ipynb")]
    assert downloads
    for link in downloads:
        target = _target(HTML_DIR / page, link)
        assert target is not None, link
        path, _ = target
        assert path.is_file(), f"{link}: no file {path}"
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["nbformat"] == 4 and nb["cells"], link
        assert Path(path).stem == Path(page).stem, (link, page)
