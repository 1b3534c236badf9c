"""Judge collected answers: the graded checks of the exercises, run in a clean process.

``collect.py`` runs with the student's code and writes plain JSON data. This module reads
that data in a process the student's code never ran in (``exercises/grade.py`` locally; the
``otter run`` process on Gradescope, through ``judge_plugin.py``), rebuilds the inputs from the
seed and computes every reference value itself. It only ever compares plain ``int``,
``float`` and ``str`` values, so objects with a lying ``__eq__`` and patched NumPy functions
have nothing to act on. A failed check says what was wrong, never what the right value is.

This file holds the graded checks, so it is never given to students: it is not in the
student notebooks, and the Gradescope plugin deletes it from disk before the student's
kernel starts.
"""

import functools
import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from mlintro.config import LECTURE

if __package__:  # exercises.judge, in the project
    from .collect import QUESTIONS, _least_squares_point, inputs
else:  # judge.py at the root of the autograder zip, beside collect.py
    from collect import QUESTIONS, _least_squares_point, inputs

__all__ = ["POINTS", "Verdict", "judge", "load_answers", "use_compilation_cache", "warm_up"]

POINTS = {
    "reinitialization": {"q1": 3, "q2": 2, "q3": 2, "q4": 3},
    "nonuniqueness": {"q1": 2, "q2": 2, "q3": 2, "q4": 3, "q5": 2},
}
MAX_ANSWER_BYTES = 20_000_000
EPS = float(np.finfo(np.float64).eps)
# Retraining from the same seed runs the same compiled program on the same machine; these
# allow for a different summation order in the student's process, which a converged run does
# not amplify beyond them.
RETRAIN_RTOL, RETRAIN_ATOL = 1e-6, 1e-9
# The exercise asks for at least five seeds; the judge retrains (outside the sandbox's time
# limit) only the first ten of a longer list, so a list of thousands costs no more.
JUDGED_SEEDS = 10


@dataclass(frozen=True)
class Verdict:
    """The graded result of one question."""

    score: float
    points: float
    message: str  # what was wrong, or "passed"

    @property
    def passed(self) -> bool:
        """Return whether the question got its points."""
        return self.score == self.points


class Wrong(Exception):
    """A graded check failed; the message says what was wrong."""


def _value(entry: Any, what: str) -> Any:
    """Return the value of a collected ``{"value": ...}`` entry or raise :class:`Wrong`."""
    if not isinstance(entry, dict):
        raise Wrong(f"{what}: no answer was collected")
    if "error" in entry:
        raise Wrong(f"{what} raised {str(entry['error'])[:200]}")
    if "value" not in entry:
        raise Wrong(f"{what}: no answer was collected")
    return entry["value"]


def _floats(value: Any, shape: tuple[int, ...] | None, what: str) -> np.ndarray:
    """Return plain JSON numbers as a float array of ``shape`` (any shape if None)."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise Wrong(f"{what} is not an array of numbers") from error
    if shape is not None and array.shape != shape:
        raise Wrong(f"{what} has shape {array.shape}, expected {shape}")
    return array


def _int(value: Any, what: str) -> int:
    if type(value) is not int:
        raise Wrong(f"{what} is not an integer")
    return value


def _close(a: np.ndarray, b: np.ndarray, *, rtol: float, atol: float = 0.0) -> bool:
    """Return whether plain float arrays agree within ``atol + rtol * |b|`` (NaN never does)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    return bool(np.all(np.abs(a - b) <= atol + rtol * np.abs(b)))


# ---- references computed here, cached across the submissions of a grading run ---------------


@functools.lru_cache(maxsize=4096)
def _retrained(seed: int) -> tuple[np.ndarray, float]:
    """Return the parameters and final loss of the default run from ``jax.random.key(seed)``."""
    import jax
    from mlintro import data, models, training

    fit = training.adam_fit(
        models.init_params(jax.random.key(seed), (1, 3, 1)), data.X, data.Y, progress=False
    )
    return np.asarray(models.flat_from_params(fit.params), dtype=np.float64), float(fit.losses[-1])


