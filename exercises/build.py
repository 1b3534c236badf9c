"""Build the exercises: student notebooks and autograder zips from the MyST masters.

For every master ``exercises/<name>/<name>.md`` this script

1. converts the master to ``_build/exercises/<name>/src/<name>.ipynb`` with jupytext,
   next to a copy of the shared package (``mlintro/``, shipped inside the autograder zip)
   and ``requirements-autograder.txt`` (the pinned third-party packages ``mlintro``
   needs, taken from ``requirements.txt``);
2. runs ``otter assign``, which writes the student and autograder versions and runs
   the reference solution against every public and hidden test (it fails otherwise);
3. copies the results to stable paths: ``exercises/student/<name>.ipynb`` (the page in
   the book, without solutions or hidden tests) and
   ``_build/exercises/<name>-autograder.zip`` (for ``otter run`` and Gradescope).

The student notebooks are committed, like the paired lesson notebooks in ``book/``:
Binder and Colab open notebooks from the repository. ``tests/test_exercises.py`` checks
that a rebuild reproduces them. Everything else written here is build output, git-ignored.

Usage: ``python exercises/build.py [--no-run-tests] [NAME ...]`` (all masters by default;
``--no-run-tests`` skips step 2's check, e.g. for a Binder ``postBuild``).
"""

import argparse
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
BUILD = ROOT / "_build" / "exercises"
STUDENT = EXERCISES / "student"
# what `mlintro` imports, as pinned in requirements.txt (ipywidgets for the plots' widgets)
PUBLIC_LABEL = "(public checks only)"
OTTER_REQUIREMENT = "otter-grader==7.0.0"  # as pinned in requirements.txt
AUTOGRADER_PACKAGES = ("numpy", "scipy", "jax", "jaxlib", "optax", "matplotlib", "ipywidgets")


def masters() -> dict[str, Path]:
    """Return the master of every exercise, by name."""
    found = {}
    for md in sorted(EXERCISES.glob("*/*.md")):
        if md.stem == md.parent.name:
            found[md.stem] = md
    return found


def autograder_requirements() -> str:
    """Return the lines of requirements.txt that pin the packages mlintro imports."""
    pattern = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)(\[[^\]]*\])?==")
    lines = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = pattern.match(line.strip())
        if match and match["name"].lower() in AUTOGRADER_PACKAGES:
            lines.append(line.strip())
    missing = set(AUTOGRADER_PACKAGES) - {re.split(r"[\[=]", line)[0] for line in lines}
    if missing:
        raise SystemExit(f"requirements.txt does not pin {sorted(missing)}")
    return "\n".join(lines) + "\n"


def label_public_checks(notebook: dict) -> dict:
    """Name the student's test files "q1 (public checks only)" etc.

    ``grader.check("q1")`` then prints "q1 (public checks only) results: All test cases
    passed!" instead of claiming that all of q1's tests passed: the student notebook holds
    only the public tests. Grading uses the autograder zip's own test files.
    """
    tests = notebook["metadata"]["otter"]["tests"]
    for question, source in tests.items():
        if "hidden=True" in source:
            raise SystemExit(f"a hidden test of {question} reached the student notebook")
        labelled = source.replace(f'name = "{question}"', f'name = "{question} {PUBLIC_LABEL}"')
        if labelled == source:
            raise SystemExit(f"cannot find the name of {question} in its tests")
        tests[question] = labelled
    return notebook


def _pairing_script():
    """Load scripts/pair_notebooks.py, which makes the Colab set-up cell of launched notebooks."""
    spec = importlib.util.spec_from_file_location(
        "pair_notebooks", ROOT / "scripts" / "pair_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare_for_launch(name: str, notebook: dict) -> dict:
    """Make the student notebook ready to be committed and opened in Binder or Colab.

    The title comes first (otter puts its set-up cell above it), a first cell installs
    ``mlintro`` and otter on Colab only, and cell ids are stable so that a rebuild of an
    unchanged master gives the same file (the tests compare it with the committed one).
    """
    cells = notebook["cells"]
    if cells[0]["cell_type"] == "code" and cells[1]["cell_type"] == "markdown":
        cells[0], cells[1] = cells[1], cells[0]
    setup = dict(_pairing_script().colab_setup_cell(OTTER_REQUIREMENT))
    setup["source"] = setup["source"].splitlines(keepends=True)
    cells.insert(0, setup)
    for i, cell in enumerate(cells):
        cell["id"] = f"{name}-{i:03d}"
    return notebook


def build(name: str, master: Path, *, run_tests: bool = True) -> None:
    """Convert, assign and publish one exercise."""
    work = BUILD / name
    src, dist = work / "src", work / "dist"
    shutil.rmtree(work, ignore_errors=True)
    src.mkdir(parents=True)
    notebook = src / f"{name}.ipynb"
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "jupytext", "--quiet", "--to", "ipynb", "--output", notebook, master],
        check=True,
    )
    shutil.copytree(
        ROOT / "lib" / "mlintro",
        src / "mlintro",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    (src / "requirements-autograder.txt").write_text(autograder_requirements())
    command = [bin_dir / "otter", "assign", notebook, dist]
    if run_tests:
        print(f"otter assign {name}: running the solutions against all tests ...", flush=True)
    else:
        command.append("--no-run-tests")
    subprocess.run(command, check=True, cwd=src)
    zips = sorted((dist / "autograder").glob(f"{name}-autograder_*.zip"))
    if len(zips) != 1:
        raise SystemExit(f"expected one autograder zip in {dist / 'autograder'}, found {zips}")
    shutil.copyfile(zips[0], BUILD / f"{name}-autograder.zip")
    STUDENT.mkdir(exist_ok=True)
    student = label_public_checks(json.loads((dist / "student" / f"{name}.ipynb").read_text()))
    student = prepare_for_launch(name, student)
    text = json.dumps(student, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (STUDENT / f"{name}.ipynb").write_text(text)
    print(f"built {STUDENT / f'{name}.ipynb'} and {BUILD / f'{name}-autograder.zip'}")


def main(argv: list[str] | None = None) -> None:
    """Build the exercises named on the command line, or all of them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="exercises to build (default: all)")
    parser.add_argument(
        "--no-run-tests",
        action="store_true",
        help="skip checking the solutions against the tests (quicker, e.g. in a Binder postBuild)",
    )
    args = parser.parse_args(argv)
    available = masters()
    unknown = set(args.names) - set(available)
    if unknown:
        parser.error(f"no master for {sorted(unknown)}; available: {sorted(available)}")
    BUILD.mkdir(parents=True, exist_ok=True)
    for name in args.names or available:
        build(name, available[name], run_tests=not args.no_run_tests)


if __name__ == "__main__":
    main()
