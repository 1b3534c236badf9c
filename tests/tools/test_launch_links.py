"""coursetools.launch: sorting a page's links and finding the notebook a launch link opens."""

from __future__ import annotations

import pytest
from coursetools.launch import (
    launch_kind,
    launch_links,
    launched_notebooks,
    opened_path,
    site_launch_links,
)

REPO, BRANCH = "https://github.com/owner/course", "main"
BINDER = "https://mybinder.org/v2/gh/owner/course/main?urlpath=lab/tree/book/a.ipynb"
COLAB = "https://colab.research.google.com/github/owner/course/blob/main/book/a.ipynb"
HUB = (
    "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A//github.com/owner/course"
    "&branch=main&urlpath=lab/tree/course/book/a.ipynb"
)


@pytest.mark.parametrize(
    ("href", "kind"),
    [
        (BINDER, "binder"),
        ("https://gke.mybinder.org/v2/gh/owner/course/main?urlpath=tree/a.ipynb", "binder"),
        (COLAB, "colab"),
        (HUB, "jupyterhub"),
        ("../_sources/book/a.ipynb", "download"),
        # prose links to the same sites, and other pages
        ("https://mybinder.org/", None),
        ("https://notmybinder.org/v2/gh/x", None),
        ("https://colab.research.google.com/notebooks/intro.ipynb", None),
        ("https://example.org/a.ipynb", None),
        ("a.html#x", None),
    ],
)
def test_launch_kind(href, kind):
    assert launch_kind(href) == kind


def test_launch_links_keeps_page_order_and_every_kind():
    links = launch_links(["index.html", COLAB, BINDER, "b.ipynb", "a.ipynb"])
    assert links == {
        "binder": [BINDER],
        "colab": [COLAB],
        "jupyterhub": [],
        "download": [
            "b.ipynb",
            "a.ipynb",
        ],
    }


@pytest.mark.parametrize(
    "link",
    [
        BINDER,
        BINDER.replace("lab/tree/", "tree/"),
        BINDER.replace("lab/tree/", "notebooks/"),
        COLAB,
    ],
)
def test_opened_path(link):
    assert opened_path(link, REPO, BRANCH) == "book/a.ipynb"


@pytest.mark.parametrize(
    "link",
    [
        BINDER.replace("/main?", "/dev?"),  # another branch
        BINDER.replace("owner/course", "fork/course"),  # another repository
        BINDER.replace("urlpath=lab/tree/", "urlpath=lab/workspaces/"),
        BINDER.split("?")[0],  # no urlpath
        COLAB.replace("/blob/main/", "/blob/dev/"),
        COLAB.replace("owner/course", "owner/other"),
        HUB,  # nbgitpuller's path is under the clone's folder, not the repository's
        "book/a.ipynb",
    ],
)
def test_opened_path_refuses_links_to_anything_else(link):
    with pytest.raises(ValueError, match=r"does not open|not a Binder or Colab"):
        opened_path(link, REPO, BRANCH)


def test_site_launch_links_finds_pages_and_skips_assets(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    page = f'<a href="{BINDER}">Binder</a><a href="{COLAB}">Colab</a><link href="{BINDER}">'
    (tmp_path / "book" / "a.html").write_text(page, encoding="utf-8")
    (tmp_path / "book" / "b.html").write_text(f'<a href="{BINDER}">again</a>', encoding="utf-8")
    (tmp_path / "_static" / "c.html").write_text(f'<a href="{COLAB}"></a>', encoding="utf-8")
    assert site_launch_links(tmp_path, "binder") == {BINDER: ["book/a.html", "book/b.html"]}
    assert site_launch_links(tmp_path, "colab") == {COLAB: ["book/a.html"]}


def test_launched_notebooks_checks_the_tree_and_its_repository(tmp_path):
    html, tree = tmp_path / "html", tmp_path / "tree"
    (html / "book").mkdir(parents=True)
    (tree / "book").mkdir(parents=True)
    (tree / "_config.yml").write_text(f"repository: {{url: {REPO}/, branch: main}}\n")
    (tree / "book" / "a.ipynb").write_text("{}", encoding="utf-8")
    other_branch = COLAB.replace("/blob/main/", "/blob/dev/")
    not_published = COLAB.replace("a.ipynb", "b.ipynb")
    links = [COLAB, other_branch, not_published, BINDER]
    page = "".join(f'<a href="{link}">x</a>' for link in links)
    (html / "book" / "a.html").write_text(page, encoding="utf-8")
    notebooks, problems = launched_notebooks(html, tree, "colab")
    assert notebooks == {"book/a.ipynb": ["book/a.html"]}
    assert len(problems) == 2
    assert "does not open owner/course at main" in problems[0]
    assert "opens book/b.ipynb: not a notebook of" in problems[1]
    assert launched_notebooks(html, tree, "binder") == ({"book/a.ipynb": ["book/a.html"]}, [])
    assert launched_notebooks(html, tree, "jupyterhub")[1] == [
        f"no jupyterhub launch links in {html}"
    ]
