"""Make the prepared submissions the grading tests use, from the built notebooks.

They are generated rather than committed so that they follow the masters: each is the
student notebook of an exercise (``exercises/student/<name>.ipynb``) with its answer
cells filled in from the reference solution (``_build/exercises/<name>/dist/autograder``)
and then one change applied. :data:`EXPECTED` says what grading must make of each file:
``("graded", {questions that must score zero})``, or the status of a bad submission.

Usage: ``python tests/submissions/make_submissions.py OUT`` (after ``make exercises``).
"""

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSWER_TAG = "otter_answer_cell"

Edit = Callable[[list[str]], list[str] | None]


def _replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def edit(source: str) -> str:
        if old not in source:
            raise ValueError(f"{old!r} not in the answer cell")
        return source.replace(old, new, count)

    return edit


# name -> (assignment, {answer cell index: edit}, extra cells (index, source) or None, expected)
# expected: ("graded", set of questions that must lose all their points) or ("error"|"timeout", "")
CASES: dict[str, tuple] = {
    # ---- the references and the blanks
    "reinit-reference": ("reinitialization", {}, None, ("graded", set())),
    "nonu-reference": ("nonuniqueness", {}, None, ("graded", set())),
    # ---- wrong answers, one kind of mistake each
    "reinit-no-reinitialization": (
        "reinitialization",
        {
            0: _replace(
                "models.init_params(jax.random.key(seed), (1, 3, 1))",
                "models.init_params(jax.random.key(seeds[0]), (1, 3, 1))",
            )
        },
        None,
        ("graded", {"q1"}),
    ),
    "reinit-same-seed-repeated": (
        "reinitialization",
        {0: _replace("seeds = [0, 1, 2, 3, 4]", "seeds = [0, 0, 1, 2, 3]")},
        None,
        ("graded", {"q1"}),
    ),
    "reinit-hardcoded-spread": (
        "reinitialization",
        {1: _replace("predictions = np.asarray(predictions, dtype=float)", "return 0.0")},
        None,
        ("graded", {"q2"}),
    ),
    "reinit-lsq-one-start": (
        "reinitialization",
        {
            2: _replace(
                "least_squares.initial_guess(jax.random.key(seed))",
                "least_squares.initial_guess(jax.random.key(ls_seeds[0]))",
            )
        },
        None,
        ("graded", {"q3"}),
    ),
    "reinit-diagnose-misses-nan": (
        "reinitialization",
        {3: _replace("if not np.all(np.isfinite(losses)):", "if False:")},
        None,
        ("graded", {"q4"}),
    ),
    "reinit-hardcoded-bad-fit": (
        "reinitialization",
        {
            3: _replace(
                "bad_fit = training.adam_fit(",
                "bad_fit = training.Fit(fits[0].params, np.array([0.3, 0.2, 0.1]), 3, False)\n"
                "unused = training.adam_fit(",
            )
        },
        None,
        ("graded", {"q4"}),
    ),
    "nonu-permutation-changes-function": (
        "nonuniqueness",
        {0: _replace("(w1[perm, :], b1)", "(w1, b1)")},
        None,
        ("graded", {"q1"}),
    ),
    "nonu-flip-keeps-output-weight": (
        "nonuniqueness",
        {1: _replace("(w1 * sign[:, None], b1)", "(w1, b1)")},
        None,
        ("graded", {"q2"}),
    ),
    "nonu-wrong-count-formula": (
        "nonuniqueness",
        {2: _replace("math.factorial(H) * 2**H", "math.factorial(H) * 2 * H")},
        None,
        ("graded", {"q3"}),
    ),
    "nonu-hardcoded-count": (
        "nonuniqueness",
        {2: _replace("return math.factorial(H) * 2**H", "return 48")},
        None,
        ("graded", {"q3"}),
    ),
    "nonu-canonical-without-signs": (
        "nonuniqueness",
        {3: _replace("sign = np.where(w0[0] < 0, -1.0, 1.0)", "sign = np.ones(w0.shape[1])")},
        None,
        ("graded", {"q4"}),
    ),
    "nonu-flat-directions-all": (
        "nonuniqueness",
        {4: _replace("return eigenvectors[:, small]", "return eigenvectors")},
        None,
        ("graded", {"q5"}),
    ),
    # ---- bad submissions
    "bad-syntax-error": (
        "nonuniqueness",
        {2: _replace("def count_equivalent(H):", "def count_equivalent(H)")},
        None,
        ("graded", {"q3"}),
    ),
    "bad-cell-raises": (
        "nonuniqueness",
        {
            1: _replace(
                '    """Return the', '    raise RuntimeError("not done yet")\n    """Return the'
            )
        },
        None,
        ("graded", {"q2"}),
    ),
    "bad-nan-parameters": (
        "reinitialization",
        {
            0: _replace(
                "for seed in seeds\n]",
                "for seed in seeds\n]\nfits = [f._replace(params=jax.tree.map("
                "lambda a: a * jnp.nan, f.params)) for f in fits]",
            )
        },
        None,
        ("graded", {"q1"}),
    ),
    "bad-infinite-loop": (
        "nonuniqueness",
        {},
        [(3, "while True:\n    pass")],
        ("timeout", set()),
    ),
    "bad-deleted-cells": ("nonuniqueness", {"delete": [1, 3]}, None, ("graded", {"q2", "q4"})),
    "bad-duplicated-cells": ("nonuniqueness", {"duplicate": True}, None, ("graded", set())),
    "bad-sys-exit": (
        "nonuniqueness",
        {},
        [(5, "import sys\nsys.exit(1)")],
        ("graded", set()),
    ),
    "bad-deletes-files": (
        "nonuniqueness",
        {},
        [
            (
                5,
                "import os, shutil\n"
                "for name in os.listdir('.'):\n"
                "    if os.path.isdir(name):\n"
                "        shutil.rmtree(name, ignore_errors=True)\n"
                "    else:\n"
                "        os.remove(name)",
            )
        ],
        ("error", set()),
    ),
    "bad-memory-hog": (
        "nonuniqueness",
        {},
        [(5, "hog = bytearray(64 * 1024**3)")],
        ("graded", set()),
    ),
    "bad-reads-tests": (
        "nonuniqueness",
        {2: _replace("return math.factorial(H) * 2**H", "return 48")},
        [
            (
                5,
                "import glob\n"
                "stolen = {p: open(p).read() for p in glob.glob('tests/*.py')}\n"
                "print(len(stolen), 'test files read')",
            )
        ],
        ("graded", {"q3"}),
    ),
}
# files that are not notebooks at all: name -> (content, expected)
RAW_CASES = {
    "bad-invalid-json": (b'{"cells": [ {"cell_type": "code", ', ("error", set())),
    "bad-empty-file": (b"", ("error", set())),
    "bad-not-a-notebook": (b'{"hello": "world"}', ("error", set())),
}


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def filled_notebook(name: str, build: Path, student: Path) -> dict:
    """Return the student notebook with the reference answers filled in."""
    notebook = _load(student / f"{name}.ipynb")
    reference = _load(build / name / "dist" / "autograder" / f"{name}.ipynb")
    solutions = [
        c["source"]
        for c in reference["cells"]
        if "otter_assign_solution_cell" in c.get("metadata", {}).get("tags", [])
    ]
    answers = [c for c in notebook["cells"] if ANSWER_TAG in c.get("metadata", {}).get("tags", [])]
    if len(answers) != len(solutions):
        raise ValueError(f"{name}: {len(answers)} answer cells but {len(solutions)} solutions")
    for cell, source in zip(answers, solutions, strict=True):
        cell["source"] = "".join(source) if isinstance(source, list) else source
    return notebook


