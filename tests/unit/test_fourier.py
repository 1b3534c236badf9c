"""Tests of mlintro.fourier: the Fourier cosine series and its relaxations."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from mlintro import data, fourier, models


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
        np.abs(fourier.evaluate(fourier.cosine_coefficients(abs, n_terms=n), t) - np.abs(t)).max()
        for n in (1, 5, 25)
    ]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.06  # the error at the kink is about 4 / (pi N)


def test_evaluate_is_the_design_matrix_times_the_coefficients():
    rng = np.random.default_rng(1)
    t = rng.uniform(-np.pi, np.pi, 30)
    a = rng.normal(size=6)
    np.testing.assert_allclose(
        fourier.evaluate(fourier.cosine_expansion(a), t),
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
        assert fourier.rms_error(fitted, t, y) <= fourier.rms_error(from_integral, t, y)


def test_fit_frequencies_recovers_non_integer_frequencies():
    t = np.linspace(0.0, np.pi, 60)
    y = 0.5 + 1.5 * np.cos(0.7 * t) - 0.8 * np.cos(2.4 * t)
    start = fourier.cosine_expansion(np.array([1.0, 1.0, -1.0]))  # frequencies 1 and 2
    fit = fourier.fit_frequencies(t, y, start=start)
    np.testing.assert_allclose(fit.frequencies, [0.7, 2.4], atol=1e-6)
    np.testing.assert_allclose(fit.coefficients, [1.0, 1.5, -0.8], atol=1e-6)
    np.testing.assert_array_equal(fit.offsets, start.offsets)


@pytest.mark.parametrize("n_terms", [1, 3, 5])
def test_fit_frequencies_is_never_worse_than_its_start(n_terms):
    t, y = np.pi * data.X, data.Y
    start = fourier.fit_coefficients(t, y, n_terms=n_terms)
    fit = fourier.fit_frequencies(t, y, start=start)
    assert fourier.rms_error(fit, t, y) <= fourier.rms_error(start, t, y)
    assert not np.allclose(fit.frequencies, start.frequencies)  # they did move


def test_activation_expansion_is_the_one_layer_network():
    rng = np.random.default_rng(2)
    x = np.linspace(-1, 2, 17)
    for n_terms in (1, 3, 4):
        e = fourier.Expansion(
            rng.normal(size=n_terms + 1), rng.normal(size=n_terms), rng.normal(size=n_terms)
        )
        for activation in (jnp.tanh, jnp.cos, jax.nn.softplus):
            network = models.predict(fourier.to_network(e), x, activation=activation)
            np.testing.assert_allclose(
                network, fourier.evaluate(e, x, activation=activation), atol=1e-12
            )


def test_three_tanh_terms_are_the_ten_parameter_model():
    e = fourier.fit_activation_expansion(data.X, data.Y, key=jax.random.key(3))
    flat = models.flat_from_params(fourier.to_network(e))
    assert flat.shape == (10,)
    np.testing.assert_allclose(
        models.scalar_model(data.X, flat),
        fourier.evaluate(e, data.X, activation=jnp.tanh),
        atol=1e-12,
    )


def test_fit_activation_expansion_is_reproducible_and_depends_on_the_key():
    x, y = data.training_data(n_points=20)
    options = {"max_nfev": 50}
    a = fourier.fit_activation_expansion(x, y, key=jax.random.key(5), **options)
    b = fourier.fit_activation_expansion(x, y, key=jax.random.key(5), **options)
    c = fourier.fit_activation_expansion(x, y, key=jax.random.key(6), **options)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.allclose(a.frequencies, c.frequencies)
    assert [len(u) for u in a] == [4, 3, 3]


def test_tanh_expansion_beats_cosines_with_as_many_terms():
    t, y = np.pi * data.X, data.Y
    cosines = fourier.fit_frequencies(t, y, start=fourier.fit_coefficients(t, y, n_terms=3))
    tanh = fourier.fit_activation_expansion(data.X, data.Y, key=jax.random.key(0))
    assert fourier.rms_error(tanh, data.X, data.Y, activation=jnp.tanh) < 0.2 * (
        fourier.rms_error(cosines, t, y)
    )


def test_hidden_layers_compose_to_the_network():
    params = models.init_params(jax.random.key(4), (1, 4, 3, 2, 1), scale=1.0)
    x = np.linspace(0, 1, 11)
    layers = fourier.hidden_layers(params, x)
    assert [h.shape for h in layers] == [(11, 4), (11, 3), (11, 2)]
    (w0, b0) = params[0]
    np.testing.assert_allclose(layers[0], np.tanh(x[:, None] @ w0 + b0), atol=1e-12)
    for (w, b), before, after in zip(params[1:-1], layers[:-1], layers[1:], strict=True):
        np.testing.assert_allclose(after, np.tanh(before @ w + b), atol=1e-12)
    w, b = params[-1]
    np.testing.assert_allclose(layers[-1] @ w + b, models.nn(params, x[:, None]), atol=1e-12)


def test_input_checks():
    with pytest.raises(ValueError, match="n_terms"):
        fourier.cosine_coefficients(abs, n_terms=-1)
    with pytest.raises(ValueError, match="equal length"):
        fourier.fit_coefficients(np.zeros(3), np.zeros(4), n_terms=1)
    with pytest.raises(ValueError, match="n_terms"):
        fourier.fit_activation_expansion(data.X, data.Y, key=jax.random.key(0), n_terms=0)
    with pytest.raises(ValueError, match="non-empty"):
        fourier.cosine_expansion(np.array([]))


def test_truncated_keeps_the_first_terms():
    e = fourier.cosine_expansion(np.array([2.0, -1.0, 0.5, 0.25]))
    short = e.truncated(2)
    np.testing.assert_array_equal(short.coefficients, [2.0, -1.0, 0.5])
    np.testing.assert_array_equal(short.frequencies, [1.0, 2.0])
    assert short.constant == 1.0
    np.testing.assert_array_equal(short.term_coefficients, [-1.0, 0.5])
    with pytest.raises(ValueError, match="n_terms"):
        e.truncated(4)


def test_fit_frequencies_with_offsets_recovers_shifted_cosines():
    t = np.linspace(0.0, np.pi, 60)
    y = 0.5 + 1.5 * np.cos(0.7 * t + 0.4)
    start = fourier.Expansion(np.array([1.0, 1.4]), np.array([0.8]), np.array([0.0]))
    fit = fourier.fit_frequencies(t, y, start=start, fit_offsets=True)
    np.testing.assert_allclose(fit.frequencies, [0.7], atol=1e-6)
    np.testing.assert_allclose(fit.offsets, [0.4], atol=1e-6)
    np.testing.assert_allclose(fit.coefficients, [1.0, 1.5], atol=1e-6)
    # without fit_offsets the offsets stay those of the start
    fixed = fourier.fit_frequencies(t, y, start=start)
    np.testing.assert_array_equal(fixed.offsets, start.offsets)


def test_activation_expansion_without_offsets_keeps_them_zero():
    x, y = data.training_data(n_points=20)
    e = fourier.fit_activation_expansion(
        x, y, key=jax.random.key(1), fit_offsets=False, max_nfev=50
    )
    np.testing.assert_array_equal(e.offsets, np.zeros(3))
    assert not np.allclose(e.frequencies, 0.0)


def test_fit_network_recovers_a_network_it_can_represent():
    truth = models.init_params(jax.random.key(7), (1, 2, 1), scale=1.0)
    x = np.linspace(-1.0, 1.0, 30)
    y = np.asarray(models.predict(truth, x))
    start = [(w + 0.1, b - 0.1) for w, b in truth]
    fitted = fourier.fit_network(start, x, y)
    # the data are exactly representable: the residual is at rounding level (y ~ 1,
    # 30 points), far below any fit that missed
    np.testing.assert_allclose(models.predict(fitted, x), y, atol=1e-8)
    with pytest.raises(ValueError, match="equal length"):
        fourier.fit_network(start, x, y[:-1])