@functools.lru_cache(maxsize=4096)
def _refitted(seed: int) -> np.ndarray:
    """Return the least-squares fit from ``least_squares.initial_guess(jax.random.key(seed))``."""
    # collect's own cache holds the 16 starts of non-uniqueness q5: students' seeds bypass it
    return np.asarray(_least_squares_point.__wrapped__(seed), dtype=np.float64)


@functools.lru_cache(maxsize=16)
def _inputs(assignment: str, seed: int) -> dict[str, Any]:
    return inputs(assignment, seed)


def use_compilation_cache(folder: Path) -> None:
    """Keep the judge's compiled functions in ``folder`` across grading runs.

    Only trusted processes (``make exercises``, ``make grade``'s own process) use this
    folder; it is never mounted in a sandbox. Call before the judge's first computation.
    """
    import jax

    folder.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)


def warm_up() -> None:
    """Import and compile what the judge uses, before any student code runs (Gradescope)."""
    import mlintro.analysis
    import mlintro.least_squares
    import mlintro.models
    import mlintro.training  # noqa: F401

    _retrained(0)
    _refitted(0)
    _hessian(tuple(_refitted(0).tolist()))
    _mse(tuple(_retrained(0)[0].tolist()))


def _mse(flat: tuple[float, ...]) -> float:
    from mlintro import data, models, training

    params = models.params_from_flat(np.array(flat))
    return float(training.mse(params, data.X, data.Y))


def _sse(flat: np.ndarray) -> float:
    from mlintro import analysis, data

    return float(analysis.sse(flat, data.X, data.Y))


@functools.lru_cache(maxsize=64)
def _hessian(flat: tuple[float, ...]) -> np.ndarray:
    from mlintro import analysis, data

    return np.asarray(analysis.hessian(np.array(flat), data.X, data.Y), dtype=np.float64)


def _network_predict(params: list, x: np.ndarray) -> np.ndarray:
    """Evaluate a 1-h-1 tanh network given as float arrays, in NumPy."""
    (w0, b0), (w1, b1) = params
    return np.tanh(x[:, None] * w0[0] + b0) @ w1[:, 0] + b1[0]


def _per_input(entries: Any, inputs: list, missing: str) -> list[tuple[Any, Any]]:
    """Pair each test input with the answer collected for it, or raise ``Wrong(missing)``."""
    if not isinstance(entries, list) or len(entries) != len(inputs):
        raise Wrong(missing)
    return list(zip(inputs, entries, strict=True))


