"""Write (or check) the `.ipynb` notebook paired with each MyST Markdown lesson in `book/`.

The lessons are written as MyST Markdown notebooks, which Binder opens as raw text and Colab
cannot open at all. The launch buttons therefore point at a real notebook kept next to each page:
`book/<page>.ipynb`, converted from `book/<page>.md` by jupytext, without outputs, with stable
cell ids, and with one extra first cell that installs the course package when (and only when)
the notebook runs on Colab (Binder and local set-ups install it from `requirements.txt`).

    python scripts/pair_notebooks.py          # (re)write every pair
    python scripts/pair_notebooks.py --check  # exit 1 and list the pairs that are out of sync

The Sphinx build ignores `book/*.ipynb` (`exclude_patterns` in `_config.yml`); sphinx-book-theme
builds the launch URLs for `book/<page>.md` with `.ipynb` when that file exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SETUP_TAG = "colab-setup"

COLAB_SETUP = """\
# Colab only: install the course package `mlintro` from the repository{extra_note}.
# (Binder and a local checkout already have it, from requirements.txt.)
import subprocess
import sys

if "google.colab" in sys.modules:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", {requirements}],
        check=True,
    )"""


def repository() -> tuple[str, str]:
    """Return the repository url and branch named once in `_config.yml`."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return str(repo["url"]).rstrip("/"), str(repo.get("branch", "main"))


def colab_setup_cell(*extra_requirements: str) -> nbformat.NotebookNode:
    """The first cell of a launched notebook: on Colab only, pip-install `mlintro` (and extras)."""
    url, branch = repository()
    requirements = [f"mlintro @ git+{url}@{branch}", *extra_requirements]
    extra_note = f" and {', '.join(extra_requirements)}" if extra_requirements else ""
    source = COLAB_SETUP.format(
        requirements=", ".join(f'"{r}"' for r in requirements), extra_note=extra_note
    )
    return nbformat.v4.new_code_cell(source, metadata={"tags": [SETUP_TAG, "remove-cell"]})


def is_notebook_page(md: Path) -> bool:
    """Whether a Markdown page is a MyST notebook (it has a kernelspec in its front matter)."""
    text = md.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    header = text.split("---", 2)[1]
    return "kernelspec" in (yaml.safe_load(header) or {})


def lesson_pages(book: Path | None = None) -> list[Path]:
    """All MyST notebook pages in `book/`, sorted."""
    return sorted(md for md in (book or BOOK).glob("*.md") if is_notebook_page(md))


def paired_notebook(md: Path) -> nbformat.NotebookNode:
    """Convert a MyST Markdown page into the notebook that is committed next to it."""
    nb = jupytext.read(md, fmt="md:myst")
    nb.metadata.pop("jupytext", None)
    nb.cells.insert(0, colab_setup_cell())
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{md.stem}-{i:03d}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """Serialise a notebook the way Jupyter does (one-space indent, trailing newline)."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def out_of_sync(md: Path) -> str | None:
    """Describe how `md`'s committed pair differs from its conversion, or None if in sync."""
    ipynb = md.with_suffix(".ipynb")
    if not ipynb.exists():
        return f"{ipynb.relative_to(ROOT)} is missing"
    expected = paired_notebook(md)
    actual = nbformat.read(ipynb, as_version=4)
    if len(actual.cells) != len(expected.cells):
        n_actual, n_expected = len(actual.cells), len(expected.cells)
        return f"{ipynb.name}: {n_actual} cells, the page converts to {n_expected}"
    for i, (a, e) in enumerate(zip(actual.cells, expected.cells, strict=True)):
        for key in ("cell_type", "source", "metadata"):
            if a.get(key) != e.get(key):
                return f"{ipynb.name}: cell {i} differs in {key}"
        if a.cell_type == "code" and (a.outputs or a.execution_count is not None):
            return f"{ipynb.name}: cell {i} has outputs (commit the notebook without outputs)"
    if actual.metadata.get("kernelspec") != expected.metadata.get("kernelspec"):
        return f"{ipynb.name}: kernelspec differs"
    return None


def orphans(book: Path | None = None) -> list[Path]:
    """Notebooks in `book/` whose Markdown page is gone (or is no longer a notebook)."""
    pages = {md.with_suffix(".ipynb") for md in lesson_pages(book)}
    return sorted(nb for nb in (book or BOOK).glob("*.ipynb") if nb not in pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    pages = lesson_pages()
    if args.check:
        problems = [p for md in pages if (p := out_of_sync(md))]
        problems += [f"{nb.relative_to(ROOT)} has no page" for nb in orphans()]
        for problem in problems:
            print(f"out of sync: {problem}", file=sys.stderr)
        if problems:
            print("run: python scripts/pair_notebooks.py", file=sys.stderr)
        return 1 if problems else 0
    for md in pages:
        ipynb = md.with_suffix(".ipynb")
        text = notebook_text(paired_notebook(md))
        if not ipynb.exists() or ipynb.read_text(encoding="utf-8") != text:
            ipynb.write_text(text, encoding="utf-8")
            print(f"wrote {ipynb.relative_to(ROOT)}")
    for nb in orphans():
        nb.unlink()
        print(f"removed {nb.relative_to(ROOT)} (its page is gone)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
