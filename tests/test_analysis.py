import jax
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from mlintro import analysis, least_squares


@pytest.fixture(scope="module")
def point():
    """A generic point, not a minimum, so gradient and Hessian are far from zero."""
    return 0.8 * least_squares.initial_guess(jax.random.key(5), scale=1.0)


def test_sse_is_the_sum_of_squared_residuals(point, lecture_data):
    x, y = lecture_data
    r = np.asarray(least_squares.residuals(point, x, y))
    np.testing.assert_allclose(analysis.sse(point, x, y), np.sum(r**2), rtol=1e-13)


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
    np.testing.assert_allclose(c.eigenvalues, np.sort(np.linalg.eigvals(c.hessian).real), atol=1e-8)
    np.testing.assert_allclose(c.determinant, np.prod(c.eigenvalues), rtol=1e-6)
    assert c.near_zero == analysis.near_zero_count(c.eigenvalues)


def test_at_a_least_squares_fit_the_hessian_is_singular(ls_fit, lecture_data):
    c = analysis.curvature(ls_fit.x, *lecture_data)
    assert np.abs(c.gradient).max() < 1e-2
    assert c.near_zero >= 3
    assert abs(c.determinant) < 1e-20
    assert np.all(c.eigenvalues[c.near_zero :] > 0)


def test_near_zero_count_is_relative_to_the_largest_magnitude():
    eigs = np.array([-5.0, 1e-7, -4e-5, 3e-5, 1.0])
    assert analysis.near_zero_count(eigs) == 1  # threshold 1e-6 * |-5|: only 1e-7 is below
    assert analysis.near_zero_count(eigs, rtol=1e-5) == 3
    assert analysis.near_zero_count(100 * eigs) == 1  # scale-free
    assert analysis.near_zero_count(np.array([1.0, 2.0])) == 0


@given(
    arrays(np.float64, st.integers(1, 12), elements=st.floats(-1e3, 1e3)),
    st.floats(1e-9, 0.5),
)
def test_near_zero_count_agrees_with_a_direct_count(eigs, rtol):
    scale = np.abs(eigs).max()
    expected = sum(abs(e) < rtol * scale for e in eigs)
    assert analysis.near_zero_count(eigs, rtol=rtol) == expected
