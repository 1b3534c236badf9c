"""Build the exercises: student notebooks and autograder zips from the MyST masters.

For every master ``exercises/<name>/<name>.md`` this script

1. converts the master to ``_build/exercises/<name>/src/<name>.ipynb`` with jupytext,
   next to a copy of the shared package (``mlintro/``, shipped inside the autograder zip)
   and ``requirements-autograder.txt`` (the pinned third-party packages ``mlintro``
   needs, taken from ``requirements.txt``);
2. runs ``otter assign``, which writes the student and autograder versions and runs
   the reference solution against the public checks (it fails otherwise);
3. adds the judge to the autograder zip (``judge.py``, ``collect.py`` and the otter plugin
   ``judge_plugin.py`` at its root, the plugin named in ``otter_config.json``), so that
   Gradescope grades with the same graded checks as ``make grade``;
4. checks that the judge gives the reference solution full marks and the blank student
   notebook zero (the solution's answers collected in a child process);
5. copies the results to stable paths: ``exercises/student/<name>.ipynb`` (the page in
   the book, without solutions or graded checks) and
   ``_build/exercises/<name>-autograder.zip`` (for Gradescope).

The student notebooks are committed, like the paired lesson notebooks in ``book/``:
Binder and Colab open notebooks from the repository. ``tests/exercises/test_exercises.py`` checks
that a rebuild reproduces them. Everything else written here is build output, git-ignored.

Usage: ``python -m exercises.build [--no-run-tests] [NAME ...]`` (all masters of
:func:`exercises.catalog.masters` by default; ``--no-run-tests`` skips the checks of steps 2
and 4).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

from coursetools.colab import setup_cell
from coursetools.notebooks import notebook_text, number_cells, source_lines

from exercises import judge
from exercises.catalog import BUILD, EXERCISES, ROOT, STUDENT, masters

PUBLIC_LABEL = "(public checks only)"
JAX_CACHE = BUILD / "jax-cache"  # compiled by the reference solutions, read by submissions
JUDGE_CACHE = BUILD / "jax-cache-judge"  # the judge's own, only for trusted processes
JUDGE_FILES = ("judge.py", "collect.py", "judge_plugin.py")  # the zip's root, not files/
OTTER_REQUIREMENT = "otter-grader==7.0.0"  # as pinned in requirements.txt
# what `mlintro` imports, as pinned in requirements.txt (ipywidgets for the plots' widgets)
AUTOGRADER_PACKAGES = ("numpy", "scipy", "jax", "jaxlib", "optax", "matplotlib", "ipywidgets")


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


def prepare_for_launch(name: str, notebook: dict) -> dict:
    """Make the student notebook ready to be committed and opened in Binder or Colab.

    The title comes first (otter puts its set-up cell above it), a first cell installs
    ``mlintro`` and otter on Colab only, and cell ids are stable so that a rebuild of an
    unchanged master gives the same file (the tests compare it with the committed one).
    """
    cells = notebook["cells"]
    if cells[0]["cell_type"] == "code" and cells[1]["cell_type"] == "markdown":
        cells[0], cells[1] = cells[1], cells[0]
    cells.insert(0, source_lines(setup_cell(OTTER_REQUIREMENT)))
    number_cells(notebook, name)
    return notebook


def question_points(zip_path: Path) -> dict[str, float]:
    """Return each question's points as otter reads them from an autograder zip's test files."""
    with warnings.catch_warnings():
        # otter imports ipylab, which uses a deprecated traitlets form
        warnings.simplefilter("ignore", DeprecationWarning)
        from otter.test_files.exception_test import ExceptionTestFile
    with zipfile.ZipFile(zip_path) as archive:
        tests = [
            ExceptionTestFile.from_string(archive.read(member).decode(), path=member)
            for member in archive.namelist()
            if re.fullmatch(r"tests/[^/]+\.py", member)
        ]
    return {test.name: float(test.possible) for test in tests}


def add_judge(zip_path: Path, name: str) -> None:
    """Put the judge and its otter plugin into the autograder zip and name the plugin."""
    points = question_points(zip_path)
    judged = {q: float(p) for q, p in judge.POINTS[name].items()}
    if points != judged:
        raise SystemExit(f"{name}: points in the master {points} differ from judge.py {judged}")
    with zipfile.ZipFile(zip_path) as archive:
        members = {m: archive.read(m) for m in archive.namelist()}
    config = json.loads(members["otter_config.json"])
    config["plugins"] = [{"judge_plugin.JudgePlugin": {"assignment": name}}]
    # the public tests ran in the student's kernel and decide nothing: no summary of them
    config["force_public_test_summary"] = False
    members["otter_config.json"] = json.dumps(config, indent=2).encode()
    for file in JUDGE_FILES:
        members[file] = (EXERCISES / file).read_bytes()
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in sorted(members.items()):
            archive.writestr(member, data)


def jax_cache_env(folder: Path) -> dict[str, str]:
    """Return the environment that makes JAX keep every compiled function in ``folder``."""
    return {
        "JAX_COMPILATION_CACHE_DIR": str(folder),
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
        "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
    }


def check_judge(name: str, solved: Path, blank: Path) -> None:
    """Fail unless the judge gives the solved notebook full marks and the blank one zero.

    The solved notebook's run also fills ``JAX_CACHE`` with the compiled training, fits and
    Hessians the notebooks use; ``make grade`` mounts it read-only into the sandbox, so a
    submission does not compile them again. Only this trusted run writes it.
    """
    judge.use_compilation_cache(JUDGE_CACHE)
    for notebook, full in [(solved, True), (blank, False)]:
        with tempfile.TemporaryDirectory() as tmp:
            answers = Path(tmp) / "answers.json"
            seed = 12345
            subprocess.run(
                [sys.executable, EXERCISES / "collect.py", notebook, name, str(seed), answers],
                check=True,
                cwd=tmp,
                capture_output=True,
                # the project's lib, as grade.py gives the sandbox: JAX's cache keys hold paths
                env={**os.environ, "PYTHONPATH": str(ROOT / "lib"), **jax_cache_env(JAX_CACHE)},
            )
            data, problem = judge.load_answers(answers)
            verdicts = judge.judge(name, seed, data)
        wrong = {
            q: v.message for q, v in verdicts.items() if v.passed != full or problem is not None
        }
        if wrong:
            kind = "the reference solution fails" if full else "the blank notebook scores on"
            raise SystemExit(f"{name}: {kind} {wrong}")
    print(f"{name}: the judge gives the solution full marks and the blank notebook zero")


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
    add_judge(zips[0], name)
    if run_tests:
        check_judge(name, dist / "autograder" / f"{name}.ipynb", dist / "student" / f"{name}.ipynb")
    shutil.copyfile(zips[0], BUILD / f"{name}-autograder.zip")
    STUDENT.mkdir(exist_ok=True)
    student = label_public_checks(json.loads((dist / "student" / f"{name}.ipynb").read_text()))
    student = prepare_for_launch(name, student)
    # written even when unchanged: make compares its time with the master's
    (STUDENT / f"{name}.ipynb").write_text(notebook_text(student), encoding="utf-8")
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
