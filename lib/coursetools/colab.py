"""The first cell of a launched notebook: on Colab only, it installs the course package.

Binder, a JupyterHub and a local set-up install the course from ``requirements.txt``; Colab
opens a notebook in its own runtime, so the notebook itself has to install ``mlintro`` (from
the public repository named in ``_config.yml``) and pin what it imports to the versions the
book is tested with. Jupytext cannot add such a cell (it only converts the page's own cells),
which is why the pairing (`coursetools.pairing`) and the exercise build insert this one.

What the cell pins, each at ``requirements.txt``'s version: mlintro's own dependencies
(``pyproject.toml``), jaxlib (the compiled half of jax, whose version must match jax's), the
distributions of the modules the lesson pages import themselves (myst_nb for ``glue``), and
the pinned packages these require. Colab's own Jupyter kernel is left as it is.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import nbformat
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from coursetools.notebooks import notebook_pages, read_page
from coursetools.project import ROOT, repository

__all__ = ["SETUP_TAG", "lesson_imports", "pins", "requirement_pins", "setup_cell"]

SETUP_TAG = "colab-setup"
# installed with jax but not named by its metadata as a requirement of mlintro
EXTRA_PINNED = ("jaxlib",)
KERNEL = ("ipykernel",)  # Colab's own, pinned in requirements.txt for Binder
PROVIDED_MODULES = ("IPython",)  # comes with Colab's kernel

_SETUP = """\
# Colab only: install the course package `mlintro`{extra_note} and the versions of its
# dependencies the book is tested with (requirements.txt). Binder, a JupyterHub and a local
# set-up install them from requirements.txt; elsewhere this cell does nothing.
import subprocess
import sys

if "google.colab" in sys.modules:
    PINNED = {pinned}
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", {requirements}]
        + [f"{{name}}=={{version}}" for name, version in PINNED.items()],
        check=True,
    )
    # a module imported before this cell keeps its old version until the session restarts
    stale = [
        name
        for name, version in PINNED.items()
        if getattr(sys.modules.get(name), "__version__", version) != version
    ]
    if stale:
        raise RuntimeError(
            f"Restart the session (Runtime menu), then run all cells: {{stale}} were "
            "imported before this cell installed the versions the book is tested with."
        )"""


def requirement_pins(root: Path = ROOT) -> dict[str, str]:
    """Return the exact versions ``requirements.txt`` pins.

    Parameters
    ----------
    root : Path
        The project root.

    Returns
    -------
    dict of str to str
        Distribution name (normalized, as `packaging.utils.canonicalize_name` writes it)
        -> version, for every ``name==version`` line.

    Examples
    --------
    >>> "numpy" in requirement_pins()
    True
    """
    found: dict[str, str] = {}
    text = (root / "requirements.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;#]+)\s*(#.*)?", line.strip())
        if match:
            found[canonicalize_name(match[1])] = match[3]
    return found


def lesson_imports(book: Path) -> set[str]:
    """Return the top-level modules the lesson pages import (``import x``, ``from x import y``).

    Parameters
    ----------
    book : Path
        The folder of the lesson pages.

    Returns
    -------
    set of str
        Module names; lines of IPython magics and shell commands are left out.

    Examples
    --------
    >>> "mlintro" in lesson_imports(ROOT / "book")
    True
    """
    modules: set[str] = set()
    for md in notebook_pages(book):
        for cell in read_page(md).cells:
            if cell.cell_type != "code":
                continue
            code = "\n".join(line for line in cell.source.splitlines() if line[:1] not in "%!")
            try:
                tree = ast.parse(code)
            except SyntaxError:
                continue  # not Python (a page's other kernel magics); the build runs it anyway
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return modules


def _required_pinned(name: str, pinned: dict[str, str]) -> set[str]:
    """Return the pinned distributions that ``name`` requires (installed metadata, recursively)."""
    found: set[str] = set()
    todo = [name]
    while todo:
        try:
            requires = metadata.requires(todo.pop()) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            dist = canonicalize_name(requirement.name)
            if dist in pinned and dist not in found and dist not in KERNEL:
                found.add(dist)
                todo.append(dist)
    return found


def pins(root: Path = ROOT) -> dict[str, str]:
    """Return what the set-up cell pins, at ``requirements.txt``'s versions.

    Parameters
    ----------
    root : Path
        The project root (``requirements.txt``, ``pyproject.toml`` and the pages in ``book/``).

    Returns
    -------
    dict of str to str
        Distribution name -> version, mlintro's dependencies first.

    Raises
    ------
    SystemExit
        If a lesson imports a module that is neither standard library, ``mlintro``, Colab's own,
        nor pinned in ``requirements.txt`` (Colab would not have it), or if a distribution
        the cell needs has no exact version there.

    Examples
    --------
    >>> pinned = pins()
    >>> {"numpy", "jax", "jaxlib"} <= set(pinned), "ipykernel" in pinned
    (True, False)
    """
    pinned = requirement_pins(root)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted: list[str] = [canonicalize_name(Requirement(r).name) for r in project["dependencies"]]
    wanted += list(EXTRA_PINNED)
    distributions = metadata.packages_distributions()
    unpinned = []
    for module in sorted(lesson_imports(root / "book")):
        if module in sys.stdlib_module_names or module in ("mlintro", *PROVIDED_MODULES):
            continue
        dists = [canonicalize_name(d) for d in distributions.get(module, [])]
        ours = [d for d in dists if d in pinned]
        if not ours:
            unpinned.append(module)
        wanted += [d for d in ours if d not in wanted]
    if unpinned:
        raise SystemExit(f"the lessons import {unpinned}, which requirements.txt does not pin")
    for name in list(wanted):
        wanted += sorted(d for d in _required_pinned(name, pinned) if d not in wanted)
    missing = [name for name in wanted if name not in pinned]
    if missing:
        raise SystemExit(f"requirements.txt pins no exact version of {missing} (Colab needs one)")
    return {name: pinned[name] for name in wanted}


def setup_cell(*extra_requirements: str, root: Path = ROOT) -> nbformat.NotebookNode:
    """Return the Colab set-up cell: on Colab only, pip-install ``mlintro`` (and extras).

    Parameters
    ----------
    *extra_requirements : str
        Further requirements to install with ``mlintro`` (e.g. ``otter-grader==7.0.0``).
    root : Path
        The project root (see `pins`; the repository comes from its ``_config.yml``).

    Returns
    -------
    nbformat.NotebookNode
        A code cell tagged `SETUP_TAG` and ``remove-cell`` (the book does not show it).

    Examples
    --------
    >>> cell = setup_cell("otter-grader==7.0.0")
    >>> cell.metadata["tags"]
    ['colab-setup', 'remove-cell']
    >>> print(cell.source.splitlines()[0])
    # Colab only: install the course package `mlintro` (and otter-grader==7.0.0) and ...
    """
    url, branch = repository(root)
    requirements = [f"mlintro @ git+{url}@{branch}", *extra_requirements]
    extra_note = f" (and {', '.join(extra_requirements)})" if extra_requirements else ""
    pinned = "{" + ", ".join(f'"{n}": "{v}"' for n, v in pins(root).items()) + "}"
    source = _SETUP.format(
        requirements=", ".join(f'"{r}"' for r in requirements),
        extra_note=extra_note,
        pinned=pinned,
    )
    return nbformat.v4.new_code_cell(source, metadata={"tags": [SETUP_TAG, "remove-cell"]})
