"""Do what Colab does with the site's Colab links, as far as it can be done offline.

A Colab link opens `<path>` of the public repository (`/github/<owner>/<repo>/blob/<branch>/
<path>`) in a fresh Colab runtime: a Python with Colab's Jupyter kernel and no course code,
the working folder `/content`, no checkout of the repository. The notebook's first cell
(`coursetools.colab.setup_cell`) then installs `mlintro` from the public repository with pip
(`mlintro @ git+<url>@<branch>`) and the pinned versions of its dependencies. This tool

1. reads every Colab link of the built HTML (`--html`) and checks that it opens a notebook of
   the published tree (`--repo`, the public repository's content: `make publish`);
2. makes a git repository of that tree and points the public repository's URL at it (git's
   `url.<base>.insteadOf` in a private git configuration), because GitHub is not reachable
   here: pip clones "the public repository" and builds `mlintro` from it, as on Colab;
3. makes a fresh virtual environment holding only a Jupyter kernel (`ipykernel`, pinned in
   `requirements.txt`) and registers it as a kernel;
4. runs each notebook with nbclient in that kernel, from an empty `content/` folder outside
   any checkout, with a minimal environment, stand-ins for Colab's `google.colab` package
   (so the set-up cell runs, as on Colab) and a last cell that reports where `mlintro` was imported
   from and the versions installed: `mlintro` must come from the environment (not from a
   checkout) and every pinned package must be at `requirements.txt`'s version.

What it cannot do: run Colab's own image (Python 3.12 and Colab's preinstalled packages at
the time of writing; this uses the Python it is given, `runtime.txt`'s 3.11 by default),
reach GitHub, or show the notebook in Colab's interface.

    course-colab-sim [--html _build/html] [--repo _build/publish] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from coursetools import colab
from coursetools.launch import add_site_arguments, launched_notebooks
from coursetools.project import repository

__all__ = [
    "Result",
    "fresh_runtime",
    "judge",
    "kernel_environment",
    "main",
    "run_notebook",
    "serve_public_repository",
]

# On Colab the kernel has imported the package google.colab (the set-up cell tests for it, and
# jax imports google.colab.output when it is there): stand-ins with nothing in them.
PRETEND_COLAB = """\
import sys, types
for name in ("google", "google.colab", "google.colab.output"):
    sys.modules.setdefault(name, types.ModuleType(name))
