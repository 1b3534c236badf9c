"""The `.ipynb` paired with each lesson page is in sync with its MyST Markdown source.

Runs in the unit tests (no build needed): the launch buttons open `book/<page>.ipynb`, so a
page edited without re-running `course-pair` (`make pair-notebooks`) must fail here.
"""

from __future__ import annotations

import shutil

import jupytext
import nbformat
import pytest
from coursetools import colab, pairing
from coursetools.notebooks import is_notebook, notebook_pages, notebook_text
from coursetools.project import ROOT, repository, toc_files

PAGES = notebook_pages(ROOT / "book")


@pytest.mark.parametrize("md", PAGES, ids=lambda p: p.name)
def test_pair_is_in_sync(md):
    assert pairing.out_of_sync(md) is None, "run: course-pair"


@pytest.mark.parametrize("md", PAGES, ids=lambda p: p.name)
def test_pair_matches_the_page_cell_by_cell(md):
    """Independent of the pairing's own comparison: jupytext's cells, in order, no outputs."""
    page = jupytext.read(md, fmt="md:myst")
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    nbformat.validate(nb)
    setup, *cells = nb.cells
    assert colab.SETUP_TAG in setup.metadata.get("tags", [])
    assert len(cells) == len(page.cells)
    for got, want in zip(cells, page.cells, strict=True):
        assert got.cell_type == want.cell_type
        assert got.source == want.source
        assert got.metadata == want.metadata
        if got.cell_type == "code":
            assert got.outputs == [] and got.execution_count is None
    assert nb.metadata["kernelspec"] == page.metadata["kernelspec"]


def test_no_orphan_notebooks():
    assert pairing.orphans(ROOT / "book") == []


def test_every_notebook_page_of_the_toc_is_paired():
    """A MyST notebook page anywhere in `_toc.yml` is one `course-pair` pairs (it only pairs
    `book/`), so its launch buttons find a committed `.ipynb`."""
    toc_pages = [ROOT / f"{entry}.md" for entry in toc_files()]
    notebook_toc_pages = [md for md in toc_pages if md.exists() and is_notebook(md)]
    assert notebook_toc_pages, "no MyST notebook page in _toc.yml"
    for md in notebook_toc_pages:
        assert md in PAGES, f"{md.relative_to(ROOT)} is in _toc.yml but course-pair skips it"
        assert md.with_suffix(".ipynb").exists(), md


def test_the_check_catches_an_edit(tmp_path):
    """The sync check fails after an edit to the page, and passes again after re-pairing."""
    book = tmp_path / "book"
    book.mkdir()
    md = book / "lesson.md"
    md.write_text(
        "---\njupytext:\n  text_representation: {extension: .md, format_name: myst}\n"
        "kernelspec: {display_name: Python 3, language: python, name: python3}\n---\n"
        "# A lesson\n\n```{code-cell} ipython3\nx = 1\n```\n",
        encoding="utf-8",
    )
    for name in ("_config.yml", "pyproject.toml", "requirements.txt"):  # the set-up cell's sources
        shutil.copy(ROOT / name, tmp_path / name)
    assert pairing.out_of_sync(md, root=tmp_path) is not None  # no pair yet
    assert pairing.main([], root=tmp_path) == 0
    assert pairing.out_of_sync(md, root=tmp_path) is None
    assert pairing.main(["--check"], root=tmp_path) == 0
    md.write_text(md.read_text(encoding="utf-8").replace("x = 1", "x = 2"), encoding="utf-8")
    assert "cell 2 differs in source" in pairing.out_of_sync(md, root=tmp_path)
    assert pairing.main(["--check"], root=tmp_path) == 1
    (book / "stale.ipynb").write_text(notebook_text(pairing.paired_notebook(md, root=tmp_path)))
    assert pairing.orphans(book) == [book / "stale.ipynb"]
    assert pairing.main(["--check"], root=tmp_path) == 1
    assert pairing.main([], root=tmp_path) == 0
    assert not (book / "stale.ipynb").exists()


def _run_setup_cell(source: str, monkeypatch, imported: dict[str, str]) -> list[str]:
    """Run a Colab set-up cell as on Colab (google.colab imported), pip replaced by a recorder."""
    import subprocess
    import sys
    import types

    commands: list[list[str]] = []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    for name, version in imported.items():  # modules Colab had imported before the cell
        monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(__version__=version))
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: commands.append(cmd))
    exec(compile(source, "<colab-setup>", "exec"), {})
    (command,) = commands
    return command


@pytest.mark.parametrize("md", PAGES, ids=lambda p: p.name)
def test_colab_setup_cell_installs_requirements_pins(md, monkeypatch):
    """On Colab the first cell installs mlintro from the public repository, deps pinned."""
    setup = nbformat.read(md.with_suffix(".ipynb"), as_version=4).cells[0]
    command = _run_setup_cell(setup.source, monkeypatch, imported={})
    url, branch = repository()
    assert command[1:5] == ["-m", "pip", "install", "--quiet"]
    assert f"mlintro @ git+{url}@{branch}" in command
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep:
            pins[name.split("[")[0].lower()] = version.strip()
    installed = dict(r.split("==") for r in command if "==" in r)
    assert installed, command
    assert all(pins[name] == version for name, version in installed.items()), installed
    # everything mlintro imports is pinned, jax with its compiled half
    assert {"numpy", "scipy", "jax", "jaxlib", "optax", "matplotlib"} <= set(installed)
    assert not {"ipykernel", "jupyter-book", "otter-grader"} & set(installed)  # Colab's own


def test_colab_setup_cell_asks_for_a_restart_when_a_module_was_imported_before(monkeypatch):
    source = colab.setup_cell().source
    pinned = colab.pins()
    _run_setup_cell(source, monkeypatch, imported={"numpy": pinned["numpy"]})  # same: ok
    with pytest.raises(RuntimeError, match="Restart the session"):
        _run_setup_cell(source, monkeypatch, imported={"numpy": "1.26.4"})


def test_setup_cell_does_nothing_off_colab(monkeypatch):
    import subprocess
    import sys

    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **kw: calls.append(a))
    exec(compile(colab.setup_cell().source, "<colab-setup>", "exec"), {})
    assert calls == []
