"""The neural-network lesson's claims that depend on the random start, over 50 PRNG seeds.

The page splits its root key as
``ls_key, init_key, starts_key = jax.random.split(jax.random.key(SEED), 3)``, draws the
network's start from ``init_key`` and the least-squares start from ``ls_key``; these tests
repeat that for SEED in range(50), so that the page's seed is not a lucky one. Each bound
comes from the words of the page ("between a quarter and half", "much sooner" = in less than
half the epochs, "just below" = within 10 %, "of order" = within a decade, "almost every" and
"most" = at least 90 %), not from one machine's output.
"""

import jax
import numpy as np
import pytest
from mlintro import analysis, data, least_squares, models, sweep, training
from mlintro.config import LECTURE

SEEDS = range(50)
X, Y = data.X, data.Y
TOLERANCE = LECTURE.tolerance
EPS = np.finfo(np.float64).eps
STEP_SIZE = LECTURE.step_size
SATURATION_GRID = np.linspace(5.0, 10.0, 51)
# the page's words for the least-squares basin: input weights of about 0.51, 5.3 and 55
USUAL_BASIN = np.array([0.51, 5.3, 55.0])
VARIANTS = {
    "restarted": {"reset_each_epoch": True},
    "plain": {"reset_each_epoch": False},
    "short memory": {"reset_each_epoch": False, "beta2": 0.99},
}

pytestmark = pytest.mark.slow


def page_keys(seed):
    ls_key, init_key, starts_key = jax.random.split(jax.random.key(seed), 3)
    return ls_key, init_key, starts_key


def mse(theta):
    return analysis.objectives(theta, X, Y).mse


def largest_gradient(theta):
    # of the SSE, N times the MSE: the factor cancels in the ratios the page states
    return float(np.abs(analysis.gradient(theta, X, Y)).max())


def in_usual_basin(theta):
    input_weights = models.neurons(analysis.canonical_form(theta)).w0
    return bool(np.allclose(input_weights, USUAL_BASIN, rtol=0.01, atol=0))


@pytest.fixture(scope="module")
def runs():
    runs = []
    for seed in SEEDS:
        _, init_key, _ = page_keys(seed)
        start = models.init_params(init_key, (1, 3, 1))
        fits = {
            name: training.adam_fit(start, X, Y, progress=False, **options)
            for name, options in VARIANTS.items()
        }
        runs.append({"seed": seed, "start": start, **fits})
    return runs


@pytest.fixture(scope="module")
def comparisons(runs):
    out = []
    for run in runs:
        nn_theta = models.flat_from_params(run["restarted"].params)
        after_adam = least_squares.fit(nn_theta, X, Y).x
        same_start = least_squares.fit(models.flat_from_params(run["start"]), X, Y).x
        out.append(
            {"seed": run["seed"], "nn": nn_theta, "after": after_adam, "same_start": same_start}
        )
    return out


@pytest.fixture(scope="module")
def sweeps():
    settings = sweep.one_at_a_time(
        widths=(1, 5), depths=(2,), activations=("sigmoid", "relu"), step_sizes=(0.001, 0.1)
    )
    out = []
    for seed in SEEDS:
        _, init_key, _ = page_keys(seed)
        trials = sweep.train_all(init_key, X, Y, settings)
        out.append({t.setting: t.run for t in trials})
    return out


def test_network_reaches_the_tolerance_before_epoch_500_from_most_starts(runs):
    # measured: 47 of 50; the other three keep one neuron nearly switched off (w0i ~ 0)
    converged = [r for r in runs if r["restarted"].converged]
    assert len(converged) >= 0.9 * len(runs)
    assert all(r["restarted"].losses[-1] < TOLERANCE for r in converged)


def test_network_saturates_beyond_the_data(runs):
    true_rise = np.ptp(data.cube_root(SATURATION_GRID))
    for r in runs:
        prediction = models.predict(r["restarted"].params, SATURATION_GRID)
        assert np.ptp(np.asarray(prediction)) < 0.02 * true_rise, r["seed"]


