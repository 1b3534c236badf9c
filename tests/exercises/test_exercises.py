"""The autograded exercises: grading of prepared submissions, cheats, leaks, seeds, Gradescope.

One ``python -m exercises.grade`` run (2 workers) grades every prepared submission of
``tests/exercises/submissions/make_submissions.py`` (wrong answers, valid answers in other styles,
cheating submissions, bad files) and the blank student notebooks; the tests below read its
gradebook. A few of the same submissions are graded again the way Gradescope runs the
autograder zip, and must get the same scores. The judge's checks are also run in this
process, on answers collected from reference and wrong functions, over 50 grading seeds.
The exercises are built first if ``make exercises`` has not run (``make unit`` depends on
it).
"""

import concurrent.futures
import csv
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import jax
import numpy as np
import pytest
from mlintro import analysis, data, least_squares, models, training
from mlintro.config import LECTURE

from exercises import collect, judge, sandbox
from exercises.build import question_points
from exercises.catalog import BUILD, ROOT, STUDENT, masters, names
from tests.exercises.submissions import make_submissions as subs

NAMES = tuple(names())
TIMEOUT = 45  # seconds per submission in the tests (the infinite loop waits this long)
WORKERS = ("--workers", "2", "--timeout", str(TIMEOUT))


def _built() -> bool:
    return all(
        (BUILD / f"{n}-autograder.zip").is_file() and (STUDENT / f"{n}.ipynb").is_file()
        for n in NAMES
    )


