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
import ast
import json
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import jupytext
import nbformat
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SETUP_TAG = "colab-setup"

# What the Colab set-up cell pins, each at requirements.txt's version (the versions the pages'
# hidden asserts run on): mlintro's own dependencies (pyproject.toml), jaxlib (the compiled
# half of jax, whose version must match jax's), the packages the lesson pages import themselves
# (myst_nb for `glue`), and the packages pinned in requirements.txt that these require.
# Colab's own Jupyter kernel is left as it is; IPython comes with it.
COLAB_EXTRA_PINNED = ("jaxlib",)
COLAB_KERNEL = ("ipykernel",)
COLAB_PROVIDED_MODULES = ("IPython",)

COLAB_SETUP = """\
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


def repository() -> tuple[str, str]:
    """Return the repository url and branch named once in `_config.yml`."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return str(repo["url"]).rstrip("/"), str(repo.get("branch", "main"))


def _requirement_name(requirement: str) -> str:
    """The distribution name of a requirement such as `jax[cpu]>=0.4` (lower case)."""
    return re.split(r"[\[<>=!~; ]", requirement.strip(), maxsplit=1)[0].lower()


def requirement_pins(root: Path | None = None) -> dict[str, str]:
    """Distribution name (lower case) -> version, for every `name==version` of requirements.txt."""
    pins: dict[str, str] = {}
    text = ((root or ROOT) / "requirements.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s;#]+)\s*(#.*)?", line.strip())
        if match:
            pins[match[1].lower()] = match[3]
    return pins


def lesson_imports(book: Path | None = None) -> set[str]:
    """Top-level modules the lesson pages import (`import x`, `from x import y`)."""
    modules: set[str] = set()
    for md in lesson_pages(book):
        for cell in jupytext.read(md, fmt="md:myst").cells:
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


def _required_pinned(name: str, pins: dict[str, str]) -> set[str]:
    """The pinned distributions that `name` requires (installed metadata, recursively)."""
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
            dist = requirement.name.lower()
            if dist in pins and dist not in found and dist not in COLAB_KERNEL:
                found.add(dist)
                todo.append(dist)
    return found


def colab_pins(root: Path | None = None, book: Path | None = None) -> dict[str, str]:
    """Name -> version, from `requirements.txt`, of what the Colab set-up cell pins.

    See `COLAB_EXTRA_PINNED`: mlintro's dependencies, jaxlib, the distributions of the modules
    the lessons import, and what those require among the pinned packages, except Colab's
    kernel. A lesson import that is neither standard library, `mlintro`, Colab's own, nor
    pinned in `requirements.txt` stops with a message (Colab would not have it).
    """
    root = root or ROOT
    pins = requirement_pins(root)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [_requirement_name(r) for r in project["dependencies"]] + list(COLAB_EXTRA_PINNED)
    distributions = metadata.packages_distributions()
    unpinned = []
    for module in sorted(lesson_imports(book or root / "book")):
        if module in sys.stdlib_module_names or module in ("mlintro", *COLAB_PROVIDED_MODULES):
            continue
        dists = [d.lower() for d in distributions.get(module, [])]
        pinned = [d for d in dists if d in pins]
        if not pinned:
            unpinned.append(module)
        wanted += [d for d in pinned if d not in wanted]
    if unpinned:
        raise SystemExit(f"the lessons import {unpinned}, which requirements.txt does not pin")
    for name in list(wanted):
        wanted += sorted(d for d in _required_pinned(name, pins) if d not in wanted)
    missing = [name for name in wanted if name not in pins]
    if missing:
        raise SystemExit(f"requirements.txt pins no exact version of {missing} (Colab needs one)")
    return {name: pins[name] for name in wanted}


def colab_setup_cell(*extra_requirements: str) -> nbformat.NotebookNode:
    """The first cell of a launched notebook: on Colab only, pip-install `mlintro` (and extras).

    `mlintro` comes from the public repository named in `_config.yml`; its dependencies are
    pinned to `requirements.txt`'s versions (`colab_pins`).
    """
    url, branch = repository()
    requirements = [f"mlintro @ git+{url}@{branch}", *extra_requirements]
    extra_note = f" (and {', '.join(extra_requirements)})" if extra_requirements else ""
    pinned = "{" + ", ".join(f'"{n}": "{v}"' for n, v in colab_pins().items()) + "}"
    source = COLAB_SETUP.format(
        requirements=", ".join(f'"{r}"' for r in requirements),
        extra_note=extra_note,
        pinned=pinned,
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