def test_shorter_memory_restarted_and_plain_adam_in_that_order(runs):
    # "plain Adam ... is the slowest from almost every start": >= 90 % of starts
    slowest = [
        r["plain"].epochs > max(r["restarted"].epochs, r["short memory"].epochs) for r in runs
    ]
    not_slowest = [r["seed"] for r, s in zip(runs, slowest, strict=True) if not s]
    assert sum(slowest) >= 0.9 * len(runs), not_slowest
    median = {name: np.median([r[name].epochs for r in runs]) for name in VARIANTS}
    assert median["restarted"] < median["plain"]
    # "between a quarter and half as many epochs as the restarted optimizer" (measured 0.45)
    assert 0.25 < median["short memory"] / median["restarted"] < 0.5
    # measured: the short memory reaches the tolerance from all 50 starts
    assert sum(r["short memory"].converged for r in runs) >= 0.9 * len(runs)


def test_plain_adam_steps_are_several_times_shorter(runs):
    typical = [
        {name: np.median(r[name].step_lengths) / STEP_SIZE for name in VARIANTS} for r in runs
    ]
    for seed, t in zip(SEEDS, typical, strict=True):
        # "several times shorter" than restarted, from every start; restarted "of that
        # order", the step size: within a decade of it
        assert t["plain"] < 0.5 * t["restarted"], seed
        assert 0.1 <= t["restarted"] <= 1.0, seed
    # and than the short memory's from almost every start (measured: 48 of 50; seeds 4 and
    # 18 take a slow path with beta2 = 0.99 too)
    shorter = [t["plain"] < 0.5 * t["short memory"] for t in typical]
    assert sum(shorter) >= 0.9 * len(typical)


def test_adam_stops_at_the_tolerance_short_of_the_least_squares_minimum(runs, comparisons):
    downwards = []
    for r, c in zip(runs, comparisons, strict=True):
        nn_mse, ls_mse = mse(c["nn"]), mse(c["after"])
        if r["restarted"].converged:
            # "just below the tolerance": Adam stops at the first epoch below it, and near
            # it one epoch lowers the loss by less than 10 % (measured: 0.92 to 1.00 times)
            assert 0.9 * TOLERANCE < nn_mse < TOLERANCE, c["seed"]
            # "tens of times larger" (measured 33 to 37: the tolerance over the minimum)
            assert 10 < nn_mse / ls_mse < 100, c["seed"]
            # negative Hessian eigenvalues, far beyond rounding as on the page
            eigenvalues = analysis.curvature(c["nn"], X, Y).eigenvalues
            downwards.append(bool(eigenvalues[0] < -1e3 * EPS * eigenvalues[-1]))
        # "always many times" the gradient at the least-squares end point (measured: 35 to
        # 430 times; the page glues its own number)
        assert largest_gradient(c["nn"]) > 10 * largest_gradient(c["after"]), c["seed"]
    # "in most runs some eigenvalues are negative too" (measured: 44 of the 47 converged
    # runs; at seeds 26, 30 and 43 no eigenvalue is negative beyond rounding)
    assert sum(downwards) >= 0.9 * len(downwards), downwards


def test_finishing_from_adams_end_lands_in_the_usual_basin(comparisons):
    for c in comparisons:
        assert in_usual_basin(c["after"]), c["seed"]
        assert not in_usual_basin(c["nn"]), c["seed"]


def test_least_squares_from_the_networks_start_mostly_lands_in_the_usual_basin(comparisons):
    # the nonlinear-fit lesson: about one start in six ends in a second, worse valley
    usual = [c["seed"] for c in comparisons if in_usual_basin(c["same_start"])]
    assert len(usual) >= 2 / 3 * len(comparisons), usual


