"""Collect a submission's answers as plain JSON data; this code runs with the student's code.

Nothing here decides a score. After the student's cells have run, :func:`collect` calls the
student's functions on inputs made from a seed chosen at grading time (see :func:`inputs`)
and reads the student's objects (seeds, trained parameters, loss histories), converting every
value to plain ``int``, ``float``, ``str`` and lists of them. The judge (``judge.py``) reads
that data in another process, rebuilds the same inputs from the seed and checks the answers
against references it computes itself. Whatever the student's code does to this module, the
judge sees only numbers and strings, which must be right for inputs the notebook could not
know in advance.

The module is self-contained (NumPy, and ``mlintro`` for the inputs of non-uniqueness q5) so
that it can run where the student's code runs: ``make grade`` runs it as a script in the
sandbox (:func:`main`: execute the notebook in this process with IPython, then collect), and
the Gradescope autograder runs its source in the notebook's own kernel, after the last cell.

Usage (inside the sandbox): ``python collect.py NOTEBOOK ASSIGNMENT SEED ANSWERS.json``
"""

import functools
import json
import operator
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["QUESTIONS", "collect", "inputs", "main", "run_notebook", "write_answers"]

QUESTIONS = {
    "reinitialization": ("q1", "q2", "q3", "q4"),
    "nonuniqueness": ("q1", "q2", "q3", "q4", "q5"),
}
MAX_LOSSES = 10_000  # longer loss histories are cut (the default run has at most 500 epochs)


# ---- inputs: the same in the collector and the judge -----------------------------------------