sys.modules["google"].colab = sys.modules["google.colab"]
sys.modules["google.colab"].output = sys.modules["google.colab.output"]"""
REPORT = """\
import importlib.metadata, json, mlintro
print("COLAB-SIM " + json.dumps({
    "mlintro": mlintro.__file__,
    "versions": {name: importlib.metadata.version(name) for name in %s},
}))"""
# passed on to the kernel (pip must reach the package index the way this machine does)
PASS_ENV_PREFIXES = (
    "PIP_",
    "SSL_CERT_",
    "REQUESTS_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "LANG",
    "LC_",
)


def _run(*command: str | Path, **kwargs: object) -> None:
    subprocess.run([str(c) for c in command], check=True, **kwargs)  # type: ignore[call-overload]


def serve_public_repository(tree: Path, work: Path, url: str, branch: str) -> Path:
    """Make a git repository of `tree` on `branch` and a git configuration fetching `url` there.

    Returns the configuration file (for `GIT_CONFIG_GLOBAL`).
    """
    repo = work / "public-repository"
    shutil.copytree(tree, repo)
    git = ["git", "-c", "user.name=colab-sim", "-c", "user.email=colab-sim@invalid"]
    _run(*git, "init", "--quiet", "--initial-branch", branch, cwd=repo)
    _run(*git, "add", "--all", cwd=repo)
    _run(*git, "commit", "--quiet", "-m", "the published tree", cwd=repo)
    config = work / "gitconfig"
    config.write_text(f'[url "{repo.as_uri()}"]\n\tinsteadOf = {url}\n', encoding="utf-8")
    return config


def fresh_runtime(work: Path, python: str, tree: Path) -> Path:
    """Make a virtual environment with only a Jupyter kernel, registered as kernel `colab-sim`.

    The kernel is ``ipykernel`` at the version the simulated tree's requirements.txt pins.
    """
    venv = work / "runtime"
    _run(python, "-m", "venv", venv)
    ipykernel = f"ipykernel=={colab.requirement_pins(tree)['ipykernel']}"
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", ipykernel)
    spec = work / "jupyter" / "kernels" / "colab-sim"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(venv / "bin" / "python"),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "Colab simulation",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return venv


def kernel_environment(venv: Path, gitconfig: Path) -> dict[str, str]:
    """Return a minimal environment: the runtime's PATH, HOME (pip's cache), git redirected."""
    env = {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "GIT_CONFIG_NOSYSTEM": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        # matplotlib's font cache of its own, not the developer's ~/.cache/matplotlib
        "MPLCONFIGDIR": str(venv / "mplconfig"),
    }
    env.update({k: v for k, v in os.environ.items() if k.startswith(PASS_ENV_PREFIXES)})
    return env


@dataclass
class Result:
    """How one launched notebook ran."""

    path: str
    seconds: float
    errors: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


def run_notebook(
    path: str, tree: Path, work: Path, env: dict[str, str], names: list[str]
) -> Result:
    """Run one notebook as Colab opens it: from an empty folder, set-up cell first.

    ``names`` are the distributions whose installed versions the last cell reports.
    """
    nb = nbformat.read(tree / path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PRETEND_COLAB))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT % json.dumps(names)))
    content = work / "content" / Path(path).stem  # like /content: empty, outside any checkout
    content.mkdir(parents=True)
    client = NotebookClient(
        nb,
        timeout=900,  # the set-up cell downloads and installs jax, scipy, ...
        startup_timeout=120,
        kernel_name="colab-sim",
        resources={"metadata": {"path": str(content)}},
    )
    start = time.perf_counter()
    result = Result(path, 0.0)
    try:
        client.execute(env=env)
    except Exception as exc:  # a cell raised: nbclient stops there
        result.errors.append(f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:300]}")
    result.seconds = time.perf_counter() - start
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "")
            if out.get("output_type") == "stream" and text.startswith("COLAB-SIM "):
                result.report = json.loads(text.removeprefix("COLAB-SIM "))
    return result


def judge(result: Result, venv: Path, pins: dict[str, str]) -> list[str]:
    """Return what is wrong with a run besides cell errors: where mlintro came from, versions."""
    if not result.report:
        return ["the notebook did not reach its last cell"]
    problems = []
    origin = Path(result.report["mlintro"]).resolve()
    if not origin.is_relative_to(venv.resolve()):
        problems.append(f"mlintro was imported from {origin}, not installed by the set-up cell")
    for name, version in pins.items():
        got = result.report["versions"].get(name)
        if got != version:
            problems.append(f"{name} {got} installed, requirements.txt pins {version}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run every notebook the site's Colab links open (``argv``: the options); 1 on a failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    add_site_arguments(parser)
    parser.add_argument(
        "--python",
        default=sys.executable.replace(sys.prefix, sys.base_prefix),
        help="the Python of the simulated runtime (default: this one's base)",
    )
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    args = parser.parse_args(argv)
    url, branch = repository(args.repo)
    paths, problems = launched_notebooks(args.html, args.repo, "colab")
    for problem in problems:
        print(f"FAIL {problem}")
    if not paths:
        return 1
    failed = bool(problems)
    work = args.keep or Path(tempfile.mkdtemp(prefix="colab-sim-"))
    if args.keep:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    try:
        gitconfig = serve_public_repository(args.repo, work, url, branch)
        venv = fresh_runtime(work, args.python, args.repo)
        os.environ["JUPYTER_PATH"] = str(work / "jupyter")
        env = kernel_environment(venv, gitconfig)
        pins = colab.pins(args.repo)  # what the published notebooks' set-up cells pin
        print(f"runtime: {venv} ({args.python}), {url} served from {args.repo}")
        # one after the other, in one runtime: the first notebook's set-up cell installs
        # everything, the others find it installed (a Colab session that opens a second page)
        for path in sorted(paths):
            result = run_notebook(path, args.repo, work, env, list(pins))
            problems = result.errors + (judge(result, venv, pins) if not result.errors else [])
            status = "FAIL" if problems else "ok"
            print(f"{status:4} {path} ({result.seconds:.1f} s, Colab link on {paths[path]})")
            for problem in problems:
                print(f"     {problem}")
            failed |= bool(problems)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    verdict = "FAILED" if failed else "all ok"
    print(f"{len(paths)} notebooks run from their Colab links; {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
