"""The lesson claims that depend on the random start, checked for 50 PRNG seeds.

Each page runs one seed and asserts its claims in hidden cells; these tests check the
same claims for ``jax.random.key(seed)``, seed in range(50), so that a page's seed is
not a lucky one. Thresholds were set from measurements of all 50 seeds (worst case in
the comments, measured on the 2-core build machine), with a margin.

Measured finding: 8 of the 50 least-squares starts (seeds 14, 19, 20, 24, 35, 37, 40, 44)
end in a second, worse basin: cost ~1.5e-4 instead of ~1.37e-5, max |gradient| up to 0.07,
and one neuron with a tiny input weight that makes the model keep growing on [5, 10]
instead of saturating. Those claims are tested as the honest fraction of seeds.
"""

import itertools

import jax
import numpy as np
import pytest
from mlintro import analysis, data, least_squares, models, training

SEEDS = range(50)
SATURATION_GRID = np.linspace(5.0, 10.0, 51)
# the true function x^(1/3) rises by 10^(1/3) - 5^(1/3) = 0.44 on [5, 10]; a saturated
# model rises by far less
TRUE_RISE = float(np.ptp(data.cube_root(SATURATION_GRID)))

pytestmark = pytest.mark.slow


def rise(y):
    return float(np.ptp(np.asarray(y)))


@pytest.fixture(scope="module")
def ls_runs():
    runs = []
    for seed in SEEDS:
        x0 = least_squares.initial_guess(jax.random.key(seed))
        result = least_squares.fit(x0, data.X, data.Y)
        runs.append(
            {
                "seed": seed,
                "result": result,
                "start_gradient": float(np.abs(analysis.gradient(x0, data.X, data.Y)).max()),
                "curvature": analysis.curvature(result.x, data.X, data.Y),
                "rise": rise(models.scalar_model(SATURATION_GRID, result.x)),
            }
        )
    return runs


@pytest.fixture(scope="module")
def nn_runs():
    return [
        training.adam_fit(
            models.init_params(jax.random.key(seed), (1, 3, 1)),
            data.X,
            data.Y,
            step_size=0.01,
            steps_per_epoch=50,
            max_epochs=500,
            tolerance=2e-5,
            reset_each_epoch=True,
            progress=False,
        )
        for seed in SEEDS
    ]


def failing(runs, condition):
    return [run["seed"] for run in runs if not condition(run)]


def test_least_squares_stops_at_the_evaluation_limit(ls_runs):
    # every seed: status 0 after max_nfev = 1000 evaluations ("looks bad")
    assert failing(ls_runs, lambda r: r["result"].status == 0) == []
    assert all("maximum number of function evaluations" in r["result"].message for r in ls_runs)


def test_least_squares_cost_is_small(ls_runs):
    # measured cost: 1.369e-5 to 1.375e-5 for 42 seeds, 1.50e-4 to 1.53e-4 (worst, seed 40)
    # for the other 8
    assert failing(ls_runs, lambda r: r["result"].cost < 1e-3) == []


def test_gradient_at_the_end_point_is_small(ls_runs):
    # max |gradient of SSE|: 4.0e-5 (best) to 7.2e-4 for 42 seeds; 0.025 to 0.071 (worst,
    # seed 35) for the 8 in the second basin. Relative to the start (max |gradient| 49 to
    # 102) it shrank by at least 1,100x for every seed.
    def end_gradient(r):
        return float(np.abs(r["curvature"].gradient).max())

    assert failing(ls_runs, lambda r: end_gradient(r) < 0.2) == []
    assert failing(ls_runs, lambda r: end_gradient(r) < 1e-2 * r["start_gradient"]) == []
    tiny = [r["seed"] for r in ls_runs if end_gradient(r) < 2e-3]
    assert len(tiny) >= 0.75 * len(SEEDS), f"max |gradient| < 2e-3 only for seeds {tiny}"


def test_hessian_has_near_zero_eigenvalues_and_a_tiny_determinant(ls_runs):
    # measured: 5 near-zero eigenvalues (6 for the second basin); |det| 3.2e-36 to 3.1e-27
    assert failing(ls_runs, lambda r: r["curvature"].near_zero >= 3) == []
    assert failing(ls_runs, lambda r: abs(r["curvature"].determinant) < 1e-20) == []


def test_eigenvalues_that_are_not_near_zero_are_positive(ls_runs):
    # smallest eigenvalue that is not near zero: 0.022 (seed 41) or more
    def positive_beyond_zero(r):
        c = r["curvature"]
        eigs = c.eigenvalues
        not_near_zero = np.abs(eigs) >= 1e-6 * np.abs(eigs).max()
        return np.sum(not_near_zero) == 10 - c.near_zero and np.all(eigs[not_near_zero] > 0)

    assert failing(ls_runs, positive_beyond_zero) == []


def test_reruns_give_different_parameters_with_similar_cost(ls_runs):
    pars = [r["result"].x for r in ls_runs]
    distances = np.array([np.abs(a - b).max() for a, b in itertools.combinations(pars, 2)])
    # measured: median max |difference| between two seeds' parameters 85, smallest 0.016
    assert distances.min() > 1e-3
    assert np.mean(distances > 1.0) > 0.9
    costs = np.array([r["result"].cost for r in ls_runs])
    # measured: highest cost / lowest cost = 11.1 (two basins, both fitting well)
    assert costs.max() / costs.min() < 20
    # within the main basin the costs agree to within 0.4 %
    main = costs[costs < 2 * costs.min()]
    assert len(main) >= 0.75 * len(SEEDS)
    assert main.max() / main.min() < 1.02


def test_network_reaches_the_tolerance_before_epoch_500(nn_runs):
    # epochs with the lecture's settings: 114 to 385 (worst, seed 19)
    not_converged = [seed for seed, fit in zip(SEEDS, nn_runs, strict=True) if not fit.converged]
    assert not_converged == []
    assert max(fit.epochs for fit in nn_runs) < 500
    assert all(fit.losses[-1] < 2e-5 for fit in nn_runs)


def test_network_parameters_are_unrelated_to_least_squares_ones(ls_runs, nn_runs):
    # measured: smallest max |difference| between the two flat vectors of one seed: 84
    for run, fit in zip(ls_runs, nn_runs, strict=True):
        nn_flat = np.asarray(models.flat_from_params(fit.params))
        assert np.abs(nn_flat - run["result"].x).max() > 1.0, run["seed"]


def test_network_saturates_beyond_the_data(nn_runs):
    # rise of the network on [5, 10]: 1.5e-5 to 5.7e-4 (worst, seed 9), against 0.44
    for seed, fit in zip(SEEDS, nn_runs, strict=True):
        assert rise(models.predict(fit.params, SATURATION_GRID)) < 0.02 * TRUE_RISE, seed


def test_least_squares_model_saturates_beyond_the_data_for_most_seeds(ls_runs):
    # rise on [5, 10]: 0.0052 to 0.0053 for 42 seeds; 2.19 to 2.47 for the 8 seeds in the
    # second basin, whose model keeps growing (it saturates only far beyond x = 100)
    saturated = [r["seed"] for r in ls_runs if r["rise"] < 0.1 * TRUE_RISE]
    assert len(saturated) >= 0.75 * len(SEEDS), f"saturated only for seeds {saturated}"
    assert 0 in saturated  # seed 0, the seed of the STYLE.md example, is a good one
