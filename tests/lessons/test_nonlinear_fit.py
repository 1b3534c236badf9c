"""The nonlinear-fit lesson's claims that depend on the random start, over 50 PRNG seeds.

The page draws its starts as
``first_key, *restart_keys = jax.random.split(jax.random.key(SEED), 5)`` and fits from
``first_key``; these tests repeat that fit for SEED in range(50), so that the
page's seed is not a lucky one. Fits from different seeds are also the population for the
page's claims about restarts (a claim that holds for every pair of the 50 holds for the
page's five). Each bound comes from the words of the page ("about" = within a factor of 2,
"of order" = within a decade, "more than 99 %" = 0.99, ...), not from one machine's output;
properties of the end point that the flat valley leaves undetermined are not asserted.

Most starts end in one valley (the "main" one, cost ~1.37e-5); about one in six ends in a
second one, with a cost about ten times higher. The main-valley claims are tested for every
main-valley seed, and the fraction of such seeds for "about one in six".
"""

import itertools

import jax
import numpy as np
import pytest
from mlintro import analysis, data, least_squares, models

SEEDS = range(50)
X, Y = data.X, data.Y
BEYOND = np.linspace(5.0, 10.0, 51)  # the page's [5, 10]
EPS = np.finfo(float).eps

pytestmark = pytest.mark.slow


def first_start(seed):
    first_key, *_ = jax.random.split(jax.random.key(seed), 5)
    return least_squares.initial_guess(first_key)


@pytest.fixture(scope="module")
def runs():
    records = []
    for seed in SEEDS:
        x0 = first_start(seed)
        result = least_squares.fit(x0, X, Y)
        canonical = analysis.canonical_form(result.x)
        records.append(
            {
                "seed": seed,
                "x0": x0,
                "result": result,
                "canonical": canonical,
                "curvature": analysis.curvature(canonical, X, Y),
            }
        )
    lowest = min(r["result"].cost for r in records)
    for r in records:
        r["main"] = r["result"].cost < 2 * lowest
    return records


@pytest.fixture(scope="module")
def main(runs):
    return [r for r in runs if r["main"]]


def failing(runs, condition):
    return [r["seed"] for r in runs if not condition(r)]


def test_about_one_start_in_six_ends_in_a_second_valley_about_ten_times_higher(runs, main):
    second = [r for r in runs if not r["main"]]
    share = len(second) / len(runs)
    assert 1 / 12 <= share <= 1 / 3, f"share {share}"  # "about one in six"
    lowest = min(r["result"].cost for r in main)
    # "about ten times higher", "the fit still looks good"
    assert failing(second, lambda r: 5 < r["result"].cost / lowest < 20) == []
    misfit = lambda r: np.abs(least_squares.residuals(r["result"].x, X, Y)).max()  # noqa: E731
    assert failing(second, lambda r: misfit(r) < 0.02) == []


def test_the_solver_stops_at_its_evaluation_limit(runs):
    assert failing(runs, lambda r: r["result"].status == 0 and r["result"].nfev == 1000) == []


def test_the_fit_is_good_and_the_objectives_are_one_quantity(main):
    # "the largest miss" is glued; "of order a million times smaller than at the start"
    def check(r):
        o = analysis.objectives(r["result"].x, X, Y)
        start = analysis.objectives(r["x0"], X, Y)
        return (
            np.isclose(o.half_sse, r["result"].cost, rtol=1e-8)
            and 1e5 < start.half_sse / o.half_sse < 1e7
            and np.abs(least_squares.residuals(r["result"].x, X, Y)).max() < 0.005
        )

    assert failing(main, check) == []


def test_the_gradient_shrinks_more_than_ten_thousandfold(main):
    def check(r):
        start = np.abs(analysis.gradient(r["x0"], X, Y)).max()
        return np.abs(r["curvature"].gradient).max() < 1e-4 * start

    assert failing(main, check) == []


def test_the_hessian_is_positive_definite_and_sloppy_without_a_gap(main):
    def check(r):
        eigs = r["curvature"].eigenvalues
        decades = np.log10(r["curvature"].condition_number)
        neighbour_ratio = (eigs[1:] / eigs[:-1]).max()
        counts = [np.sum(eigs < cut * eigs.max()) for cut in [1e-4, 1e-6, 1e-8, 1e-10]]
        return (
            eigs.min() > 1e3 * EPS * eigs.max()  # positive beyond rounding
            and decades > 10  # "more than ten decades"
            and 100 < neighbour_ratio < 1000  # "a factor of a few hundred"
            and counts[1] == 5  # the lecture's "five" is the count at 1e-6
            and len(set(counts)) == 4  # each cut-off its own count
        )

    assert failing(main, check) == []