def test_explorer_claims_hold_for_every_start(sweeps):
    base = sweep.Setting()
    for seed, by_setting in zip(SEEDS, sweeps, strict=True):
        assert not by_setting[base._replace(width=1)].converged, seed
        assert not by_setting[base._replace(activation="relu")].converged, seed
        slow = by_setting[base._replace(step_size=0.001)]
        assert not slow.converged and np.mean(np.diff(slow.losses) > 0) < 0.05, seed
        jumpy = by_setting[base._replace(step_size=0.1)]
        assert not jumpy.converged, seed


@pytest.mark.parametrize("changes", [{}, {"width": 5}, {"depth": 2}])
def test_three_or_five_neurons_and_two_layers_reach_the_tolerance_from_most_starts(sweeps, changes):
    setting = sweep.Setting()._replace(**changes)
    converged = [s[setting].converged for s in sweeps]
    assert sum(converged) >= 0.9 * len(sweeps)


def test_sigmoid_network_ends_near_the_tolerance_and_reaches_it_with_more_epochs(sweeps):
    base = sweep.Setting(activation="sigmoid")
    for seed, by_setting in zip(SEEDS, sweeps, strict=True):
        fit = by_setting[base]
        # "not far above the tolerance": within a decade of it
        assert fit.losses[-1] < 10 * TOLERANCE, seed
        if not fit.converged:  # restarted Adam keeps no state: 500 more epochs continue it
            more = training.adam_fit(fit.params, X, Y, activation=jax.nn.sigmoid, progress=False)
            assert more.converged, seed


def test_jumping_at_step_size_0_1_comes_mostly_from_the_restarts(sweeps):
    base = sweep.Setting(step_size=0.1)
    for seed, by_setting in zip(SEEDS, sweeps, strict=True):
        rises = np.mean(np.diff(by_setting[base].losses) > 0)
        _, init_key, _ = page_keys(seed)
        plain = training.adam_fit(
            models.init_params(init_key, (1, 3, 1)),
            X,
            Y,
            step_size=0.1,
            reset_each_epoch=False,
            progress=False,
        )
        assert np.mean(np.diff(plain.losses) > 0) < 0.5 * rises, seed


def test_try_it_an_even_shorter_memory_needs_fewer_epochs(runs):
    # the solution of "Predict, then run": beta2 = 0.9 converges, in fewer epochs than 0.99
    shorter = [
        training.adam_fit(r["start"], X, Y, reset_each_epoch=False, beta2=0.9, progress=False)
        for r in runs
    ]
    assert sum(fit.converged for fit in shorter) >= 0.9 * len(runs)
    # "the steps stay of order alpha": within a decade of it
    typical = [np.median(fit.step_lengths) / STEP_SIZE for fit in shorter]
    assert sum(0.1 <= t <= 1.0 for t in typical) >= 0.9 * len(runs)
    assert np.median([fit.epochs for fit in shorter]) < np.median(
        [r["short memory"].epochs for r in runs]
    )


def test_try_it_another_function(runs):
    # the solution of "Predict, then run: another function": x^2 is reached "much sooner"
    # than the cube root (in less than half the epochs; measured: 49 of 50 seeds, seed 23
    # misses the tolerance), sin(2 pi x) not at all within 500 epochs, at a loss of order 1e-4
    square, sine = [], []
    for r in runs:
        square.append(training.adam_fit(r["start"], X, X**2, progress=False))
        sine.append(training.adam_fit(r["start"], X, np.sin(2 * np.pi * X), progress=False))
    sooner = [
        s.converged and s.epochs < 0.5 * r["restarted"].epochs
        for s, r in zip(square, runs, strict=True)
    ]
    assert sum(sooner) >= 0.9 * len(runs)
    assert sum(not s.converged for s in sine) >= 0.9 * len(runs)
    assert sum(1e-5 < s.losses[-1] < 1e-3 for s in sine) >= 0.9 * len(runs)
