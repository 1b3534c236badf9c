"""The autograded exercises: grading of prepared submissions, bad files, leaks, seeds.

One ``exercises/grade.py`` run (2 workers) grades every prepared submission of
``tests/submissions/make_submissions.py`` and the blank student notebooks; the tests
below read its gradebook. The exercises are built first if ``make exercises`` has
not run (``make unit`` depends on it).
"""

import csv
import hashlib
import importlib.util
import inspect
import itertools
import json
import math
import os
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import jax
import numpy as np
import pytest
from mlintro import analysis, data, least_squares, models, training

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build" / "exercises"
STUDENT = ROOT / "exercises" / "student"
NAMES = ("reinitialization", "nonuniqueness")
TIMEOUT = 45  # seconds per submission in the tests (the infinite loop waits this long)
WORKERS = ("--workers", "2", "--timeout", str(TIMEOUT))

_spec = importlib.util.spec_from_file_location(
    "make_submissions", ROOT / "tests" / "submissions" / "make_submissions.py"
)
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)


def _built() -> bool:
    return all(
        (BUILD / f"{n}-autograder.zip").is_file() and (STUDENT / f"{n}.ipynb").is_file()
        for n in NAMES
    )


@pytest.fixture(scope="session")
def built():
    """Make sure the student notebooks and autograder zips exist."""
    if not _built():
        subprocess.run([sys.executable, ROOT / "exercises" / "build.py"], check=True)
    assert _built()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _grade(submissions: Path, out: Path) -> list[dict[str, str]]:
    subprocess.run(
        [sys.executable, ROOT / "exercises" / "grade.py", submissions, out, *WORKERS],
        check=True,
        capture_output=True,
    )
    with open(out / "gradebook.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def graded(built, tmp_path_factory):
    """Grade all prepared submissions once; return folder, hashes before, and the rows."""
    folder = tmp_path_factory.mktemp("submissions")
    subs.write_all(folder)
    subs.write_blank(folder)
    before = {p.name: _sha(p) for p in folder.iterdir()}
    out = tmp_path_factory.mktemp("graded")
    rows = _grade(folder, out)
    return folder, before, out, {row["submission"]: row for row in rows}


def _max_points(name: str) -> dict[str, float]:
    points = {}
    with zipfile.ZipFile(BUILD / f"{name}-autograder.zip") as archive:
        for member in archive.namelist():
            if member.startswith("tests/") and member.endswith(".py"):
                source = archive.read(member).decode()
                points[Path(member).stem] = float(re.search(r"^points = (\S+)$", source, re.M)[1])
    return points


def test_one_row_per_file_and_originals_unchanged(graded):
    folder, before, out, rows = graded
    assert sorted(rows) == sorted(before)
    assert {p.name: _sha(p) for p in folder.iterdir()} == before
    with open(out / "gradebook.csv") as handle:
        header = handle.readline().strip().split(",")
    assert header[:5] == ["submission", "score", "max_score", "status", "message"]
    for name in NAMES:
        assert {f"{name}:{q}" for q in _max_points(name)} <= set(header)


@pytest.mark.parametrize("name", NAMES)
def test_reference_full_marks_and_blank_zero(graded, name):
    rows = graded[3]
    short = {"reinitialization": "reinit", "nonuniqueness": "nonu"}[name]
    total = sum(_max_points(name).values())
    reference, blank = rows[f"{short}-reference.ipynb"], rows[f"{name}-blank.ipynb"]
    assert (reference["status"], float(reference["score"])) == ("graded", total)
    assert float(reference["max_score"]) == total
    assert (blank["status"], float(blank["score"])) == ("graded", 0.0)
    results = json.loads((graded[2] / "results" / f"{short}-reference.json").read_text())
    assert {t["name"] for t in results["tests"]} >= set(_max_points(name))


@pytest.mark.parametrize("case", subs.all_cases())
def test_prepared_submission(graded, case):
    rows = graded[3]
    row = rows[f"{case}.ipynb"]
    status, lost = subs.expected(case)
    assert row["status"] == status, row
    assert row["message"] or status == "graded"
    if status != "graded":
        return
    name = subs.CASES[case][0]
    points = _max_points(name)
    for question, value in points.items():
        got = float(row[f"{name}:{question}"])
        assert got == (0.0 if question in lost else value), (question, row)
    assert float(row["score"]) == sum(points.values()) - sum(points[q] for q in lost)


def test_rerun_gives_the_same_rows(graded, tmp_path):
    folder, _, _, rows = graded
    chosen = ["nonu-hardcoded-count", "bad-empty-file", "bad-invalid-json"]
    for case in chosen:
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{case}.ipynb").write_bytes((folder / f"{case}.ipynb").read_bytes())
    again = _grade(tmp_path / "in", tmp_path / "out")
    first = [rows[f"{case}.ipynb"] for case in sorted(chosen)]
    # the single-assignment gradebook names its question columns q1, q2, ...
    assert [(r["submission"], r["score"], r["status"], r["message"]) for r in again] == [
        (r["submission"], r["score"], r["status"], r["message"]) for r in first
    ]
    assert _grade(tmp_path / "in", tmp_path / "out2") == again


def test_grade_reports_a_missing_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, ROOT / "exercises" / "grade.py", tmp_path / "nope", tmp_path / "out"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


# ---- no solution and no hidden test reaches the students ----------------------------


def _solution_lines(name: str) -> set[str]:
    """Distinctive lines that only the solution blocks and hidden tests of a master contain."""
    master = (ROOT / "exercises" / name / f"{name}.md").read_text()
    secret, public = set(), set()
    in_solution = in_hidden = False
    previous = ""
    for line in master.splitlines():
        text = line.strip()
        if text.startswith("# BEGIN SOLUTION") and previous != "```{raw-cell}":
            in_solution = True
        elif text == "# END SOLUTION" and previous != "```{raw-cell}":
            in_solution = False
        elif text == "# HIDDEN":
            in_hidden = True
        elif text == "```":
            in_hidden = False
        if len(text) >= 25 and not text.startswith("#"):
            (secret if in_solution or in_hidden else public).add(text)
        previous = text
    # a solution line quoted in the question text (e.g. a call the prompt prescribes) is public
    return {line for line in secret if not any(line in text for text in public)}


def _student_texts() -> dict[str, str]:
    return {n: (STUDENT / f"{n}.ipynb").read_text() for n in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_has_no_solution_or_hidden_test(built, name):
    notebook = json.loads((STUDENT / f"{name}.ipynb").read_text())
    text = json.dumps(notebook)
    secrets = _solution_lines(name)
    assert len(secrets) >= 5
    leaked = [line for line in secrets if json.dumps(line)[1:-1] in text]
    assert not leaked
    # the same check finds the solutions in the instructors' notebook (it can fail)
    solved = (BUILD / name / "dist" / "autograder" / f"{name}.ipynb").read_text()
    assert len([line for line in secrets if json.dumps(line)[1:-1] in solved]) >= 5
    assert "BEGIN SOLUTION" not in text and "HIDDEN" not in text
    for source in notebook["metadata"]["otter"]["tests"].values():
        assert "hidden=True" not in source
        assert "hidden=False" in source


@pytest.mark.parametrize("name", NAMES)
def test_committed_student_notebook_is_what_the_master_builds(built, name):
    # Binder and Colab open the committed file, so it must match the master it is built from
    path = f"exercises/student/{name}.ipynb"
    committed = subprocess.run(
        ["git", "show", f"HEAD:{path}"], cwd=ROOT, capture_output=True, text=True
    )
    assert committed.returncode == 0, f"{path} is not committed: run `make exercises`, commit it"
    assert committed.stdout == (STUDENT / f"{name}.ipynb").read_text(), (
        f"{path} is out of date: run `make exercises` and commit it"
    )


@pytest.mark.built_site
@pytest.mark.parametrize("name", NAMES)
def test_site_has_no_solution_or_hidden_test(name):
    site = Path(os.environ.get("SITE_HTML", ROOT / "_build" / "html"))
    pages = [p for p in site.rglob(f"{name}*") if p.suffix in {".html", ".ipynb", ".md"}]
    assert pages, f"the book has no page for the exercise {name}"
    secrets = _solution_lines(name)
    for page in pages:
        text = page.read_text(errors="replace")
        assert "BEGIN SOLUTION" not in text and "# HIDDEN" not in text
        flat = re.sub(r"<[^>]+>", "", text)
        assert not [s for s in secrets if s in text or s in flat], page


# ---- the hidden tests hold for any seeds a student may choose --------------------------


def _hidden_tests(name: str, question: str) -> dict[str, object]:
    with zipfile.ZipFile(BUILD / f"{name}-autograder.zip") as archive:
        source = archive.read(f"tests/{question}.py").decode()
    namespace: dict[str, object] = {}
    with warnings.catch_warnings():  # otter imports ipylab, which uses a deprecated traitlets form
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(compile(source, f"{name}/{question}.py", "exec"), namespace)
    return {
        key: value.test_func
        for key, value in namespace.items()
        if key.startswith("test_") and hasattr(value, "test_func")
    }


def _call(test, **env):
    """Call a test function as otter does: each parameter taken from the environment."""
    test(**{name: env.get(name) for name in inspect.signature(test).parameters})


def _converged_fits(seeds):
    fits = {}
    for seed in seeds:
        start = models.init_params(jax.random.key(seed), (1, 3, 1))
        fits[seed] = training.adam_fit(start, data.X, data.Y, progress=False)
    return fits


def test_reinitialization_q1_holds_for_many_seed_choices(built):
    tests = _hidden_tests("reinitialization", "q1")
    fits = _converged_fits(range(0, 120))
    usable = [s for s, f in fits.items() if f.converged]
    assert len(usable) >= 110  # about one seed in a hundred gets stuck
    rng = np.random.default_rng(0)
    choices = [usable[i : i + 5] for i in range(0, 100, 5)]  # 20 consecutive groups
    choices += [sorted(rng.choice(usable, size=6, replace=False).tolist()) for _ in range(10)]
    for seeds in choices:
        for test in tests.values():
            _call(test, seeds=list(seeds), fits=[fits[s] for s in seeds])
    stuck = [s for s, f in fits.items() if not f.converged]
    with pytest.raises(AssertionError):
        tests["test_q1_form"](
            seeds=[*usable[:4], stuck[0]], fits=[fits[s] for s in [*usable[:4], stuck[0]]]
        )


def test_reinitialization_q3_holds_for_many_seed_choices(built):
    tests = _hidden_tests("reinitialization", "q3")
    results = {
        s: least_squares.fit(least_squares.initial_guess(jax.random.key(s)), data.X, data.Y)
        for s in range(40)
    }
    for seeds in itertools.chain((range(i, i + 5) for i in range(0, 40, 5)), [range(0, 40, 3)]):
        for test in tests.values():
            _call(test, ls_seeds=list(seeds), ls_results=[results[s] for s in seeds])


def test_nonuniqueness_public_tests_hold_for_many_seeds(built):
    namespace = {"np": np}
    for question in ("q1", "q2", "q4", "q5"):
        tests = _hidden_tests("nonuniqueness", question)
        namespace.update(tests)
    reference = json.loads(
        (BUILD / "nonuniqueness" / "dist" / "autograder" / "nonuniqueness.ipynb").read_text()
    )
    env: dict[str, object] = {}
    for cell in reference["cells"]:
        if "otter_assign_solution_cell" in cell["metadata"].get("tags", []):
            source = "".join(cell["source"])
            scope = {"np": np, "jnp": jax.numpy, "math": math, "analysis": analysis}
            exec(source.split("\n\n\n")[0], scope, env)
    for seed in range(0, 30):
        fit = training.adam_fit(
            models.init_params(jax.random.key(seed), (1, 3, 1)), data.X, data.Y, progress=False
        )
        namespace["test_q1_form"](permute_neurons=env["permute_neurons"], fit=fit)
        namespace["test_q2_form"](flip_neuron=env["flip_neuron"], fit=fit)
        namespace["test_q4_form"](canonical=env["canonical"], fit=fit)
        namespace["test_q5_form"](flat_directions=env["flat_directions"], fit=fit)
