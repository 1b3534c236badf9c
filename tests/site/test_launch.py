"""Launch buttons of a tiny copy of the book with a JupyterHub set (no build of the real site).

`_config.yml`'s `launch_buttons.jupyterhub_url` is empty; a fork sets it to its campus hub and
every lesson and exercise page gets an nbgitpuller link that sphinx-book-theme builds. This
builds a two-page book (one lesson notebook, one exercise notebook, not executed) with the
real configuration, the real site extension and a sample hub, and checks each page's launch
menu: the link's form, that it names the public repository, branch and the page's notebook,
and that the exercise page has no Colab button (`_ext/site_assets.py`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
import site_assets
import yaml
from coursetools.launch import launch_links
from site_pages import ROOT, parse

SAMPLE_HUB = "https://hub.example.edu"
pytestmark = pytest.mark.slow


def _notebook(title: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# {title}"), nbformat.v4.new_code_cell("1 + 1")]
    )
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    return nb


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory) -> tuple[Path, dict]:
    book = tmp_path_factory.mktemp("tiny-book")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["launch_buttons"]["jupyterhub_url"] = SAMPLE_HUB
    config["execute"] = {"execute_notebooks": "off"}
    config["bibtex_bibfiles"] = ["references.bib"]  # Jupyter Book always loads sphinxcontrib-bibtex
    (book / "references.bib").write_text("", encoding="utf-8")
    config["exclude_patterns"] = ["_build", "node_modules"]
    sphinx = config.setdefault("sphinx", {})
    sphinx["local_extensions"] = {"site_assets": str(ROOT / "_ext")}
    (book / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: book/lesson\nchapters:\n  - file: exercises/student/task\n",
        encoding="utf-8",
    )
    (book / "book").mkdir()
    (book / "exercises" / "student").mkdir(parents=True)
    nbformat.write(_notebook("A lesson"), book / "book" / "lesson.ipynb")
    nbformat.write(_notebook("An exercise"), book / "exercises" / "student" / "task.ipynb")
    shutil.copytree(ROOT / "_static", book / "_static")
    # the site extension only checks that the vendored npm packages are there
    for src, _ in site_assets.VENDORED.values():
        (book / "node_modules" / src).mkdir(parents=True, exist_ok=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    built = subprocess.run(
        [str(jupyter_book), "build", str(book), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return book / "_build" / "html", config


@pytest.mark.parametrize(
    ("page", "notebook", "colab"),
    [
        ("book/lesson.html", "book/lesson.ipynb", True),
        ("exercises/student/task.html", "exercises/student/task.ipynb", False),
    ],
)
def test_a_jupyterhub_link_on_every_page(tiny_book, page, notebook, colab):
    html, config = tiny_book
    links = launch_links(parse(html / page).hrefs)
    (hub,) = links["jupyterhub"]
    url = urlsplit(hub)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{SAMPLE_HUB}/hub/user-redirect/git-pull"
    query = {k: v[0] for k, v in parse_qs(url.query, strict_parsing=True).items()}
    repo_url = config["repository"]["url"].rstrip("/")
    repo_name = urlsplit(repo_url).path.rstrip("/").split("/")[-1]
    assert query == {
        "repo": repo_url,
        "branch": config["repository"]["branch"],
        # nbgitpuller clones into ~/<repository name>; JupyterLab opens the notebook there
        "urlpath": f"lab/tree/{repo_name}/{notebook}",
    }
    assert len(links["binder"]) == 1
    assert len(links["colab"]) == (1 if colab else 0), links["colab"]