def _network(rng: np.random.Generator, h: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return random parameters of a 1-h-1 network, in mlintro's ``[(W0, b0), (W1, b1)]``."""
    return [
        (rng.normal(size=(1, h)), rng.normal(size=h)),
        (rng.normal(size=(h, 1)), rng.normal(size=1)),
    ]


def _permutation(rng: np.random.Generator, h: int) -> list[int]:
    """Return a permutation of range(h) that is not its own inverse (for h >= 3).

    A permutation applied in the inverse direction gives the same result for a permutation
    that is its own inverse (a swap), so such permutations could not tell the two apart.
    """
    while True:
        perm = rng.permutation(h)
        if h == 2 or not np.array_equal(perm[perm], np.arange(h)):
            return [int(p) for p in perm]


def _histories(rng: np.random.Generator) -> list[tuple[list[float], float | None]]:
    """Return loss histories and tolerances (None: the default) for ``diagnose``."""
    cases: list[tuple[list[float], float | None]] = []
    for _ in range(4):
        tol = float(10.0 ** rng.uniform(-7, -3))
        n = int(rng.integers(2, 60))
        falling = np.geomspace(1.0, tol * rng.uniform(0.1, 0.9), n)
        cases.append((falling.tolist(), tol))
        cases.append(((tol * rng.uniform(2, 100) * (1 + 0.01 * rng.random(n))).tolist(), tol))
        cases.append((np.where(np.arange(n) % 2 == 0, tol * 5, tol * 50).tolist(), tol))
        bad = falling.copy()
        bad[int(rng.integers(0, n - 1))] = [np.nan, np.inf, -np.inf][int(rng.integers(3))]
        cases.append((bad.tolist(), tol))  # the last loss is below the tolerance
        # a run that dips below the tolerance and climbs again is not converged
        dip = falling.copy()
        dip[-1] = tol * rng.uniform(1.5, 10)
        cases.append((dip.tolist(), tol))
    cases.append(([1.0, 1e-6], None))
    cases.append(([1.0, 3e-5], None))
    cases.append(([1.0, 0.5, float("nan")], None))
    cases.append(([float("inf")], None))
    return cases


def inputs(assignment: str, seed: int) -> dict[str, Any]:
    """Return the inputs the student's functions are called on, made from ``seed``.

    The judge calls this too, so both sides agree on the inputs without the judge ever
    reading them from the collected data.
    """
    rng = np.random.default_rng([seed, 7919])
    if assignment == "reinitialization":
        arrays = []
        for n_models, n_points in [(1, 5), (2, 1), (5, 50), (7, 13), (4, 9)]:
            arrays.append(rng.normal(size=(n_models, n_points)) * rng.uniform(0.1, 10.0))
        # the highest and lowest values of the whole array are in different columns, and one
        # row holds both its own highest and lowest: a spread taken over the whole array or
        # along rows differs from the spread at each point
        special = rng.uniform(0.0, 1.0, size=(3, 6))
        special[0, 1], special[2, 4] = 5.0, -5.0
        arrays.append(special)
        return {"q2": arrays, "q4": _histories(rng)}
    if assignment == "nonuniqueness":
        q1 = [(_network(rng, h), _permutation(rng, h)) for h in (2, 3, 5)]
        q2 = [(_network(rng, h), int(rng.integers(h))) for h in (1, 3, 4)]
        q3 = [1, 2, 3, *sorted(int(h) for h in rng.choice(np.arange(4, 13), 3, replace=False))]
        q4 = []
        for h in (2, 3, 4):
            params = _network(rng, h)
            one_flip = [1.0] * h
            one_flip[int(rng.integers(h))] = -1.0
            # a permutation alone, sign flips alone, then both
            moves = [(_permutation(rng, h), [1.0] * h), (list(range(h)), one_flip)]
            moves += [(list(range(h)), [-1.0] * h)]
            moves += [
                (rng.permutation(h).tolist(), rng.choice([-1.0, 1.0], size=h).tolist())
                for _ in range(3)
            ]
            q4.append((params, [([int(p) for p in perm], sign) for perm, sign in moves]))
        return {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": _flat_points(rng, seed)}
    raise ValueError(f"unknown assignment {assignment!r}")


@functools.lru_cache(maxsize=16)
def _least_squares_point(start_seed: int) -> tuple[float, ...]:
    """Return the least-squares fit from ``least_squares.initial_guess(key(start_seed))``."""
    import jax
    from mlintro import data, least_squares

    start = least_squares.initial_guess(jax.random.key(start_seed))
    return tuple(float(v) for v in least_squares.fit(start, data.X, data.Y).x)


def _flat_points(rng: np.random.Generator, seed: int) -> list[tuple[list[float], float]]:
    """Return the points (flat 10-vectors) and ``rtol`` values of non-uniqueness q5.

    A least-squares fit (a minimum of the sum of squared errors), the same fit with a looser
    and a stricter ``rtol``, a point where one neuron's output weight is zero, and a random
    point (not a minimum).
    """
    # one of 16 starts, so that the judge's fits are reused across a grading run's submissions
    fitted = list(_least_squares_point(seed % 16))
    dead = rng.normal(size=10)
    dead[1] = 0.0  # w10, the output weight of neuron 0: its input weight and bias do nothing
    return [
        (fitted, 1e-6),
        (fitted, 1e-8),
        (dead.tolist(), 1e-6),
        (rng.normal(size=10).tolist(), 1e-3),
    ]


# ---- conversion to plain data -----------------------------------------------------------------


def _plain_float(value: Any) -> float:
    return float.__float__(float(value)) if not isinstance(value, complex) else _complex(value)


def _complex(value: complex) -> float:
    if value.imag != 0:
        raise TypeError("a complex number with a nonzero imaginary part")
    return float(value.real)


def _plain_array(value: Any) -> list:
    """Return ``value`` as nested lists of plain floats (complex with zero imaginary part ok)."""
    array = np.asarray(value)
    if np.iscomplexobj(array):
        if np.any(array.imag != 0):
            raise TypeError("complex values with nonzero imaginary parts")
        array = array.real
    array = np.array(array, dtype=np.float64)
    return json.loads(json.dumps(array.tolist()))


def _plain_network(params: Any) -> list:
    """Return a network's ``[(W0, b0), (W1, b1)]`` as nested lists of floats."""
    if len(params) != 2:
        raise TypeError(f"expected two (W, b) pairs, got {len(params)} items")
    pairs = []
    for pair in params:
        if len(pair) != 2:
            raise TypeError("each layer must be a (W, b) pair")
        pairs.append([_plain_array(pair[0]), _plain_array(pair[1])])
    return pairs


def _plain_int(value: Any) -> int:
    return int.__index__(operator.index(value)) if not isinstance(value, bool) else int(value)


def _plain_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return str.__str__(value)[:200]


def _copy_network(params: list) -> list:
    return [(np.array(w), np.array(b)) for w, b in params]


def _attempt(function: Callable[[], Any]) -> Any:
    """Return ``{"value": ...}`` or ``{"error": ...}``: one answer never stops the others."""
    try:
        return {"value": function()}
    except BaseException as error:
        return {"error": f"{type(error).__name__}: {str(error)[:300]}"}


def _call_network_function(function: Callable, params: list, *args: Any) -> dict[str, Any]:
    """Call ``function(params, *args)``; record the result and the argument after the call."""
    argument = _copy_network(params)

    def call() -> dict[str, Any]:
        out = _plain_network(function(argument, *args))
        return {"out": out, "argument_after": _plain_network(argument)}

    return _attempt(call)


# ---- the answers of each assignment -----------------------------------------------------------


def _collect_reinitialization(ns: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    from mlintro import models

    def fit_data(fit: Any) -> dict[str, Any]:
        losses = np.asarray(fit.losses, dtype=np.float64).ravel()[:MAX_LOSSES]
        return {
            "params": _plain_array(models.flat_from_params(fit.params)),
            "losses": json.loads(json.dumps(losses.tolist())),
            "epochs": _plain_int(fit.epochs),
        }

    def q1() -> dict[str, Any]:
        return {
            "seeds": [_plain_int(s) for s in ns["seeds"]][:50],
            "fits": [_attempt(lambda f=f: fit_data(f)) for f in list(ns["fits"])[:50]],
        }

    def q2() -> list:
        max_spread = ns["max_spread"]
        answers = []
        for array in given["q2"]:
            argument = array.copy()

            def call(argument: np.ndarray = argument) -> dict[str, Any]:
                value = _plain_float(max_spread(argument))
                reversed_value = _plain_float(max_spread(argument[::-1].copy()))
                listed = _plain_float(max_spread(argument.tolist()))
                return {
                    "value": value,
                    "reversed": reversed_value,
                    "list": listed,
                    "argument_after": _plain_array(argument),
                }

            answers.append(_attempt(call))
        return answers

    def q3() -> dict[str, Any]:
        return {
            "seeds": [_plain_int(s) for s in ns["ls_seeds"]][:50],
            "x": [_attempt(lambda r=r: _plain_array(r.x)) for r in list(ns["ls_results"])[:50]],
        }

    def q4() -> dict[str, Any]:
        diagnose = ns["diagnose"]
        labels = []
        for losses, tol in given["q4"]:
            argument = np.array(losses)
            labels.append(
                _attempt(
                    lambda a=argument, t=tol: _plain_str(
                        diagnose(a) if t is None else diagnose(a, tolerance=t)
                    )
                )
            )
        return {"bad_fit": _attempt(lambda: fit_data(ns["bad_fit"])), "diagnose": labels}

    return {"q1": _attempt(q1), "q2": _attempt(q2), "q3": _attempt(q3), "q4": _attempt(q4)}


def _collect_nonuniqueness(ns: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    def q1() -> list:
        return [
            _call_network_function(ns["permute_neurons"], p, list(perm)) for p, perm in given["q1"]
        ]

    def q2() -> list:
        return [_call_network_function(ns["flip_neuron"], p, i) for p, i in given["q2"]]

    def q3() -> list:
        return [_attempt(lambda h=h: _count(ns["count_equivalent"](h))) for h in given["q3"]]

    def q4() -> list:
        canonical = ns["canonical"]
        answers = []
        for params, moves in given["q4"]:
            entry = {"base": _call_network_function(canonical, params), "moved": []}
            for perm, sign in moves:
                moved = _move(params, perm, sign)
                entry["moved"].append(_call_network_function(canonical, moved))
            if "value" in entry["base"]:
                again = [(np.array(w), np.array(b)) for w, b in entry["base"]["value"]["out"]]
                entry["again"] = _call_network_function(canonical, again)
            answers.append(entry)
        return answers

    def q5() -> list:
        from mlintro import data

        flat_directions = ns["flat_directions"]
        return [
            _attempt(
                lambda p=p, r=r: _plain_array(flat_directions(np.array(p), data.X, data.Y, rtol=r))
            )
            for p, r in given["q5"]
        ]

    return {
        "q1": _attempt(q1),
        "q2": _attempt(q2),
        "q3": _attempt(q3),
        "q4": _attempt(q4),
        "q5": _attempt(q5),
    }


def _count(value: Any) -> dict[str, Any]:
    """Record an integer as an int, anything else as its float value and type name."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        number = _plain_float(value) if isinstance(value, float | np.floating) else None
        return {"integer": False, "type": type(value).__name__, "float": number}
    return {"integer": True, "int": _plain_int(value)}


def _move(params: list, perm: list[int], sign: list[float]) -> list:
    """Return ``params`` with neuron i taken from neuron perm[i], then sign[i] applied."""
    (w0, b0), (w1, b1) = params
    s = np.asarray(sign)
    return [(w0[:, perm] * s, b0[perm] * s), (w1[perm, :] * s[:, None], b1.copy())]


class _Names(dict):
    """The notebook's globals; a missing answer is reported as a name the notebook lacks."""

    def __missing__(self, name: str) -> Any:
        raise NameError(f"{name} is not defined in the notebook")


def collect(assignment: str, seed: int, namespace: dict[str, Any]) -> dict[str, Any]:
    """Return the answers of ``assignment`` found in ``namespace`` (the notebook's globals)."""
    given = inputs(assignment, seed)
    namespace = _Names(namespace)
    if assignment == "reinitialization":
        answers = _collect_reinitialization(namespace, given)
    else:
        answers = _collect_nonuniqueness(namespace, given)
    return {"assignment": assignment, "seed": seed, "answers": answers}


def write_answers(assignment: str, seed: int, namespace: dict[str, Any], path: str) -> None:
    """Collect and write the answers to ``path`` as JSON (NaN and infinities allowed)."""
    import os

    data = collect(assignment, seed, namespace)
    partial = f"{path}.partial"
    if os.path.lexists(partial):
        os.remove(partial)
    with open(partial, "w") as handle:
        json.dump(data, handle, allow_nan=True)
    os.replace(partial, path)  # also over a file the notebook left there, read-only or not


# ---- local grading: run the notebook in this process ------------------------------------------


class _NoOtterNotebook:
    """Stands in for ``otter.Notebook`` in local collection: public checks do not score."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: None


def run_notebook(path: str) -> dict[str, Any]:
    """Run every code cell of the notebook at ``path`` in an IPython shell; return its globals.

    A cell that raises does not stop the others (as ``otter run``, which executes with
    ``allow_errors``). ``import otter`` gets a stand-in whose checks do nothing: the public
    checks are for the student, they do not score.
    """
    import types

    from IPython.core.interactiveshell import InteractiveShell

    stub = types.ModuleType("otter")
    stub.Notebook = _NoOtterNotebook
    sys.modules["otter"] = stub
    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    shell = InteractiveShell.instance()
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        shell.run_cell(source, store_history=False, silent=False)
        sys.stdout.flush()
    return shell.user_ns


def main(argv: list[str] | None = None) -> int:
    """Run a notebook, then write its answers (the ``make grade`` collection step)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    notebook, assignment, seed, out = args
    namespace = run_notebook(notebook)
    write_answers(assignment, int(seed), namespace, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
