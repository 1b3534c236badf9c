"""Tests of mlintro.expansions: sums of activations, their fits, and the one-layer network."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from mlintro import data, expansions, fourier, models


def test_fit_recovers_non_integer_frequencies():
    t = np.linspace(0.0, np.pi, 60)
    y = 0.5 + 1.5 * np.cos(0.7 * t) - 0.8 * np.cos(2.4 * t)
    start = fourier.cosine_expansion(np.array([1.0, 1.0, -1.0]))  # frequencies 1 and 2
    fit = expansions.fit(t, y, start=start)
    np.testing.assert_allclose(fit.frequencies, [0.7, 2.4], atol=1e-6)
    np.testing.assert_allclose(fit.coefficients, [1.0, 1.5, -0.8], atol=1e-6)
    np.testing.assert_array_equal(fit.offsets, start.offsets)


@pytest.mark.parametrize("n_terms", [1, 3, 5])
def test_fit_is_never_worse_than_its_start(n_terms):
    t, y = np.pi * data.X, data.Y
    start = fourier.fit_coefficients(t, y, n_terms=n_terms)
    fit = expansions.fit(t, y, start=start)
    assert expansions.rms_error(fit, t, y) <= expansions.rms_error(start, t, y)
    assert not np.allclose(fit.frequencies, start.frequencies)  # they did move


NUMPY_ACTIVATIONS = {
    "tanh": (jnp.tanh, np.tanh),
    "cos": (jnp.cos, np.cos),
    "softplus": (jax.nn.softplus, lambda z: np.logaddexp(0.0, z)),
}


@pytest.mark.parametrize("name", NUMPY_ACTIVATIONS)
def test_activation_expansion_is_the_one_layer_network(name, model_rounding_bound):
    activation, numpy_activation = NUMPY_ACTIVATIONS[name]
    rng = np.random.default_rng(2)
    x = np.linspace(-1, 2, 17)
    for n_terms in (1, 3, 4):
        numbers = rng.normal(size=n_terms + 1), rng.normal(size=n_terms), rng.normal(size=n_terms)
        e = expansions.Expansion(*numbers, activation)
        a, k, b = numbers
        # a0 / 2 + sum_i a_i g(k_i x + b_i), written out in NumPy
        written_out = a[0] / 2 + numpy_activation(np.outer(x, k) + b) @ a[1:]
        network = models.predict(e.neurons().params(), x, activation=activation)
        # the network and the NumPy sum round differently, each within the model's budget
        bound = 2 * model_rounding_bound(e.neurons().theta(), x, activation=name)
        assert np.all(np.abs(np.asarray(network) - written_out) <= bound), n_terms
        assert np.all(np.abs(np.asarray(expansions.evaluate(e, x)) - written_out) <= bound)


def test_three_tanh_terms_are_the_ten_parameter_model(model_rounding_bound):
    e = expansions.fit_activation_expansion(data.X, data.Y, key=jax.random.key(3))
    theta = e.neurons().theta()
    assert theta.shape == (10,)
    np.testing.assert_array_equal(models.flat_from_params(e.neurons().params()), theta)
    # two orders of the same sum: each within the model's rounding budget
    difference = np.asarray(models.scalar_model(data.X, theta) - expansions.evaluate(e, data.X))
    assert np.all(np.abs(difference) <= 2 * model_rounding_bound(theta, data.X))


def test_fit_activation_expansion_is_reproducible_and_depends_on_the_key():
    x, y = data.training_data(n_points=20)
    options = {"max_nfev": 50}
    a = expansions.fit_activation_expansion(x, y, key=jax.random.key(5), **options)
    b = expansions.fit_activation_expansion(x, y, key=jax.random.key(5), **options)
    c = expansions.fit_activation_expansion(x, y, key=jax.random.key(6), **options)
    for u, v in zip(a[:3], b[:3], strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.allclose(a.frequencies, c.frequencies)
    assert [len(u) for u in a[:3]] == [4, 3, 3]
    assert a.activation is jnp.tanh


def test_tanh_expansion_beats_cosines_with_as_many_terms():
    t, y = np.pi * data.X, data.Y
    cosines = expansions.fit(t, y, start=fourier.fit_coefficients(t, y, n_terms=3))
    tanh = expansions.fit_activation_expansion(data.X, data.Y, key=jax.random.key(0))
    assert expansions.rms_error(tanh, data.X, data.Y) < 0.2 * (expansions.rms_error(cosines, t, y))


def test_truncated_keeps_the_first_terms():
    e = fourier.cosine_expansion(np.array([2.0, -1.0, 0.5, 0.25]))
    short = e.truncated(2)
    np.testing.assert_array_equal(short.coefficients, [2.0, -1.0, 0.5])
    np.testing.assert_array_equal(short.frequencies, [1.0, 2.0])
    assert short.constant == 1.0
    np.testing.assert_array_equal(short.term_coefficients, [-1.0, 0.5])
    with pytest.raises(ValueError, match="n_terms"):
        e.truncated(4)


def test_fit_with_offsets_recovers_shifted_cosines():
    t = np.linspace(0.0, np.pi, 60)
    y = 0.5 + 1.5 * np.cos(0.7 * t + 0.4)
    start = expansions.Expansion(np.array([1.0, 1.4]), np.array([0.8]), np.array([0.0]), jnp.cos)
    fit = expansions.fit(t, y, start=start, fit_offsets=True)
    np.testing.assert_allclose(fit.frequencies, [0.7], atol=1e-6)
    np.testing.assert_allclose(fit.offsets, [0.4], atol=1e-6)
    np.testing.assert_allclose(fit.coefficients, [1.0, 1.5], atol=1e-6)
    # without fit_offsets the offsets stay those of the start
    fixed = expansions.fit(t, y, start=start)
    np.testing.assert_array_equal(fixed.offsets, start.offsets)


def test_fit_activation_expansion_checks_n_terms():
    with pytest.raises(ValueError, match="n_terms"):
        expansions.fit_activation_expansion(data.X, data.Y, key=jax.random.key(0), n_terms=0)


def test_activation_expansion_without_offsets_keeps_them_zero():
    x, y = data.training_data(n_points=20)
    e = expansions.fit_activation_expansion(
        x, y, key=jax.random.key(1), fit_offsets=False, max_nfev=50
    )
    np.testing.assert_array_equal(e.offsets, np.zeros(3))
    assert not np.allclose(e.frequencies, 0.0)


def test_evaluate_is_the_fits_model_under_jit(model_rounding_bound):
    # the fits evaluate expansions inside their compiled residuals: the same numbers
    numbers = np.array([0.4, 1.0, -2.0]), np.array([3.0, 0.5]), np.array([0.1, -0.2])
    e = expansions.Expansion(*numbers, jnp.tanh)
    x = np.linspace(0, 1, 9)

    def compiled(c, k, b):
        return expansions.evaluate(expansions.Expansion(c, k, b, jnp.tanh), x)

    np.testing.assert_array_equal(jax.jit(compiled)(*numbers), expansions.evaluate(e, x))
    a, k, b = e.term_coefficients, e.frequencies, e.offsets
    terms = a[0] * np.tanh(k[0] * x + b[0]) + a[1] * np.tanh(k[1] * x + b[1])
    error = np.abs(np.asarray(expansions.evaluate(e, x)) - (0.2 + terms))
    assert np.all(error <= 2 * model_rounding_bound(e.neurons().theta(), x))
