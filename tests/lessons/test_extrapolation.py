"""The extrapolation lesson's claims that depend on the random start, over 50 PRNG seeds.

The page draws its keys as ``ls_key, network_key = jax.random.split(jax.random.key(SEED))``;
these tests repeat its fits for SEED in range(50). Bounds come from the page's words ("about
equally wrong" = within a factor of 2, "nearly constant" = within 10 %), not from one machine's
output. Where a claim holds for most seeds only, the page says so for its own seed and the
test asks for the fraction stated here.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from mlintro import data, least_squares, models, training

SEEDS = range(50)
X_FAR = data.extrapolation_grid(stop=10.0, n_points=501)
Y_TRUE = data.cube_root(X_FAR)
BEYOND_5 = X_FAR >= 5
TRUE_RISE = float(np.ptp(Y_TRUE[BEYOND_5]))  # 10^(1/3) - 5^(1/3) = 0.44

pytestmark = pytest.mark.slow


def page_keys(seed):
    ls_key, network_key = jax.random.split(jax.random.key(seed))
    return ls_key, network_key


@pytest.fixture(scope="module")
def runs():
    results = []
    for seed in SEEDS:
        ls_key, network_key = page_keys(seed)
        start = models.init_params(network_key, (1, 3, 1))
        results.append(
            {
                "ls": least_squares.fit(least_squares.initial_guess(ls_key), data.X, data.Y),
                "tanh": training.adam_fit(start, data.X, data.Y, progress=False),
                "softplus": training.adam_fit(
                    start,
                    data.X,
                    data.Y,
                    activation=jax.nn.softplus,
                    max_epochs=3000,
                    progress=False,
                ),
            }
        )
    return results


def test_tanh_network_saturates_at_its_limit_for_every_seed(runs):
    converged = [run["tanh"].converged for run in runs]
    assert converged[0]  # the page's seed is trained to the tolerance ...
    assert np.mean(converged) >= 0.9, np.flatnonzero(np.logical_not(converged))  # ... as most
    for seed, run in zip(SEEDS, runs, strict=True):  # saturation holds for every seed
        fit = run["tanh"]
        y = np.asarray(models.predict(fit.params, X_FAR))
        assert np.ptp(y[BEYOND_5]) < 1e-2, seed  # "nearly constant" on [5, 10]
        assert Y_TRUE[-1] - y[-1] > 0.5, seed  # far below x^(1/3) at x = 10
        if not fit.converged:
            # a start that stalls (seed 8) can keep a neuron with a tiny input weight, which
            # is not at its limit: only its tiny output weight keeps the output flat
            continue
        # "every neuron within 1e-2 of its limit for all x >= 5"
        hidden = models.hidden_layers(fit.params, X_FAR)[0]
        assert np.all(1 - np.abs(hidden[BEYOND_5]) < 1e-2), seed
        (w0, _), (w1, b1) = fit.params
        limit = float(b1[0] + np.sum(w1[:, 0] * np.sign(w0[0])))
        assert abs(y[-1] - limit) < 1e-2, seed


def test_least_squares_model_saturates_for_most_seeds(runs):
    # the second basin of the nonlinear-fit lesson keeps growing (a tiny input weight);
    # the page's seed saturates, and most do
    saturated = [np.ptp(models.scalar_model(X_FAR[BEYOND_5], run["ls"].x)) < 1e-2 for run in runs]
    assert saturated[0]
    assert np.mean(saturated) >= 0.75, np.flatnonzero(np.logical_not(saturated))


def softplus_claims(run):
    """The page's claims about the softplus network against the tanh one, for one seed."""
    params = run["softplus"].params
    y_sp = np.asarray(models.predict(params, X_FAR, activation=jax.nn.softplus))
    y_tanh = np.asarray(models.predict(run["tanh"].params, X_FAR))
    slope = np.diff(y_sp) / np.diff(X_FAR)
    far_slope = slope[X_FAR[1:] > 5]
    (w0, _), (w1, _) = params
    line_slope = float(np.sum((w1[:, 0] * w0[0])[w0[0] > 0]))
    at_2, at_10 = (int(np.searchsorted(X_FAR, x)) for x in (2.0, 10.0))
    sp_error, nn_error = y_sp - Y_TRUE, y_tanh - Y_TRUE
    errors_at_2 = np.abs([sp_error[at_2], nn_error[at_2]])
    beyond_1 = X_FAR > 1
    return {
        "nearly constant slope": np.ptp(far_slope) < 0.1 * far_slope.mean(),
        "approaches the line from below": far_slope.max() < line_slope * (1 + 1e-9)
        and far_slope.mean() > 0.9 * line_slope,
        "roughly the data's slope": 1 / 6 < far_slope.mean() < 2 / 3,
        "overshoots at 10, worse than tanh": sp_error[at_10] > abs(nn_error[at_10]) > 0.5
        and nn_error[at_10] < 0,
        "opposite directions at 2": sp_error[at_2] > 0 > nn_error[at_2],
        "about equally wrong at 2": errors_at_2.max() < 2 * errors_at_2.min(),
        "worse mean error beyond 1": np.mean(np.abs(sp_error[beyond_1]))
        > np.mean(np.abs(nn_error[beyond_1])),
    }