def _code_cell(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}  # fmt: skip


def make(case: str, build: Path, student: Path) -> bytes:
    """Return the bytes of the submission ``case``."""
    if case in RAW_CASES:
        return RAW_CASES[case][0]
    name, edits, extra, _ = CASES[case]
    notebook = filled_notebook(name, build, student)
    cells = notebook["cells"]
    answers = [
        i for i, c in enumerate(cells) if ANSWER_TAG in c.get("metadata", {}).get("tags", [])
    ]
    for key, edit in edits.items():
        if key == "delete":
            for index in sorted((answers[k] for k in edit), reverse=True):
                del cells[index]
        elif key == "duplicate":
            notebook["cells"] = [copy.deepcopy(c) for c in cells for _ in range(2)]
        else:
            cell = cells[answers[key]]
            cell["source"] = edit(cell["source"])
    for position, source in sorted(extra or [], reverse=True):
        cells.insert(position, _code_cell(source))
    return (json.dumps(notebook, indent=1) + "\n").encode()


def expected(case: str) -> tuple[str, set[str]]:
    """Return the status and the questions that must score zero for ``case``."""
    return RAW_CASES[case][1] if case in RAW_CASES else CASES[case][3]


def all_cases() -> list[str]:
    """Return the names of all prepared submissions."""
    return sorted([*CASES, *RAW_CASES])


def write_all(out: Path, cases: list[str] | None = None) -> dict[str, Path]:
    """Write the submissions (all by default) to ``out``; return their paths by case."""
    build, student = ROOT / "_build" / "exercises", ROOT / "exercises" / "student"
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in cases or all_cases():
        paths[case] = out / f"{case}.ipynb"
        paths[case].write_bytes(make(case, build, student))
    return paths


def write_blank(out: Path) -> dict[str, Path]:
    """Copy the unanswered student notebooks to ``out`` as ``<name>-blank.ipynb``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for notebook in sorted((ROOT / "exercises" / "student").glob("*.ipynb")):
        paths[notebook.stem] = out / f"{notebook.stem}-blank.ipynb"
        paths[notebook.stem].write_bytes(notebook.read_bytes())
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/submissions/make_submissions.py OUT")
    for path in write_all(Path(sys.argv[1])).values():
        print(path)
    for path in write_blank(Path(sys.argv[1])).values():
        print(path)