def _network(value: Any, h: int, what: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return collected network parameters as arrays of the layout for ``h`` neurons."""
    if not isinstance(value, list) or len(value) != 2:
        raise Wrong(f"{what} is not a list of two (W, b) pairs")
    shapes = [((1, h), (h,)), ((h, 1), (1,))]
    pairs = []
    for layer, (pair, (w_shape, b_shape)) in enumerate(zip(value, shapes, strict=True)):
        if not isinstance(pair, list) or len(pair) != 2:
            raise Wrong(f"{what}: layer {layer} is not a (W, b) pair")
        try:
            w = np.array(pair[0], dtype=np.float64)
            b = np.array(pair[1], dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise Wrong(f"{what}: layer {layer} does not hold arrays of numbers") from error
        if w.shape != w_shape or b.shape != b_shape:
            raise Wrong(
                f"{what} has the wrong layout for H = {h}: shapes {w.shape} and {b.shape} in "
                f"layer {layer}, expected {w_shape} and {b_shape}"
            )
        pairs.append((w, b))
    return pairs


def _same_network(a: list, b: list, *, rtol: float) -> bool:
    return all(
        _close(x, y, rtol=rtol, atol=rtol * max(1.0, float(np.max(np.abs(y)))))
        for p, q in zip(a, b, strict=True)
        for x, y in zip(p, q, strict=True)
    )


def _arrays(params: list) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)) for w, b in params]


# ---- re-initialization ------------------------------------------------------------------------


def _seeds(value: Any, what: str) -> list[int]:
    if not isinstance(value, list):
        raise Wrong(f"{what} is not a list")
    seeds = [_int(s, f"{what}[{i}]") for i, s in enumerate(value)]
    if len(seeds) < 5:
        raise Wrong(f"{what} has {len(seeds)} seeds, fewer than five")
    if len(set(seeds)) != len(seeds):
        raise Wrong(f"{what} repeats a seed")
    return seeds


def _reinit_q1(answer: Any, given: dict[str, Any]) -> None:
    value = _value(answer, "q1")
    seeds = _seeds(value.get("seeds"), "seeds")
    runs = _per_input(value.get("fits"), seeds, "fits does not hold one fit per seed")
    flats = []
    for i, (seed, entry) in enumerate(runs[:JUDGED_SEEDS]):
        fit = _value(entry, f"fits[{i}]")
        flat = _floats(fit.get("params"), (10,), f"the parameters of fits[{i}]")
        again, final_loss = _retrained(seed)
        if not _close(flat, again, rtol=RETRAIN_RTOL, atol=RETRAIN_ATOL):
            raise Wrong(
                f"fit {i} is not reproduced from seeds[{i}]: training the network drawn with "
                f"jax.random.key(seeds[{i}]) with the default settings ends elsewhere"
            )
        if not final_loss < LECTURE.tolerance:
            raise Wrong(f"the run from seeds[{i}] does not reach the tolerance; replace that seed")
        flats.append(flat)
    for (i, a), (j, b) in itertools.combinations(enumerate(flats), 2):
        if np.max(np.abs(a - b)) <= 1e-6:
            raise Wrong(f"fits {i} and {j} ended with the same parameters")
    from mlintro import data, models

    inside = np.linspace(0.0, 1.0, 101)
    outside = data.extrapolation_grid(stop=10.0, n_points=101)
    p_in = np.array([np.asarray(models.predict(models.params_from_flat(f), inside)) for f in flats])
    p_out = np.array(
        [np.asarray(models.predict(models.params_from_flat(f), outside)) for f in flats]
    )
    spread_in = p_in.max(axis=0) - p_in.min(axis=0)
    spread_out = p_out.max(axis=0) - p_out.min(axis=0)
    if not spread_in.max() < 0.05:
        raise Wrong("the networks do not agree on [0, 1]")
    if not spread_out.mean() > spread_in.mean():
        raise Wrong("the networks do not disagree more on [0, 10] than on [0, 1]")


def _reinit_q2(answer: Any, given: dict[str, Any]) -> None:
    for array, entry in _per_input(
        _value(answer, "q2"), given["q2"], "max_spread was not called on every test array"
    ):
        what = f"max_spread on a {array.shape[0]} x {array.shape[1]} array"
        got = _value(entry, what)
        expected = float(np.max(array.max(axis=0) - array.min(axis=0)))
        # one subtraction of two entries of the array: any correct method rounds it the same way
        rtol = 4 * EPS
        value = got.get("value")
        if not isinstance(value, float):
            raise Wrong(f"{what} did not return a float")
        if not _close(value, expected, rtol=rtol):
            rows = float(np.max(array.max(axis=1) - array.min(axis=1)))
            whole = float(array.max() - array.min())
            if _close(value, whole, rtol=rtol):
                raise Wrong(
                    f"{what}: your result is the range of the whole array, not the largest "
                    "spread at one input point (one column)"
                )
            if _close(value, rows, rtol=rtol):
                raise Wrong(f"{what}: you took the spread along rows (models), not along columns")
            raise Wrong(f"{what} returned a wrong value")
        if not _close(got.get("reversed"), expected, rtol=rtol):
            raise Wrong(f"{what}: the result changes when the rows are put in another order")
        if not _close(got.get("list"), expected, rtol=rtol):
            raise Wrong(f"{what}: the result is wrong when the rows come as a list of lists")
        after = _floats(got.get("argument_after"), None, "the argument")
        if not np.array_equal(after, array):
            raise Wrong("max_spread changed its argument")


def _reinit_q3(answer: Any, given: dict[str, Any]) -> None:
    value = _value(answer, "q3")
    seeds = _seeds(value.get("seeds"), "ls_seeds")
    runs = _per_input(value.get("x"), seeds, "ls_results does not hold one result per seed")
    from mlintro import models

    xs = np.linspace(0.0, 1.0, 101)
    flats, curves = [], []
    for i, (seed, entry) in enumerate(runs[:JUDGED_SEEDS]):
        flat = _floats(_value(entry, f"ls_results[{i}].x"), (10,), f"ls_results[{i}].x")
        if not _close(flat, _refitted(seed), rtol=RETRAIN_RTOL, atol=RETRAIN_ATOL):
            raise Wrong(f"fit {i} is not reproduced from ls_seeds[{i}] with the default options")
        if not _sse(flat) < 1e-3:
            raise Wrong(f"fit {i} does not fit the data")
        flats.append(flat)
        curves.append(np.asarray(models.scalar_model(xs, flat)))
    for (i, a), (j, b) in itertools.combinations(enumerate(flats), 2):
        if np.max(np.abs(a - b)) <= 1e-6:
            raise Wrong(f"fits {i} and {j} ended with the same parameters")
    curves = np.array(curves)
    if not np.max(curves.max(axis=0) - curves.min(axis=0)) < 0.05:
        raise Wrong("the fitted curves do not agree on [0, 1]")


def _diagnosis(losses: list[float], tolerance: float | None) -> str:
    losses = np.asarray(losses, dtype=np.float64)
    if not np.all(np.isfinite(losses)):
        return "diverged"
    limit = LECTURE.tolerance if tolerance is None else tolerance
    return "converged" if losses[-1] < limit else "stuck"


def _reinit_q4(answer: Any, given: dict[str, Any]) -> None:
    value = _value(answer, "q4")
    fit = _value(value.get("bad_fit"), "bad_fit")
    losses = _floats(fit.get("losses"), None, "bad_fit.losses")
    epochs = _int(fit.get("epochs"), "bad_fit.epochs")
    flat = _floats(fit.get("params"), (10,), "the parameters of bad_fit")
    if losses.ndim != 1 or len(losses) != epochs or epochs < 1:
        raise Wrong("bad_fit.losses does not hold one loss per epoch")
    last = float(losses[-1])
    loss = _mse(tuple(flat.tolist()))
    if math.isfinite(last):
        if epochs != LECTURE.max_epochs:
            raise Wrong(
                f"bad_fit ran {epochs} epochs: a run that neither reaches the tolerance nor "
                f"diverges runs the default {LECTURE.max_epochs}; keep max_epochs at its default"
            )
        # the loss after the last epoch, computed again from the parameters: a sum of 50
        # squares, no cancellation, so only rounding separates the two
        if not _close(loss, last, rtol=1e-9):
            raise Wrong("bad_fit.losses do not belong to bad_fit.params (the last loss differs)")
        if not last >= LECTURE.tolerance:
            raise Wrong("bad_fit reaches the tolerance: it is not a failed run")
    elif math.isfinite(loss):
        raise Wrong("bad_fit's last loss is not a number, but its parameters give a finite loss")
    for (history, tolerance), entry in _per_input(
        value.get("diagnose"), given["q4"], "diagnose was not called on every test history"
    ):
        got = _value(entry, "diagnose")
        expected = _diagnosis(history, tolerance)
        if got == expected:
            continue
        kind = (
            "a history with a NaN or infinite loss"
            if expected == "diverged"
            else (
                "a history whose last loss is below the tolerance"
                if expected == "converged"
                else "a finite history whose last loss is not below the tolerance"
            )
        )
        where = "" if tolerance is None else f" (tolerance={tolerance:.3g})"
        raise Wrong(f"diagnose returned {got[:40]!r} for {kind}{where}")


# ---- non-uniqueness ---------------------------------------------------------------------------


def _network_answer(entry: Any, params: list, what: str) -> list:
    """Return the collected result of a network function; check its argument was left alone."""
    got = _value(entry, what)
    h = params[0][1].shape[0]
    out = _network(got.get("out"), h, what)
    after = _network(got.get("argument_after"), h, f"the argument of {what}")
    if not _same_network(after, params, rtol=0.0):
        raise Wrong(f"{what} changed its argument")
    return out


def _moved(params: list, perm: list[int], sign: list[float]) -> list:
    (w0, b0), (w1, b1) = _arrays(params)
    s = np.asarray(sign)
    return [(w0[:, perm] * s, b0[perm] * s), (w1[perm, :] * s[:, None], b1)]


def _neuron_rows(out: list, params: list, what: str, why: str) -> list:
    """Return ``(name, new, old)`` for each of a hidden neuron's parameters, one entry per neuron.

    The output bias belongs to no hidden neuron: an answer that changed it is wrong (``why``).
    """
    (w0, b0), (w1, b1) = _arrays(params)
    (v0, c0), (v1, c1) = out
    if not _close(c1, b1, rtol=0.0):
        raise Wrong(f"{what}: the output bias changed; {why}")
    return [("input weight", v0[0], w0[0]), ("bias", c0, b0), ("output weight", v1[:, 0], w1[:, 0])]


def _nonu_q1(answer: Any, given: dict[str, Any]) -> None:
    for (params, perm), entry in _per_input(
        _value(answer, "q1"), given["q1"], "permute_neurons was not called on every test network"
    ):
        h = len(perm)
        what = f"permute_neurons for H = {h}"
        out = _network_answer(entry, params, what)
        if _same_network(out, _moved(params, perm, [1.0] * h), rtol=4 * EPS):
            continue
        inverse = list(np.argsort(perm))
        if _same_network(out, _moved(params, inverse, [1.0] * h), rtol=4 * EPS):
            raise Wrong(
                f"{what}: the permutation is applied in the inverse direction (neuron i must "
                "be taken from neuron perm[i], not moved to position perm[i])"
            )
        for name, new, old in _neuron_rows(out, params, what, "it belongs to no hidden neuron"):
            if not _close(new, old[perm], rtol=4 * EPS):
                raise Wrong(f"{what}: the {name} did not move with its neuron")
        raise Wrong(f"{what} returned a wrong network")


def _nonu_q2(answer: Any, given: dict[str, Any]) -> None:
    for (params, i), entry in _per_input(
        _value(answer, "q2"), given["q2"], "flip_neuron was not called on every test network"
    ):
        h = params[0][1].shape[0]
        what = f"flip_neuron for H = {h}"
        out = _network_answer(entry, params, what)
        sign = [1.0] * h
        sign[i] = -1.0
        if _same_network(out, _moved(params, list(range(h)), sign), rtol=4 * EPS):
            continue
        s = np.asarray(sign)
        why = "tanh being odd does not involve it"
        for name, new, old in _neuron_rows(out, params, what, why):
            if _close(new, old, rtol=0.0):
                raise Wrong(f"{what}: the sign of neuron {i}'s {name} did not change")
            if not _close(new, old * s, rtol=4 * EPS):
                raise Wrong(f"{what}: the {name} of other neurons than neuron i changed")
        raise Wrong(f"{what} returned a wrong network")


def _nonu_q3(answer: Any, given: dict[str, Any]) -> None:
    calls = _per_input(
        _value(answer, "q3"), given["q3"], "count_equivalent was not called for every H"
    )
    counts = {}
    for h, entry in calls:
        got = _value(entry, f"count_equivalent({h})")
        if got.get("integer") is not True or type(got.get("int")) is not int:
            raise Wrong(f"count_equivalent({h}) did not return an integer ({got.get('type')})")
        counts[h] = got["int"]
    wrong = [h for h, count in counts.items() if count != math.factorial(h) * 2**h]
    if not wrong:
        return
    if all(count == math.factorial(h) for h, count in counts.items()):
        raise Wrong("count_equivalent counts the permutations but not the sign flips")
    if all(count == 2**h for h, count in counts.items()):
        raise Wrong("count_equivalent counts the sign flips but not the permutations")
    raise Wrong(f"count_equivalent({wrong[0]}) is wrong")


def _nonu_q4(answer: Any, given: dict[str, Any]) -> None:
    calls = _per_input(
        _value(answer, "q4"), given["q4"], "canonical was not called on every test network"
    )
    xs = np.linspace(-3.0, 3.0, 41)
    for (params, moves), entry in calls:
        h = params[0][1].shape[0]
        what = f"canonical for H = {h}"
        if not isinstance(entry, dict):
            raise Wrong(f"{what}: no answer was collected")
        base = _network_answer(entry.get("base"), params, what)
        # the network's value is a sum of h + 1 terms; reordering them changes its rounding
        scale = float(np.sum(np.abs(params[1][0])) + np.abs(params[1][1][0]))
        if not _close(
            _network_predict(base, xs),
            _network_predict(_arrays(params), xs),
            rtol=0.0,
            atol=64 * EPS * scale,
        ):
            raise Wrong(f"{what}: the canonical form computes a different function")
        for (perm, sign), moved_entry in _per_input(
            entry.get("moved"),
            moves,
            f"{what}: canonical was not called on every rearranged network",
        ):
            moved = _moved(params, perm, sign)
            out = _network_answer(moved_entry, moved, what)
            if _same_network(out, base, rtol=16 * EPS):
                continue
            if all(s == 1.0 for s in sign):
                raise Wrong(f"{what}: permuting the neurons changes your canonical form")
            if perm == list(range(h)):
                raise Wrong(f"{what}: flipping the sign of a neuron changes your canonical form")
            raise Wrong(f"{what}: a permutation with sign flips changes your canonical form")
        again = _network_answer(entry.get("again"), base, what)
        if not _same_network(again, base, rtol=16 * EPS):
            raise Wrong(f"{what}: the canonical form of a canonical form is different")


def _nonu_q5(answer: Any, given: dict[str, Any]) -> None:
    calls = _per_input(
        _value(answer, "q5"), given["q5"], "flat_directions was not called at every test point"
    )
    n = 10
    for k, ((point, rtol), entry) in enumerate(calls):
        what = f"flat_directions at test point {k} (rtol={rtol:g})"
        out = _floats(_value(entry, what), None, what)
        if out.ndim != 2 or out.shape[0] != n:
            raise Wrong(f"{what} has shape {out.shape}; the directions must be columns (10, k)")
        if not np.all(np.isfinite(out)):
            raise Wrong(f"{what} holds NaN or infinite values")
        values, vectors = np.linalg.eigh(_hessian(tuple(point)))
        size = np.abs(values)
        threshold = rtol * size.max()
        # eigenvalues within rounding of the threshold may be counted either way: eig and
        # eigh round differently, by a few n * eps * max|eigenvalue|
        band = 100 * n * EPS * size.max()
        must = size < threshold - band
        may = size < threshold + band
        k_out = out.shape[1]
        if not must.sum() <= k_out <= may.sum():
            raise Wrong(
                f"{what} returned {k_out} directions: that is not the number of eigenvalues "
                "smaller in size than rtol times the largest"
            )
        if k_out == 0:
            continue
        norms = np.linalg.norm(out, axis=0)
        if np.any(norms == 0):
            raise Wrong(f"{what} holds a zero column, which is not an eigenvector")
        unit = out / norms
        # eigenvectors are determined up to rotation within the near-zero cluster, with an
        # error of about n * eps * max|eigenvalue| / gap to the other eigenvalues
        outside = size[~may]
        gap = (outside.min() - size[may].max()) if outside.size else size.max()
        tol = min(1e-3, max(1e-9, 1e3 * n * EPS * size.max() / max(gap, 1e-300)))
        allowed = vectors[:, may]
        residual = unit - allowed @ (allowed.T @ unit)
        if np.max(np.linalg.norm(residual, axis=0)) > tol:
            if np.max(np.abs(unit.T @ vectors[:, ~may])) > 0.5:
                raise Wrong(f"{what} includes a direction whose eigenvalue is not near zero")
            raise Wrong(f"{what}: a column is not an eigenvector with a near-zero eigenvalue")
        singular = np.linalg.svd(unit, compute_uv=False)
        if singular.min() < 1e-6:
            raise Wrong(f"{what}: two columns are the same direction (they must be independent)")
        required = vectors[:, must]
        basis, _ = np.linalg.qr(unit)
        missing = required - basis @ (basis.T @ required)
        if required.size and np.max(np.linalg.norm(missing, axis=0)) > tol:
            raise Wrong(f"{what} misses a flat direction")


CHECKS: dict[str, dict[str, Callable[[Any, dict[str, Any]], None]]] = {
    "reinitialization": {"q1": _reinit_q1, "q2": _reinit_q2, "q3": _reinit_q3, "q4": _reinit_q4},
    "nonuniqueness": {
        "q1": _nonu_q1,
        "q2": _nonu_q2,
        "q3": _nonu_q3,
        "q4": _nonu_q4,
        "q5": _nonu_q5,
    },
}


def judge(assignment: str, seed: int, data: Any) -> dict[str, Verdict]:
    """Grade the collected ``data`` of one submission; return a verdict per question.

    ``seed`` is the grader's, never read from ``data``. A question whose answer is missing,
    malformed or wrong scores 0 with a message; nothing in ``data`` can raise out of here.
    """
    points = POINTS[assignment]
    answers = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(answers, dict) or data.get("assignment") != assignment:
        answers = {}
    given = _inputs(assignment, seed)
    verdicts = {}
    for question in QUESTIONS[assignment]:
        try:
            if question not in answers:
                raise Wrong(f"{question}: no answer was collected")
            CHECKS[assignment][question](answers[question], given)
            verdicts[question] = Verdict(points[question], points[question], "passed")
        except Wrong as wrong:
            verdicts[question] = Verdict(0, points[question], str(wrong))
        except Exception as error:  # malformed data the checks did not foresee
            message = f"{question}: the answer could not be read ({type(error).__name__})"
            verdicts[question] = Verdict(0, points[question], message)
    return verdicts


def load_answers(path: Path) -> tuple[Any, str | None]:
    """Read collected answers; return ``(data, None)`` or ``(None, why not)``.

    The file was written where student code ran: it is opened without following a symbolic
    link and without blocking (a FIFO), read only if it is a regular file, and at most
    ``MAX_ANSWER_BYTES`` of it.
    """
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, "no answers were written (the notebook stopped or removed them)"
    except OSError as error:
        return None, f"the answers file cannot be opened ({error.strerror})"
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, "the answers file is not a regular file"
        raw = handle.read(MAX_ANSWER_BYTES + 1)
    if len(raw) > MAX_ANSWER_BYTES:
        return None, f"the collected answers are larger than {MAX_ANSWER_BYTES} bytes"
    try:
        return json.loads(raw.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return None, f"the collected answers are not readable ({type(error).__name__})"