@pytest.fixture(scope="session")
def built():
    """Make sure the student notebooks and autograder zips exist."""
    if not _built():
        subprocess.run([sys.executable, "-m", "exercises.build"], check=True, cwd=ROOT)
    assert _built()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _grade(submissions: Path, out: Path) -> list[dict[str, str]]:
    subprocess.run(
        [sys.executable, "-m", "exercises.grade", submissions, out, *WORKERS],
        check=True,
        capture_output=True,
        cwd=ROOT,
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
    """Points per question, as the autograder zip's test files give them to Gradescope."""
    points = question_points(BUILD / f"{name}-autograder.zip")
    assert points == {q: float(p) for q, p in judge.POINTS[name].items()}
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
    assert set(results["questions"]) == set(_max_points(name))
    assert all(v["passed"] and v["message"] == "passed" for v in results["questions"].values())
    blank_results = json.loads((graded[2] / "results" / f"{name}-blank.json").read_text())
    assert not any(v["passed"] for v in blank_results["questions"].values())


@pytest.mark.parametrize("case", subs.all_cases())
def test_prepared_submission(graded, case):
    rows = graded[3]
    row = rows[f"{case}.ipynb"]
    status, lost = subs.expected(case)
    assert row["status"] == status, row
    assert row["message"] or status == "graded"
    if status != "graded":
        assert row["score"] in {"", "0"}, row
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
        [sys.executable, "-m", "exercises.grade", tmp_path / "nope", tmp_path / "out"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "is not a folder" in result.stderr


# ---- no solution and no hidden test reaches the students ----------------------------


def _solution_lines(name: str) -> set[str]:
    """Distinctive lines that only the solution blocks and hidden tests of a master contain."""
    master = masters()[name].read_text()
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


# ---- cheating: every attack on the grading is in the prepared submissions -----------------

ATTACKS = {
    # the attacks of issue 7, each with the prepared submission that tries it
    "rewriting the test files": "cheat-rewrites-tests",
    "wrapping otter's checker and test-file class": "cheat-wraps-checker",
    "replacing pickle.dump, an atexit hook rewriting results": "cheat-pickle-and-atexit",
    "a pickle sent to otter's logging server (Gradescope)": "cheat-logging-pickle",
    "a detached daemon rewriting results.json after otter (Gradescope)": (
        "cheat-daemon-rewrites-results"
    ),
    "patching numpy only inside test functions": "cheat-patches-numpy-in-tests",
    "reading the hidden checks and their formulas from disk": "cheat-reads-hidden-checks",
    "an int subclass whose == is always True": "cheat-lying-eq-int",
    "a float subclass whose == and < always answer True": "cheat-lying-eq-float",
    "a str subclass whose == is always True": "cheat-lying-eq-str",
    "reading the expected value from the caller's frame": "cheat-reads-caller-frame",
    # more
    "rewriting the collection cell with an IPython input transformer": "cheat-hijacks-collection",
    "patching mlintro's training in the kernel": "cheat-patches-mlintro",
    "a read-only answers file written in advance": "cheat-fake-answers-file",
    "a hand-made TrainingRun whose last loss is NaN": "cheat-handmade-bad-fit",
    "an answers file turned into a link to /dev/zero or a FIFO": "cheat-answers-file-trap",
}


def test_every_attack_has_a_cheating_submission():
    assert set(ATTACKS.values()) == subs.CHEATS
    for case in subs.CHEATS:
        status, lost = subs.expected(case)
        assert status in {"graded", "error"} and lost, case  # each must lose what it targets


def test_the_disk_reading_cheat_would_find_the_formula_if_it_could_read_the_judge():
    # the attack is real: run on the project (outside the sandbox) it finds the formula
    pattern = re.search(r"FORMULA = r'(.*)'", subs.READ_HIDDEN)[1]
    match = re.search(pattern, Path(judge.__file__).read_text())
    assert match and eval(match[1], {"math": math, "h": 3}) == 48


# ---- no graded check reaches the students --------------------------------------------------

JUDGE_ONLY = [
    "math.factorial(h) * 2**h",
    "counts the permutations but not the sign flips",
    "is not reproduced from seeds[",
    "RETRAIN_RTOL",
]


@pytest.mark.parametrize("name", NAMES)
def test_graded_checks_are_not_in_the_student_notebook_or_the_kernels_files(built, name):
    text = (STUDENT / f"{name}.ipynb").read_text()
    assert not [s for s in JUDGE_ONLY if s in text]
    judge_source = Path(judge.__file__).read_text()
    assert all(s in judge_source for s in JUDGE_ONLY)  # the check can fail
    with zipfile.ZipFile(BUILD / f"{name}-autograder.zip") as archive:
        # what otter copies next to the kernel: files/ and tests/ (the public checks)
        for member in archive.namelist():
            if member.startswith(("files/", "tests/")) or member in {"collect.py"}:
                content = archive.read(member).decode(errors="replace")
                assert not [s for s in JUDGE_ONLY if s in content], member
        assert "judge.py" in archive.namelist()  # the plugin deletes it before the kernel starts


# ---- the judge holds for any grading seed; wrong answers fail for every one ---------------


@pytest.fixture(scope="module")
def cached_inputs():
    """Share the grading inputs of a seed between the collector and the judge."""
    import functools

    original = collect.inputs
    cached = functools.lru_cache(maxsize=None)(original)
    collect.inputs, judge.inputs = cached, cached
    judge._inputs.cache_clear()
    yield
    collect.inputs, judge.inputs = original, original
    judge._inputs.cache_clear()


def _permute(params, perm):
    (w0, b0), (w1, b1) = params
    perm = np.asarray(perm)
    return [(w0[:, perm], b0[perm]), (w1[perm, :], b1)]


def _flip(params, i, *, bias=True):
    (w0, b0), (w1, b1) = params
    sign = np.ones(np.shape(b0))
    sign[i] = -1.0
    return [(w0 * sign, b0 * sign if bias else b0), (w1 * sign[:, None], b1)]


def _canonical(params, *, signs=True):
    (w0, b0), (w1, b1) = (np.asarray(a) for a in params[0]), (np.asarray(a) for a in params[1])
    sign = np.where(w0[0] < 0, -1.0, 1.0) if signs else np.ones(w0.shape[1])
    w0, b0, w1 = w0 * sign, b0 * sign, w1 * sign[:, None]
    order = np.argsort(w0[0], kind="stable")
    return [(w0[:, order], b0[order]), (w1[order, :], b1)]


def _flat_directions(theta, x, y, *, rtol=1e-6, eig=False, signed=False):
    h = np.asarray(analysis.hessian(np.asarray(theta), x, y))
    values, vectors = np.linalg.eig(h) if eig else np.linalg.eigh(h)
    values, vectors = values.real, vectors.real
    small = (values if signed else np.abs(values)) < rtol * np.abs(values).max()
    return vectors[:, small]


NONU_REFERENCE = {
    "permute_neurons": _permute,
    "flip_neuron": _flip,
    "count_equivalent": lambda h: math.factorial(h) * 2**h,
    "canonical": _canonical,
    "flat_directions": _flat_directions,
}
NONU_VARIANTS = {
    # name: (replacements, questions that must fail for every seed)
    "eig instead of eigh": (
        {
            "flat_directions": lambda p, x, y, rtol=1e-6: _flat_directions(
                p, x, y, rtol=rtol, eig=True
            )
        },
        set(),
    ),
    "permutation in the inverse direction": (
        {"permute_neurons": lambda p, perm: _permute(p, np.argsort(perm))},
        {"q1"},
    ),
    "sign flip that forgets the bias": (
        {"flip_neuron": lambda p, i: _flip(p, i, bias=False)},
        {"q2"},
    ),
    "count without the sign flips": ({"count_equivalent": math.factorial}, {"q3"}),
    "canonical form without signs": ({"canonical": lambda p: _canonical(p, signs=False)}, {"q4"}),
    "signed eigenvalues": (
        {
            "flat_directions": lambda p, x, y, rtol=1e-6: _flat_directions(
                p, x, y, rtol=rtol, signed=True
            )
        },
        {"q5"},
    ),
}
GRADING_SEEDS = range(1000, 1050)


@pytest.mark.parametrize("variant", ["reference", *NONU_VARIANTS])
def test_nonuniqueness_judge_over_50_grading_seeds(cached_inputs, variant):
    functions = dict(NONU_REFERENCE)
    failing: set[str] = set()
    if variant != "reference":
        replacements, failing = NONU_VARIANTS[variant]
        functions.update(replacements)
    for seed in GRADING_SEEDS:
        verdicts = judge.judge(
            "nonuniqueness", seed, collect.collect("nonuniqueness", seed, functions)
        )
        assert {q for q, v in verdicts.items() if not v.passed} == failing, (seed, verdicts)


def test_the_hessian_at_the_least_squares_fit_has_several_near_zero_eigenvalues():
    # non-uniqueness q5 says so: "several eigenvalues ... smaller than a millionth of the largest"
    counts = []
    for seed in range(50):
        fit = least_squares.fit(least_squares.initial_guess(jax.random.key(seed)), data.X, data.Y)
        size = np.abs(np.linalg.eigvalsh(analysis.hessian(fit.x, data.X, data.Y)))
        counts.append(int(np.sum(size < 1e-6 * size.max())))
    assert min(counts) >= 3, counts


def _train(seed: int, **changes) -> training.TrainingRun:
    """Return the lecture's run from ``jax.random.key(seed)``, as a student's notebook trains it."""
    start = models.init_params(jax.random.key(seed), (1, 3, 1))
    return training.adam_fit(start, data.X, data.Y, progress=False, **changes)


def _least_squares(seed: int):
    return least_squares.fit(least_squares.initial_guess(jax.random.key(seed)), data.X, data.Y)


def _diagnose(losses, *, tolerance=LECTURE.tolerance):
    losses = np.asarray(losses, dtype=float)
    if not np.all(np.isfinite(losses)):
        return "diverged"
    return "converged" if losses[-1] < tolerance else "stuck"


@pytest.fixture(scope="module")
def reinit_objects():
    """Seeds and fits of honest answers, trained once."""
    fits = {seed: _train(seed) for seed in range(40)}
    ls = {seed: _least_squares(seed) for seed in range(20)}
    return fits, ls, _train(0, step_size=1.0)


def test_reinitialization_judge_over_many_seed_choices(cached_inputs, reinit_objects):
    fits, ls, bad = reinit_objects
    usable = [s for s, f in fits.items() if f.converged]
    assert len(usable) >= 35  # about one seed in a hundred gets stuck
    choices = [usable[i : i + 5] for i in range(0, 35, 5)]
    rng = np.random.default_rng(0)
    choices += [sorted(rng.choice(usable, size=6, replace=False).tolist()) for _ in range(8)]
    ls_choices = [list(range(i, i + 5)) for i in range(0, 20, 5)] + [list(range(0, 20, 3))]
    for k, seed in enumerate(GRADING_SEEDS):
        seeds, ls_seeds = choices[k % len(choices)], ls_choices[k % len(ls_choices)]
        namespace = {
            "seeds": seeds,
            "fits": [fits[s] for s in seeds],
            "max_spread": lambda p: float(np.ptp(np.asarray(p, dtype=float), axis=0).max()),
            "ls_seeds": ls_seeds,
            "ls_results": [ls[s] for s in ls_seeds],
            "bad_fit": bad,
            "diagnose": _diagnose,
        }
        verdicts = judge.judge(
            "reinitialization", seed, collect.collect("reinitialization", seed, namespace)
        )
        assert all(v.passed for v in verdicts.values()), (seed, seeds, verdicts)
        wrong = dict(namespace)
        wrong["max_spread"] = lambda p: float(np.ptp(np.asarray(p, dtype=float)))
        wrong["diagnose"] = lambda losses, tolerance=LECTURE.tolerance: _diagnose(
            losses[-1:], tolerance=tolerance
        )
        verdicts = judge.judge(
            "reinitialization", seed, collect.collect("reinitialization", seed, wrong)
        )
        assert {q for q, v in verdicts.items() if not v.passed} == {"q2", "q4"}, (seed, verdicts)


# ---- Gradescope: the autograder zip gives the scores make grade gives ------------------------

GRADESCOPE_CASES = [
    "nonu-reference",
    "reinit-reference",
    "nonu-permutation-inverse",
    "reinit-bad-fit-stopped-early",
    "cheat-rewrites-tests",
    "cheat-wraps-checker",
    "cheat-pickle-and-atexit",
    "cheat-logging-pickle",
    "cheat-daemon-rewrites-results",
    "cheat-reads-hidden-checks",
    "cheat-hijacks-collection",
]
GRADESCOPE_SHIM = (
    "import sys; sys.path.insert(0, {source!r})\n"  # as run_otter.py: /autograder/source first
    "from otter.run.run_autograder import main\n"
    "main({autograder!r}, otter_run=True)\n"
)


def run_like_gradescope(zip_path: Path, notebook: Path) -> dict[str, float]:
    """Grade ``notebook`` as Gradescope does: the zip in source/, run_otter's entry, sandboxed.

    Gradescope unpacks the zip into /autograder/source, puts the submission in
    /autograder/submission and runs ``run_otter.py``, whose ``main("/autograder")`` is called
    here on a temporary folder of the same layout (the sandbox cannot mount /autograder).
    """
    scratch = Path(tempfile.mkdtemp(prefix="gradescope-"))
    try:
        autograder = scratch / "work" / "autograder"
        for sub in ("source", "submission", "results"):
            (autograder / sub).mkdir(parents=True)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(autograder / "source")
        shutil.copyfile(notebook, autograder / "submission" / notebook.name)
        (autograder / "submission_metadata.json").write_text("{}")
        shim = GRADESCOPE_SHIM.format(source=str(autograder / "source"), autograder=str(autograder))
        result = sandbox.run(
            [os.path.abspath(sys.executable), "-c", shim],
            workdir=scratch / "work",
            timeout=300,
            memory_mb=4096,
            env={
                "HOME": "/tmp",
                "JUPYTER_RUNTIME_DIR": "/tmp/jupyter",
                "MPLBACKEND": "Agg",
                "PYTHONPATH": str(ROOT / "lib"),
            },
        )
        results_path = autograder / "results" / "results.json"
        assert results_path.is_file(), result.output[-3000:]
        output = json.loads(results_path.read_text())
        assert not (autograder / "source" / "judge.py").exists()  # gone before the kernel ran
        return {t["name"]: float(t["score"]) for t in output["tests"] if "score" in t}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def test_gradescope_scores_equal_make_grade_scores(graded):
    folder, _, _, rows = graded
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for case in GRADESCOPE_CASES:
            name = subs.CASES[case][0]
            jobs[case] = pool.submit(
                run_like_gradescope, BUILD / f"{name}-autograder.zip", folder / f"{case}.ipynb"
            )
    for case, job in jobs.items():
        name = subs.CASES[case][0]
        row = rows[f"{case}.ipynb"]
        local = {q: float(row[f"{name}:{q}"]) for q in judge.POINTS[name]}
        assert job.result() == local, case


# ---- the public checks catch the common mistakes and name them ------------------------------


def _public_checks(name: str) -> dict[str, object]:
    """The public test functions of the student notebook, by question."""
    tests = json.loads((STUDENT / f"{name}.ipynb").read_text())["metadata"]["otter"]["tests"]
    checks = {}
    for question, source in tests.items():
        namespace: dict[str, object] = {}
        with (
            warnings.catch_warnings()
        ):  # otter imports ipylab, which uses a deprecated traitlets form
            warnings.simplefilter("ignore", DeprecationWarning)
            exec(compile(source, f"{name}/{question}", "exec"), namespace)
        [check] = [v.test_func for k, v in namespace.items() if hasattr(v, "test_func")]
        checks[question] = check
    return checks


def _run_check(check, **env) -> str:
    """Call a public check as otter does; return its failure message ('' if it passed)."""
    import inspect

    try:
        check(**{name: env[name] for name in inspect.signature(check).parameters})
    except AssertionError as error:
        return str(error)
    return ""


@pytest.fixture(scope="module")
def trained():
    fits = {seed: _train(seed) for seed in range(5)}
    ls = {seed: _least_squares(seed) for seed in range(5)}
    other_step = [_train(seed, step_size=0.012) for seed in range(5)]
    return fits, ls, other_step, _train(0, max_epochs=3)


def _diagnose_last_only(losses, *, tolerance=LECTURE.tolerance):
    return _diagnose(np.asarray(losses)[-1:], tolerance=tolerance)


NONU_MISTAKES = [
    ("q1", "permute_neurons", lambda p, perm: _permute(p, np.argsort(perm)), "inverse direction"),
    ("q1", "permute_neurons",
     lambda p, perm: [(np.asarray(p[0][0])[:, perm], np.asarray(p[0][1])[perm]), p[1]],
     "computes another function"),
    ("q2", "flip_neuron", lambda p, i: _flip(p, i, bias=False), "forgot the bias"),
    ("q2", "flip_neuron",
     lambda p, i: [_flip(p, i)[0], p[1]], "forgot the output weight"),
    ("q3", "count_equivalent", math.factorial, "permutations only"),
    ("q3", "count_equivalent", lambda h: 2**h, "sign flips only"),
    ("q4", "canonical", lambda p: _canonical(p, signs=False), "a sign flip changes"),
    ("q4", "canonical", lambda p: [tuple(map(np.asarray, layer)) for layer in p],
     "permuting the neurons changes"),
    ("q5", "flat_directions", lambda *a, **k: _flat_directions(*a, **k).T, "must be the columns"),
    ("q5", "flat_directions", lambda *a, **k: _flat_directions(*a, rtol=np.inf),
     "compare the eigenvalues' sizes"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "variable", "wrong", "named"), NONU_MISTAKES)
def test_nonuniqueness_public_checks_name_the_mistake(trained, question, variable, wrong, named):
    fits, ls, _, _ = trained
    check = _public_checks("nonuniqueness")[question]
    env = {**NONU_REFERENCE, "fit": fits[0], "ls_fit": ls[0]}
    assert _run_check(check, **env) == ""
    assert named in _run_check(check, **{**env, variable: wrong})


def test_reinitialization_public_checks_name_the_mistakes(trained):
    fits, ls, other_step, early = trained
    checks = _public_checks("reinitialization")
    good = {
        "seeds": list(fits), "fits": list(fits.values()),
        "max_spread": lambda p: float(np.ptp(np.asarray(p, dtype=float), axis=0).max()),
        "ls_seeds": list(ls), "ls_results": list(ls.values()),
        "bad_fit": trained[3]._replace(
            losses=np.full(LECTURE.max_epochs, 0.1), epochs=LECTURE.max_epochs, converged=False
        ),
        "diagnose": _diagnose,
    }  # fmt: skip
    assert all(_run_check(check, **good) == "" for check in checks.values())
    mistakes = [
        ("q1", {"fits": [fits[0]] * 5}, "did you draw new initial parameters"),
        ("q1", {"fits": other_step}, "with the default settings"),
        ("q2", {"max_spread": lambda p: float(np.ptp(np.asarray(p)))}, "range of the whole array"),
        ("q2", {"max_spread": lambda p: float(np.ptp(np.asarray(p), axis=1).max())}, "along a row"),
        ("q3", {"ls_results": [ls[0]] * 5}, "did you draw a new start"),
        ("q4", {"bad_fit": early}, "keep max_epochs"),
        ("q4", {"diagnose": _diagnose_last_only}, "NaN anywhere"),
        (
            "q4",
            {"diagnose": lambda losses, tolerance=LECTURE.tolerance: _diagnose(losses)},
            "use the tolerance",
        ),
    ]
    for question, change, named in mistakes:
        assert named in _run_check(checks[question], **{**good, **change}), (question, named)
