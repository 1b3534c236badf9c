"""Tests of mlintro.fourier: the Fourier cosine series and its relaxations."""

import numpy as np
import pytest
from mlintro import data, expansions, fourier


def odd_harmonics_of_abs(n_terms: int) -> np.ndarray:
    """The known cosine series of |t| on [-pi, pi]: pi, then -4 / (pi n^2) for odd n."""
    n = np.arange(1, n_terms + 1)
    return np.concatenate([[np.pi], np.where(n % 2 == 1, -4.0 / (np.pi * n**2), 0.0)])


def test_coefficients_of_a_single_cosine():
    for k in range(4):
        a = fourier.cosine_coefficients(lambda t, k=k: np.cos(k * t), n_terms=5).coefficients
        expected = np.zeros(6)
        expected[k] = 2.0 if k == 0 else 1.0  # the constant is a0 / 2
        np.testing.assert_allclose(a, expected, atol=1e-12)


def test_coefficients_of_abs_match_the_known_series():
    a = fourier.cosine_coefficients(abs, n_terms=9).coefficients
    np.testing.assert_allclose(a, odd_harmonics_of_abs(9), atol=1e-12)


def test_coefficients_use_the_factor_one_over_pi():
    # without 1/pi the constant function 1 would get a0 = 2 pi, not 2
    a = fourier.cosine_coefficients(lambda t: 1.0, n_terms=2).coefficients
    np.testing.assert_allclose(a, [2.0, 0.0, 0.0], atol=1e-12)


def test_cosine_series_keeps_only_the_even_part():
    a = fourier.cosine_coefficients(lambda t: np.sin(t) + t**3 + np.cos(3 * t), n_terms=4)
    np.testing.assert_allclose(a.coefficients, [0, 0, 0, 1, 0], atol=1e-12)


def test_series_of_abs_converges():
    t = np.linspace(-np.pi, np.pi, 101)
    errors = [
        np.abs(
            expansions.evaluate(fourier.cosine_coefficients(abs, n_terms=n), t) - np.abs(t)
        ).max()
        for n in (1, 5, 25)
    ]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.06  # the error at the kink is about 4 / (pi N)


def test_evaluate_is_the_design_matrix_times_the_coefficients():
    rng = np.random.default_rng(1)
    t = rng.uniform(-np.pi, np.pi, 30)
    a = rng.normal(size=6)
    np.testing.assert_allclose(
        expansions.evaluate(fourier.cosine_expansion(a), t),
        fourier.design_matrix(t, n_terms=5) @ a,
        atol=1e-12,
    )


def test_fitted_coefficients_recover_an_exact_series():
    t = np.linspace(0.0, np.pi, 25)
    a = np.array([0.4, -1.0, 0.0, 2.5])
    fit = fourier.fit_coefficients(t, fourier.design_matrix(t, n_terms=3) @ a, n_terms=3)
    np.testing.assert_allclose(fit.coefficients, a, atol=1e-10)
    np.testing.assert_array_equal(fit.frequencies, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(fit.offsets, np.zeros(3))


def test_fitted_coefficients_are_the_least_squares_projection():
    t, y = np.pi * data.X, data.Y
    fit = fourier.fit_coefficients(t, y, n_terms=4)
    design = fourier.design_matrix(t, n_terms=4)
    residual = y - design @ fit.coefficients
    # normal equations: the residual is orthogonal to every basis column
    np.testing.assert_allclose(design.T @ residual, 0.0, atol=1e-12)
    # and no other coefficients do better
    rng = np.random.default_rng(0)
    best = np.sum(residual**2)
    for _ in range(20):
        other = fit.coefficients + 1e-3 * rng.normal(size=5)
        assert np.sum((y - design @ other) ** 2) > best


def test_fitted_coefficients_approach_the_integral_ones_on_a_full_period():
    # on a uniform grid over a whole period the cosines are orthogonal, so the
    # least-squares coefficients equal a quadrature of the integral formula
    def f(t):
        return np.exp(np.cos(t))

    m = 64
    t = -np.pi + (np.arange(m) + 0.5) * 2 * np.pi / m
    fitted = fourier.fit_coefficients(t, f(t), n_terms=6).coefficients
    exact = fourier.cosine_coefficients(f, n_terms=6).coefficients
    np.testing.assert_allclose(fitted, exact, atol=1e-10)


def test_fitted_coefficients_beat_the_integral_ones_on_the_data():
    f = lambda t: (np.abs(t) / np.pi) ** (1 / 3)  # noqa: E731
    t, y = np.pi * data.X, data.Y
    for n_terms in (1, 3, 6):
        from_integral = fourier.cosine_coefficients(f, n_terms=n_terms)
        fitted = fourier.fit_coefficients(t, y, n_terms=n_terms)
        assert expansions.rms_error(fitted, t, y) <= expansions.rms_error(from_integral, t, y)


def test_cosine_expansion_has_integer_frequencies_and_no_offsets(model_rounding_bound):
    e = fourier.cosine_expansion(np.array([2.0, -1.0, 0.5, 0.25]))
    np.testing.assert_array_equal(e.frequencies, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(e.offsets, np.zeros(3))
    t = np.linspace(-np.pi, np.pi, 7)
    written_out = 1.0 - np.cos(t) + 0.5 * np.cos(2 * t) + 0.25 * np.cos(3 * t)
    # XLA's cos and NumPy's may differ by a few ulps, each sum within the budget of its terms
    bound = 2 * model_rounding_bound(e.neurons().theta(), t, activation="cos")
    assert np.all(np.abs(np.asarray(expansions.evaluate(e, t)) - written_out) <= bound)


def test_input_checks():
    with pytest.raises(ValueError, match="n_terms"):
        fourier.cosine_coefficients(abs, n_terms=-1)
    with pytest.raises(ValueError, match="equal length"):
        fourier.fit_coefficients(np.zeros(3), np.zeros(4), n_terms=1)
    with pytest.raises(ValueError, match="non-empty"):
        fourier.cosine_expansion(np.array([]))
