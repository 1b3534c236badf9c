import jax
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from mlintro import analysis, least_squares, models
from mlintro.config import ACTIVATIONS

EPS = np.finfo(np.float64).eps


@pytest.fixture(scope="module")
def point():
    """A generic point, not a minimum, so gradient and Hessian are far from zero."""
    return 0.8 * least_squares.initial_guess(jax.random.key(5), scale=1.0)


def test_sse_is_the_sum_of_squared_residuals(point, lecture_data, model_rounding_bound):
    x, y = lecture_data
    r = np.asarray(least_squares.residuals(point, x, y))
    sse = np.sum(r**2)
    # each residual may round differently inside the compiled SSE (its budget delta_i moves
    # r_i^2 by 2 |r_i| delta_i), and the positive squares may be summed in another order
    budget = np.sum(2 * np.abs(r) * model_rounding_bound(point, x, y)) + 2 * len(r) * EPS * sse
    assert abs(float(analysis.sse(point, x, y)) - sse) <= budget


def central_difference(f, p, h):
    columns = []
    for i in range(p.size):
        step = np.zeros_like(p)
        step[i] = h
        columns.append((np.asarray(f(p + step)) - np.asarray(f(p - step))) / (2 * h))
    return np.stack(columns, axis=-1)


def test_gradient_matches_finite_differences(point, lecture_data):
    g = np.asarray(analysis.gradient(point, *lecture_data))
    fd = central_difference(lambda p: analysis.sse(p, *lecture_data), point, 1e-6)
    assert np.abs(g).max() > 1e-2  # a real check, not of two near-zero vectors
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


def test_hessian_matches_finite_differences_of_the_gradient(point, lecture_data):
    h = np.asarray(analysis.hessian(point, *lecture_data))
    assert h.shape == (10, 10)
    np.testing.assert_allclose(h, h.T, rtol=1e-12, atol=1e-12)
    fd = central_difference(lambda p: analysis.gradient(p, *lecture_data), point, 1e-5)
    np.testing.assert_allclose(h, fd, rtol=1e-6, atol=1e-6)


def test_curvature_bundles_consistent_quantities(point, lecture_data):
    c = analysis.curvature(point, *lecture_data)
    np.testing.assert_array_equal(c.gradient, analysis.gradient(point, *lecture_data))
    np.testing.assert_array_equal(c.hessian, analysis.hessian(point, *lecture_data))
    assert np.all(np.diff(c.eigenvalues) >= 0)  # ascending
    scale = np.abs(c.eigenvalues).max()
    # eigen-decomposition residual: rounding, eps times |H| times a small factor
    tolerance = 100 * np.finfo(float).eps * scale
    np.testing.assert_allclose(
        c.hessian @ c.eigenvectors, c.eigenvectors * c.eigenvalues, rtol=0, atol=tolerance
    )
    np.testing.assert_allclose(c.eigenvectors.T @ c.eigenvectors, np.eye(10), atol=1e-12)
    largest = np.argmax(np.abs(c.eigenvectors), axis=0)
    assert np.all(c.eigenvectors[largest, np.arange(10)] > 0)  # the documented sign choice
    assert c.condition_number == scale / np.abs(c.eigenvalues).min()


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_hessian_parts_add_up_to_the_hessian(point, lecture_data, name):
    activation = ACTIVATIONS[name]
    x, _ = lecture_data
    parts = analysis.hessian_parts(point, *lecture_data, activation=activation)
    h = np.asarray(analysis.hessian(point, *lecture_data, activation=activation))
    # two ways of summing the same products: rounding, eps times |H| times a small factor
    np.testing.assert_allclose(
        parts.gauss_newton + parts.residual_term,
        h,
        rtol=0,
        atol=100 * np.finfo(float).eps * np.abs(h).max(),
    )
    assert np.all(np.linalg.eigvalsh(parts.gauss_newton) > -1e-10 * np.abs(h).max())
    j = np.asarray(least_squares.jacobian(point, *lecture_data, activation=activation))
    # the same dot products summed in another order (XLA's kernel or the BLAS): each entry is
    # within n eps of the sum of the absolute products, whatever cancels in it
    budget = 2 * len(x) * np.finfo(float).eps * (2 * np.abs(j).T @ np.abs(j))
    assert np.all(np.abs(parts.gauss_newton - 2 * j.T @ j) <= budget)
    # at a generic point the residual term is not negligible: a real check of both terms
    assert np.abs(parts.residual_term).max() > 1e-3 * np.abs(h).max()


def test_objectives_are_one_quantity_on_three_scales(point, lecture_data):
    x, y = lecture_data
    o = analysis.objectives(point, x, y)
    assert o.sse == float(analysis.sse(point, x, y))
    assert o.half_sse == o.sse / 2 and o.mse == o.sse / len(x)


def test_at_a_least_squares_fit_the_hessian_is_positive_definite_and_sloppy(ls_fit, lecture_data):
    c = analysis.curvature(ls_fit.x, *lecture_data)
    assert np.abs(c.gradient).max() < 1e-2
    assert np.all(c.eigenvalues > 0)
    assert c.condition_number > 1e10


def test_squared_loading_counts_named_components():
    v = np.arange(1.0, 11.0)
    assert analysis.squared_loading(v, list(models.PARAMETER_NAMES)) == pytest.approx(1.0)
    assert analysis.squared_loading(v, ["b1"]) == pytest.approx(1 / np.sum(v**2))
    with pytest.raises(ValueError, match="unknown parameter names"):
        analysis.squared_loading(v, ["w99"])


@settings(deadline=None)  # the first call compiles the model
@given(arrays(np.float64, 10, elements=st.floats(-20, 20)))
def test_canonical_form_is_the_same_model_in_a_standard_form(theta):
    canonical = analysis.canonical_form(theta)
    weights = models.neurons(canonical).w0
    assert np.all(weights >= 0) and np.all(np.diff(weights) >= 0)
    x = np.linspace(-1, 2, 7)
    # the same terms summed in another order: rounding of the largest term's size
    scale = np.abs(theta).sum() + 1
    np.testing.assert_allclose(
        models.scalar_model(x, canonical), models.scalar_model(x, theta), rtol=0, atol=1e-14 * scale
    )
    np.testing.assert_array_equal(analysis.canonical_form(canonical), canonical)  # idempotent


def test_the_derivatives_follow_the_activation(point, lecture_data):
    sigmoid = jax.nn.sigmoid
    g = np.asarray(analysis.gradient(point, *lecture_data, activation=sigmoid))
    fd = central_difference(
        lambda p: analysis.sse(p, *lecture_data, activation=sigmoid), point, 1e-6
    )
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6)
    assert not np.allclose(g, analysis.gradient(point, *lecture_data))