def test_the_gauss_newton_term_is_far_flatter_than_the_hessian(main):
    def check(r):
        jac = least_squares.jacobian(r["canonical"], X, Y)
        gauss_newton = np.sort(2 * np.linalg.svd(jac, compute_uv=False) ** 2)
        eigs = r["curvature"].eigenvalues
        return (
            np.all((gauss_newton[:3] > 1e-14) & (gauss_newton[:3] < 1e-12))  # "near 1e-13"
            and np.all(eigs[:3] > 1e3 * gauss_newton[:3])  # "thousands of times below"
            and np.allclose(gauss_newton[5:], eigs[5:], rtol=0.05)  # "nearly agree"
            and 1e-10 < eigs[0] < 1e-8  # "from about 1e-9"
            and 250 < eigs[-1] < 1000  # "up to about 500"
        )

    assert failing(main, check) == []


def test_every_neuron_works_in_its_tail(main):
    def check(r):
        parts = models.neurons(r["canonical"])
        z = parts.w0[:, None] * X + parts.b0[:, None]
        tail_error = np.abs(np.tanh(z) - (1 - 2 * np.exp(-2 * z))).max()
        return z.min() > 2.2 and tail_error < 1e-3

    assert failing(main, check) == []


def test_the_flat_eigenvectors_are_the_tail_redundancies(main):
    output_names = ["b1", "w10", "w11", "w12"]

    def check(r):
        vectors = r["curvature"].eigenvectors
        parts = models.neurons(r["canonical"])
        stiffest = models.neurons(vectors[:, -1])
        predicted = np.zeros((10, 3))
        for i in range(3):
            neuron_i = np.eye(3)[i]
            predicted[:, i] = models.Neurons(
                w0=np.zeros(3), b0=neuron_i / (2 * parts.w1[i]), w1=neuron_i, b1=-1.0
            ).theta()
        predicted /= np.linalg.norm(predicted, axis=0)
        in_span = np.sum((vectors[:, :3].T @ predicted) ** 2, axis=0)
        return (
            all(analysis.squared_loading(vectors[:, k], output_names) > 0.99 for k in range(3))
            and analysis.squared_loading(vectors[:, 3], ["w02"]) > 0.95
            and analysis.squared_loading(vectors[:, 4], ["w01"]) > 0.95
            and np.all(in_span > 0.99)
            # the alt text: the stiffest direction has about 0.43 on b1 and each w1i
            and np.allclose(np.abs([stiffest.b1, *stiffest.w1]), 0.43, atol=0.03)
        )

    assert failing(main, check) == []


def test_two_data_points_pin_the_steepest_input_weight(main):
    def check(r):
        by_parameter = models.neurons(np.asarray(least_squares.jacobian(r["canonical"], X, Y)).T)
        sensitivity = by_parameter.w0[2] ** 2
        top_two = np.argsort(sensitivity)[::-1][:2]
        share = sensitivity[top_two].sum() / sensitivity.sum()
        w01 = by_parameter.w0[1] ** 2
        return (
            share > 0.99
            and set(np.round(X[top_two] * 49).astype(int)) == {1, 2}
            and np.sort(w01)[::-1][:2].sum() < 0.5 * w01.sum()  # "felt by more points"
        )

    assert failing(main, check) == []


def test_only_the_undamped_gauss_newton_step_fails(main):
    def check(r):
        theta = r["canonical"]
        jac = np.asarray(least_squares.jacobian(theta, X, Y))
        res = np.asarray(least_squares.residuals(theta, X, Y))
        before = analysis.sse(theta, X, Y)
        outcome = []
        for damping in [0.0, 1e-6]:
            step = np.linalg.solve(jac.T @ jac + damping * np.eye(10), -jac.T @ res)
            outcome.append((np.abs(step).max(), analysis.sse(theta + step, X, Y) / before))
        (undamped_size, undamped_ratio), (damped_size, damped_ratio) = outcome
        return (
            undamped_size > 1e3 and undamped_ratio > 1e3 and damped_size < 0.1 and damped_ratio < 1
        )

    assert failing(main, check) == []


def test_another_thousand_evaluations_creep_down_the_valley(main):
    def check(r):
        more = least_squares.fit(r["result"].x, X, Y)
        drop = 1 - more.cost / r["result"].cost
        growth = more.x[0] / r["result"].x[0]
        deeper = models.neurons(analysis.canonical_form(more.x)).b0
        return (
            more.status == 0
            and 0.005 < drop < 0.02  # "about 1 %"
            and 2.5 < growth < 10  # "about fivefold"
            and np.all(deeper > models.neurons(r["canonical"]).b0)  # "deeper into tails"
        )

    assert failing(main, check) == []


