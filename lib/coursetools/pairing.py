"""Write (or check) the ``.ipynb`` notebook paired with each MyST Markdown lesson in ``book/``.

The lessons are MyST Markdown notebooks, which Binder opens as raw text and Colab cannot open
at all. The launch buttons therefore point at a real notebook committed next to each page:
``book/<page>.ipynb``, the page's cells read by jupytext, without outputs, with stable cell ids
(`coursetools.notebooks.number_cells`), and with one extra first cell that installs the course
package on Colab only (`coursetools.colab.setup_cell`).

    course-pair          # (re)write every pair, remove the notebooks whose page is gone
    course-pair --check  # write nothing; exit 1 and list the pairs that are out of sync

The Sphinx build ignores ``book/*.ipynb`` (``exclude_patterns`` in ``_config.yml``);
sphinx-book-theme builds the launch URLs of ``book/<page>.md`` with ``.ipynb`` when it exists.

Why not jupytext's own pairing (``formats = "ipynb,md:myst"`` in a ``jupytext.toml`` and
``jupytext --sync``)? Tried on ``book/extrapolation.*`` with jupytext 1.19.6, it does not do
this job:

- a jupytext pair holds the same cells in both files. ``--sync`` from the page drops the Colab
  cell from the notebook, and ``--sync`` when the notebook is the newer file (as after a
  ``git clone`` or checkout, which do not keep modification times) writes the Colab cell, with
  its pins, into the lesson page. The set-up cell exists only in the notebook, so some code
  must insert it after jupytext's conversion anyway;
- ``--sync`` decides the direction by modification time and has no mode that only checks, so
  it cannot back the test that a page edited without re-pairing fails
  (``tests/site/test_pairing.py``);
- it rewrites the page's front matter and blank lines in jupytext's style, and gives new cells
  random ids, so each re-pairing would change committed files beyond the edit;
- a ``jupytext.toml`` pairing ``book/`` would also make Jupyter (with jupytext's contents
  manager, as on Binder) save the notebook's Colab cell back into the page.

So the pairing uses jupytext for what it does well, reading the MyST page (`read_page`), and
keeps its own small write-and-compare: no ``jupytext.toml``.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from coursetools.colab import setup_cell
from coursetools.notebooks import (
    clear_outputs,
    notebook_pages,
    number_cells,
    read_page,
    write_notebook,
)
from coursetools.project import ROOT

__all__ = ["main", "orphans", "out_of_sync", "paired_notebook"]


def paired_notebook(
    md: Path, *, root: Path = ROOT, setup: nbformat.NotebookNode | None = None
) -> nbformat.NotebookNode:
    """Convert a MyST Markdown page into the notebook committed next to it.

    Parameters
    ----------
    md : Path
        The lesson page.
    root : Path
        The project root, whose configuration the Colab set-up cell reads.
    setup : nbformat.NotebookNode, optional
        The Colab set-up cell, if already made (`coursetools.colab.setup_cell`): it reads
        every lesson page, so a caller pairing several pages makes it once.

    Returns
    -------
    nbformat.NotebookNode
        The Colab set-up cell, then the page's cells; no outputs, ids ``<page>-000``, ...

    Examples
    --------
    >>> nb = paired_notebook(ROOT / "book" / "extrapolation.md")
    >>> nb.cells[0].metadata["tags"][0], nb.cells[1].id, nb.nbformat_minor
    ('colab-setup', 'extrapolation-001', 5)
    """
    nb = read_page(md)
    nb.cells.insert(0, copy.deepcopy(setup) if setup is not None else setup_cell(root=root))
    number_cells(nb, md.stem)
    clear_outputs(nb)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def out_of_sync(
    md: Path, *, root: Path = ROOT, setup: nbformat.NotebookNode | None = None
) -> str | None:
    r"""Describe how the committed pair of a page differs from its conversion.

    Parameters
    ----------
    md : Path
        The lesson page.
    root : Path
        The project root.
    setup : nbformat.NotebookNode, optional
        The Colab set-up cell, as for `paired_notebook`.

    Returns
    -------
    str or None
        The first difference found (a missing notebook, a cell's type, source or metadata,
        outputs, the kernelspec), or None if the pair is in sync.

    Examples
    --------
    >>> import tempfile
    >>> from coursetools.notebooks import write_notebook
    >>> page = Path(tempfile.mkdtemp()) / "page.md"
    >>> _ = page.write_text("---\nkernelspec: {name: python3, display_name: Python 3}\n---\n\n"
    ...                     "```{code-cell} ipython3\n1 + 1\n```\n")
    >>> out_of_sync(page)
    'page.ipynb is missing'
    >>> write_notebook(paired_notebook(page), page.with_suffix(".ipynb"))
    True
    >>> out_of_sync(page) is None
    True
    >>> _ = page.write_text(page.read_text().replace("1 + 1", "2 + 2"))
    >>> out_of_sync(page)
    'page.ipynb: cell 1 differs in source'
    """
    ipynb = md.with_suffix(".ipynb")
    if not ipynb.exists():
        return f"{ipynb.name} is missing"
    expected = paired_notebook(md, root=root, setup=setup)
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


def orphans(book: Path) -> list[Path]:
    """Return the notebooks of a folder whose Markdown page is gone (or is no notebook now).

    Parameters
    ----------
    book : Path
        The folder of the lesson pages.

    Returns
    -------
    list of Path
        Those ``.ipynb`` files, sorted.

    Examples
    --------
    >>> orphans(ROOT / "book")
    []
    """
    pages = {md.with_suffix(".ipynb") for md in notebook_pages(book)}
    return sorted(nb for nb in book.glob("*.ipynb") if nb not in pages)


def main(argv: list[str] | None = None, *, root: Path = ROOT) -> int:
    """Write every pair of ``root/book`` (or check them, ``--check``); return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The command-line arguments (``sys.argv[1:]`` by default).
    root : Path
        The project root.

    Returns
    -------
    int
        0, or 1 when ``--check`` finds a pair out of sync or an orphan notebook.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    book = root / "book"
    pages = notebook_pages(book)
    setup = setup_cell(root=root)
    if args.check:
        problems = [p for md in pages if (p := out_of_sync(md, root=root, setup=setup))]
        problems += [f"{nb.name} has no page" for nb in orphans(book)]
        for problem in problems:
            print(f"out of sync: {problem}", file=sys.stderr)
        if problems:
            print("run: course-pair (or make pair-notebooks)", file=sys.stderr)
        return 1 if problems else 0
    for md in pages:
        ipynb = md.with_suffix(".ipynb")
        if write_notebook(paired_notebook(md, root=root, setup=setup), ipynb):
            print(f"wrote {ipynb.relative_to(root)}")
    for nb in orphans(book):
        nb.unlink()
        print(f"removed {nb.relative_to(root)} (its page is gone)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
