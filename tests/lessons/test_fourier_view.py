"""The Fourier lesson's claims that depend on the random start, over 50 PRNG seeds.

The page draws its keys as ``expansion_key, network_key = jax.random.split(jax.random.key(SEED))``;
these tests repeat its fits for SEED in range(50), so that the page's seed is not a lucky one.
Each bound comes from the words of the page ("about" = within a factor of 2, "one in five" =
between one in ten and two in five, "49 of the first 50" = 49), not from one machine's output.
Measured on the build machine, for reference: with offsets 41 of 50 seeds reach RMS 7.4e-4,
8 stop near 2.45e-3, one at 3.1e-3; without offsets 49 reach 1.75e-3, seed 44 stops at 1.2e-2;
the 1-3-3-1 least-squares fits (500 evaluations, as on the page) end with RMS up to 6e-5,
and the linear fit on their second layer is within 1.6 % of it.
"""

import jax
import numpy as np
import pytest
from mlintro import data, expansions, fourier, least_squares, models

SEEDS = range(50)
T = np.pi * data.X  # the page's t = pi x

pytestmark = pytest.mark.slow


def page_keys(seed):
    expansion_key, network_key = jax.random.split(jax.random.key(seed))
    return expansion_key, network_key


def tanh_rms(expansion):
    return expansions.rms_error(expansion, data.X, data.Y)


@pytest.fixture(scope="module")
def cosines():
    """Relaxation 2 and the cosines with fitted offsets: no random start."""
    free = expansions.fit(T, data.Y, start=fourier.fit_coefficients(T, data.Y, n_terms=3))
    with_offsets = expansions.fit(T, data.Y, start=free, fit_offsets=True)
    return expansions.rms_error(free, T, data.Y), expansions.rms_error(with_offsets, T, data.Y)


@pytest.fixture(scope="module")
def tanh_runs():
    runs = {"with offsets": [], "without offsets": [], "least squares": []}
    for seed in SEEDS:
        key, _ = page_keys(seed)
        for fit_offsets, name in ((True, "with offsets"), (False, "without offsets")):
            expansion = expansions.fit_activation_expansion(
                data.X, data.Y, key=key, fit_offsets=fit_offsets
            )
            runs[name].append(tanh_rms(expansion))
        lesson_fit = least_squares.fit(least_squares.initial_guess(key), data.X, data.Y)
        runs["least squares"].append(np.sqrt(2 * lesson_fit.cost / data.X.size))
    return {name: np.array(values) for name, values in runs.items()}


def reaches(rms, level):
    """Which runs reach ``level``: the solver's end points agree to far better than 5 %."""
    return rms < 1.05 * level


def test_tanh_with_offsets_beats_the_cosines_for_every_seed(tanh_runs, cosines):
    free_rms, _ = cosines
    rms = tanh_runs["with offsets"]
    # "Even the worst of them is more than five times better than the three cosines"
    assert np.all(rms < free_rms / 5), np.flatnonzero(rms >= free_rms / 5)


def test_about_one_in_five_starts_stop_in_a_worse_minimum(tanh_runs):
    rms = tanh_runs["with offsets"]
    best = rms.min()
    worse = ~reaches(rms, best)
    # "about one in five": within a factor of 2 of 10 in 50
    assert 5 <= worse.sum() <= 20, np.flatnonzero(worse)
    # "most often with an RMS error of about 2.5e-3"
    near = (rms[worse] > 2.5e-3 / 2) & (rms[worse] < 2 * 2.5e-3)
    assert near.sum() > worse.sum() / 2
    assert worse[6] and 2.5e-3 / 2 < rms[6] < 2 * 2.5e-3  # the page's example, SEED = 6
    assert not worse[0]  # the page's own seed reaches the best level


def test_tanh_without_offsets_reaches_one_level_for_49_of_50_seeds(tanh_runs):
    rms = tanh_runs["without offsets"]
    assert reaches(rms, rms.min()).sum() == 49, rms
    assert reaches(rms[0], rms.min())  # the page's seed among them


def test_least_squares_from_the_same_key_reaches_the_same_level(tanh_runs):
    # the page: the nonlinear-fit lesson's solver from the same key "reaches the same error"
    expansion, lesson = tanh_runs["with offsets"], tanh_runs["least squares"]
    assert abs(lesson.min() / expansion.min() - 1) < 0.05
    assert abs(lesson[0] / expansion[0] - 1) < 0.05


def test_the_basis_function_does_most_of_the_work(tanh_runs, cosines):
    # "most of the work": the change of basis is more than half of the total gain on a log
    # scale, whichever change comes first. It fails only where a tanh fit stops in a worse
    # minimum; the conclusion must hold for nearly every seed (45 of 50).
    free_rms, cos_offsets_rms = cosines
    without, with_ = tanh_runs["without offsets"], tanh_runs["with offsets"]
    total = np.log(free_rms / with_)
    basis_first = np.log(free_rms / without) > 0.5 * total
    offsets_first = np.log(cos_offsets_rms / with_) > 0.5 * total
    holds = basis_first & offsets_first
    assert holds.sum() >= 45, np.flatnonzero(~holds)
    assert holds[0]


def test_offsets_gain_a_factor_of_two_or_three(tanh_runs, cosines):
    free_rms, cos_offsets_rms = cosines
    assert 2 <= free_rms / cos_offsets_rms < 3.5
    without, with_ = tanh_runs["without offsets"], tanh_runs["with offsets"]
    typical = reaches(without, without.min()) & reaches(with_, with_.min())
    gains = without[typical] / with_[typical]
    assert np.all((gains >= 2) & (gains < 3.5))


def linear_fit_rms(features):
    design = np.column_stack([np.ones(len(features)), features])
    coefficients, *_ = np.linalg.lstsq(design, data.Y)
    return float(np.sqrt(np.mean((design @ coefficients - data.Y) ** 2)))


def test_second_hidden_layer_makes_the_output_linear_for_every_seed():
    on_x = linear_fit_rms(data.X)
    for seed in SEEDS:
        _, network_key = page_keys(seed)
        start = models.init_params(network_key, (1, 3, 3, 1))
        deep = least_squares.fit_network(start, data.X, data.Y, max_nfev=500)  # as on the page
        h1, h2 = models.hidden_layers(deep, data.X)
        on_h1, on_h2 = linear_fit_rms(h1), linear_fit_rms(h2)
        rms_deep = float(np.sqrt(np.mean((models.predict(deep, data.X) - data.Y) ** 2)))
        assert on_x > 10 * on_h2, seed
        assert on_x > on_h1 > 10 * on_h2, seed
        # the same as the network's own error: never worse (a least-squares refit of the
        # last layer, up to rounding), and no more than 5 % better (the fit stops near a
        # minimum of all parameters, where the last layer is already optimal)
        assert 0.95 * rms_deep < on_h2 <= rms_deep * (1 + 1e-9), seed
