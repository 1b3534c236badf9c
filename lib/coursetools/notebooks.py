"""Notebooks on disk: MyST Markdown pages read as notebooks, stable cell ids, ``.ipynb`` text.

The launched notebooks (``book/*.ipynb``, ``exercises/student/*.ipynb``) are committed, so a
rebuild of an unchanged source must give the same bytes: cells are numbered from their source's
name instead of jupytext's or otter's random ids, and the file is written with sorted keys and
Jupyter's one-space indent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import yaml

__all__ = [
    "clear_outputs",
    "is_notebook",
    "notebook_pages",
    "notebook_text",
    "number_cells",
    "read_page",
    "source_lines",
    "write_notebook",
]


def is_notebook(source: Path) -> bool:
    r"""Whether a page's source is a notebook: an ``.ipynb``, or Markdown with a kernelspec.

    Parameters
    ----------
    source : Path
        A ``.ipynb``, ``.md`` or other page source.

    Returns
    -------
    bool
        True for an ``.ipynb`` and for Markdown whose YAML front matter has a ``kernelspec``.

    Examples
    --------
    >>> import tempfile
    >>> page = Path(tempfile.mkdtemp()) / "page.md"
    >>> _ = page.write_text("---\nkernelspec: {name: python3}\n---\n# Title\n")
    >>> is_notebook(page), is_notebook(page.with_suffix(".ipynb"))
    (True, True)
    >>> _ = page.write_text("# Title, no front matter\n")
    >>> is_notebook(page)
    False
    """
    if source.suffix == ".ipynb":
        return True
    text = source.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    header = yaml.safe_load(text.split("---", 2)[1]) or {}
    return isinstance(header, dict) and "kernelspec" in header


def notebook_pages(folder: Path) -> list[Path]:
    """Return the MyST Markdown notebook pages of a folder (not its subfolders), sorted.

    Parameters
    ----------
    folder : Path
        A folder of pages, e.g. ``book/``.

    Returns
    -------
    list of Path
        Its ``.md`` files with a kernelspec (`is_notebook`); prose pages are left out.

    Examples
    --------
    >>> from coursetools.project import ROOT
    >>> [md.name for md in notebook_pages(ROOT / "book")][:1]
    ['extrapolation.md']
    """
    return sorted(md for md in folder.glob("*.md") if is_notebook(md))


def read_page(md: Path) -> nbformat.NotebookNode:
    """Read a MyST Markdown notebook page as a notebook (jupytext's ``md:myst`` format).

    Parameters
    ----------
    md : Path
        The page.

    Returns
    -------
    nbformat.NotebookNode
        Its cells and metadata, without outputs; jupytext's own metadata is left out, since it
        describes the Markdown file, not the notebook.
    """
    nb = jupytext.read(md, fmt="md:myst")
    nb.metadata.pop("jupytext", None)
    return nb


def number_cells(notebook: MutableMapping[str, Any], name: str) -> None:
    """Give the cells of a notebook the ids ``<name>-000``, ``<name>-001``, ... in place.

    Parameters
    ----------
    notebook : MutableMapping
        A notebook (an ``nbformat.NotebookNode`` or the dict of its JSON).
    name : str
        The prefix, usually the source's stem; nbformat allows letters, digits, ``-`` and ``_``.

    Examples
    --------
    >>> nb = {"cells": [{"id": "x1"}, {"id": "y2"}]}
    >>> number_cells(nb, "page")
    >>> [cell["id"] for cell in nb["cells"]]
    ['page-000', 'page-001']
    """
    for i, cell in enumerate(notebook["cells"]):
        cell["id"] = f"{name}-{i:03d}"


def clear_outputs(notebook: MutableMapping[str, Any]) -> None:
    """Remove the outputs and execution counts of the code cells of a notebook, in place.

    Parameters
    ----------
    notebook : MutableMapping
        A notebook (an ``nbformat.NotebookNode`` or the dict of its JSON).

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "outputs": [1], "execution_count": 3}]}
    >>> clear_outputs(nb)
    >>> nb["cells"][0]["outputs"], nb["cells"][0]["execution_count"]
    ([], None)
    """
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None


def source_lines(cell: Mapping[str, Any]) -> dict[str, Any]:
    r"""Return a copy of a cell with its source as a list of lines, as Jupyter stores it.

    A notebook read with ``json.load`` (e.g. otter's output) has its sources as lists of lines;
    a cell made with nbformat has one string. Mixing both in one file would be valid but untidy.

    Parameters
    ----------
    cell : Mapping
        A cell.

    Returns
    -------
    dict
        The same cell, its ``source`` split after each newline.

    Examples
    --------
    >>> source_lines({"source": "a = 1\nb = 2"})["source"]
    ['a = 1\n', 'b = 2']
    """
    source = cell["source"]
    lines = source.splitlines(keepends=True) if isinstance(source, str) else list(source)
    return {**cell, "source": lines}


def notebook_text(notebook: Mapping[str, Any]) -> str:
    """Serialise a notebook as committed: sorted keys, one-space indent, trailing newline.

    Parameters
    ----------
    notebook : Mapping
        A notebook (an ``nbformat.NotebookNode`` or the dict of its JSON).

    Returns
    -------
    str
        The file's text; the same notebook always gives the same text.

    Examples
    --------
    >>> print(notebook_text({"nbformat": 4, "cells": []}), end="")
    {
     "cells": [],
     "nbformat": 4
    }
    """
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write_notebook(notebook: Mapping[str, Any], path: Path) -> bool:
    """Write a notebook with `notebook_text`, unless the file already holds exactly that text.

    Parameters
    ----------
    notebook : Mapping
        A notebook (an ``nbformat.NotebookNode`` or the dict of its JSON).
    path : Path
        The ``.ipynb`` file.

    Returns
    -------
    bool
        Whether the file was written (it was missing or different).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "nb.ipynb"
    >>> write_notebook({"cells": []}, path), write_notebook({"cells": []}, path)
    (True, False)
    """
    text = notebook_text(notebook)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