def test_softplus_network_becomes_a_line_and_overshoots(runs):
    converged = [run["softplus"].converged for run in runs]
    assert converged[0]
    assert np.mean(converged) >= 0.8, np.flatnonzero(np.logical_not(converged))
    claims = [softplus_claims(run) for run, ok in zip(runs, converged, strict=True) if ok]
    assert all(claims[0].values()), claims[0]  # the page's seed
    # the line and the overshoot are what softplus does: every converged seed. The
    # comparison at x = 2 depends on both fits and on where the data end; the page says it
    # of its own seed, and it must hold for most seeds (measured: 44 of 49 converged ones)
    for name in claims[0]:
        holds = np.mean([c[name] for c in claims])
        required = 0.8 if "at 2" in name else 1.0
        assert holds >= required, (name, holds)


def test_softplus_network_needs_more_epochs_than_tanh(runs):
    # "it needs more epochs to reach the tolerance": from most starts (at least 90 %)
    more = [run["softplus"].epochs > run["tanh"].epochs for run in runs]
    assert more[0]
    assert np.mean(more) >= 0.9, np.flatnonzero(np.logical_not(more))


def test_wider_data_move_the_border_for_every_seed():
    x_wide, y_wide = data.training_data(stop=10.0)
    x_very_far = data.extrapolation_grid(stop=50.0, n_points=501)
    for seed in SEEDS:
        _, network_key = page_keys(seed)
        wide = training.adam_fit(
            models.init_params(network_key, (1, 3, 1)),
            x_wide,
            y_wide,
            max_epochs=3000,
            progress=False,
        )
        rms = float(np.sqrt(wide.losses[-1]))
        assert rms < 0.02, seed  # fits on [0, 10]
        x_check = np.array([10.0, 20.0, 50.0])
        error = np.asarray(models.predict(wide.params, x_check)) - data.cube_root(x_check)
        assert abs(error[0]) < 0.05, seed
        assert error[1] < -0.3 and error[2] < -1.0, seed
        y = np.asarray(models.predict(wide.params, x_very_far))
        assert np.ptp(y[x_very_far >= 30]) < 1e-2, seed  # saturated again


def test_a_law_of_the_right_form_extrapolates():
    # the exercise: two parameters of the right form, fitted to exact data, extrapolate
    from scipy.optimize import curve_fit

    (a, p), _ = curve_fit(lambda x, a, p: a * x**p, data.X[1:], data.Y[1:], p0=(1.0, 0.5))
    assert abs(a * 10**p - 10 ** (1 / 3)) < 1e-3
    assert jnp.isclose(p, 1 / 3, atol=1e-6)
