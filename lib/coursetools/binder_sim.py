"""Do what Binder does with the site's launch links, as far as it can be done offline.

Binder launches the public repository named in `_config.yml`, whose content is the published
tree (`make publish` writes it to `_build/publish`, `--repo`). Run this with the Python
of a fresh virtual environment made from that tree's `requirements.txt` alone, installed from
inside the tree (what repo2docker builds from the root `requirements.txt` and `runtime.txt`;
its `-e .` installs the tree's own `mlintro`, and this tooling with it); `make binder-sim` makes
one. It

1. reads every Binder launch link in the built HTML (`--html`, default `_build/html`) and the
   repository path it opens (`?urlpath=lab/tree/<path>`);
2. checks that the path is a notebook of the published tree;
3. executes each notebook with `nbclient` from its own folder in the tree (the working
   directory Binder's JupyterLab gives it), with the `python3` kernel of this environment.

Lesson notebooks must run without any error. Student exercise notebooks (those that load an
otter-grader `grader`) have blanks (`...`) for the student to fill in: a cell may fail only if
it contains such a blank, or if its error comes from an unfilled blank downstream (an
`ellipsis` or `None` value where a student's answer should be). Any other error, such as a
missing package, fails the check.

    course-binder-sim [--html _build/html] [--repo _build/publish] [--jobs 2]
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import multiprocessing
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from coursetools.launch import add_site_arguments, launched_notebooks
from coursetools.project import ROOT

__all__ = ["Result", "main", "run_notebook"]

PLACEHOLDER = re.compile(r"(?<![\w.])\.\.\.(?![\w.])")
# errors an unfilled blank causes further down (the blank's value is Ellipsis, or a function
# whose body is `...` returned None)
BLANK_CONSEQUENCE = re.compile(r"'?(ellipsis|NoneType)'?")


@dataclass
class Result:
    """How one notebook ran."""

    path: str
    student: bool
    cells: int
    seconds: float
    allowed: list[str]
    errors: list[str]


def _error_of(cell: nbformat.NotebookNode) -> str | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {out.get('evalue')}"
    return None


def run_notebook(path: str, repo: Path = ROOT) -> Result:
    """Execute one notebook of the tree `repo` from its folder and judge its errors."""
    nb_path = repo / path
    nb = nbformat.read(nb_path, as_version=4)
    student = any("otter" in c.source and "grader" in c.source for c in nb.cells)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=600,
        startup_timeout=120,
        kernel_name="python3",
        allow_errors=student,
        resources={"metadata": {"path": str(nb_path.parent)}},
    )
    errors: list[str] = []
    allowed: list[str] = []
    try:
        client.execute()
    except Exception as exc:  # a lesson cell raised: nbclient stops there
        errors.append(f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:300]}")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or (error := _error_of(cell)) is None:
            continue
        where = f"cell {i}: {error[:200]}"
        if student and (PLACEHOLDER.search(cell.source) or BLANK_CONSEQUENCE.search(error)):
            allowed.append(where)
        elif where not in errors and not any(error[:100] in e for e in errors):
            errors.append(where)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    return Result(path, student, n_code, time.perf_counter() - start, allowed, errors)


def main(argv: list[str] | None = None) -> int:
    """Run every notebook the site's Binder links open (``argv``: the options); 1 on a failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_site_arguments(parser)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]} at {sys.prefix}")
    repo = args.repo.resolve()
    runtime = (repo / "runtime.txt").read_text(encoding="utf-8").strip()  # e.g. python-3.11
    wanted = runtime.removeprefix("python-")
    if not f"{sys.version_info.major}.{sys.version_info.minor}".startswith(wanted):
        print(f"FAIL this is Python {sys.version.split()[0]}; Binder would use {runtime}")
        return 1
    # Binder must give students the course package and jupytext (to open the .md sources)
    for module in ("mlintro", "jupytext"):
        if importlib.util.find_spec(module) is None:
            print(f"FAIL requirements.txt does not install {module}")
            return 1
    spec = importlib.util.find_spec("mlintro")
    origin = Path(spec.origin if spec and spec.origin else "").resolve()
    if not origin.is_relative_to(repo):
        print(f"FAIL mlintro is imported from {origin}, not from the launched tree {repo}")
        return 1
    paths, problems = launched_notebooks(args.html, repo, "binder")
    for problem in problems:
        print(f"FAIL {problem}")
    # "spawn", not fork: forked workers share the parent's random state and pick the same
    # kernel ports, so two kernels collide and a client waits forever.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, args.jobs), mp_context=context) as pool:
        results = list(pool.map(functools.partial(run_notebook, repo=repo), paths))
    failed = bool(problems)
    for r in results:
        kind = "student" if r.student else "lesson"
        status = "FAIL" if r.errors else "ok"
        print(
            f"{status:4} {r.path} ({kind}, {r.cells} code cells, {r.seconds:.1f} s, "
            f"{len(r.allowed)} blank cells failed as expected)"
        )
        for e in r.errors:
            print(f"     error  {e}")
        for a in r.allowed:
            print(f"     blank  {a}")
        if r.student and not r.allowed:
            print("     (no blank failed: are the placeholders still in the student notebook?)")
        failed |= bool(r.errors)
    verdict = "FAILED" if failed else "all ok"
    print(f"{len(results)} notebooks executed from their launch paths; {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