def test_main_valley_fits_share_input_weights_c_and_amplitudes(main):
    # any five of these fits, as on the page: a bound on all pairs bounds the page's five
    parts = [models.neurons(r["canonical"]) for r in main]
    weights = np.array([p.w0 for p in parts])
    biases = np.array([p.b0 for p in parts])
    constants = np.array([p.b1 + p.w1.sum() for p in parts])
    amplitudes = np.array([2 * p.w1 * np.exp(-2 * p.b0) for p in parts])
    costs = np.array([r["result"].cost for r in main])

    def relative_spread(values):
        return np.ptp(values, axis=0) / np.abs(values).mean(axis=0)

    assert costs.max() / costs.min() < 1.01  # "agree to better than 1 %"
    assert np.all(relative_spread(weights) < 0.01)
    assert np.allclose(weights, [0.51, 5.3, 55], rtol=0.05)  # "about 0.51, 5.3 and 55"
    assert np.ptp(biases, axis=0).max() < 0.2  # "the biases nearly so"
    assert relative_spread(constants) < 0.003  # "to within 0.3 %"
    assert np.all(relative_spread(amplitudes) < 0.003)
    # the alt text of the parameter figure: b1 near -100, the rest positive, 0.5 ... 55
    assert all(-200 < p.b1 < -50 for p in parts)
    assert all(np.all(r["canonical"][1:] > 0) for r in main)


def test_main_valley_output_weights_and_b1_differ_between_fits(main):
    # the page glues the spread of its five fits; across the main valley the fits differ in
    # b1 and the output weights by far more than in the input weights: not the same point
    parts = [models.neurons(r["canonical"]) for r in main]
    b1 = np.array([p.b1 for p in parts])
    pairs = list(itertools.combinations(range(len(parts)), 2))
    differences = np.array([abs(b1[i] - b1[j]) for i, j in pairs])
    assert np.median(differences) > 3  # "by several units or more"


def test_main_valley_models_saturate_at_c(main):
    def check(r):
        parts = models.neurons(r["canonical"])
        model = np.asarray(models.scalar_model(BEYOND, r["canonical"]))
        constant = parts.b1 + parts.w1.sum()
        arguments = parts.w0[:, None] * BEYOND + parts.b0[:, None]
        return (
            np.ptp(model) < 1e-2  # "constant to within 0.01"
            and np.all(arguments > 4.5)
            and abs(model[-1] - 1.3) < 0.05  # the alt text: "flat near 1.3"
            and abs(model[-1] - constant) < 1e-3 * abs(model[-1])
        )

    assert failing(main, check) == []


def test_second_valley_models_keep_growing_beyond_the_data(runs):
    # the page shows seed 14; every start in the second valley has such a gentle neuron
    second = [r for r in runs if not r["main"]]
    true_rise = np.ptp(data.cube_root(BEYOND))

    def check(r):
        model = np.asarray(models.scalar_model(BEYOND, r["canonical"]))
        return (
            models.neurons(r["canonical"]).w0.min() < 0.1
            and np.ptp(model) > 2 * true_rise  # "much faster than x^(1/3)"
        )

    assert failing(second, check) == []


def test_try_it_sine_fits_converge_with_neurons_in_their_middle(main):
    # the exercise uses jax.random.key(100); its claims hold for "nearly every start" (at
    # least 45 of the keys 100 to 149), "a few" (1 to 5) stop at the evaluation limit
    y_sine = np.sin(2 * np.pi * X)
    cube_root_decades = min(np.log10(r["curvature"].condition_number) for r in main)

    def check(seed):
        fit = least_squares.fit(least_squares.initial_guess(jax.random.key(seed)), X, y_sine)
        c = analysis.curvature(fit.x, X, y_sine)
        parts = models.neurons(fit.x)
        z = parts.w0[:, None] * X + parts.b0[:, None]
        return (
            fit.status > 0  # "reports convergence"
            and np.abs(least_squares.residuals(fit.x, X, y_sine)).max() < 0.01  # "good"
            and np.all(c.eigenvalues > 0)
            and np.log10(c.condition_number) < cube_root_decades - 2  # "several fewer"
            and np.all(np.abs(z).min(axis=1) < 0.5)  # "passes close to 0"
        )

    failing_seeds = [seed for seed in range(100, 150) if not check(seed)]
    assert 1 <= len(failing_seeds) <= 5, failing_seeds
