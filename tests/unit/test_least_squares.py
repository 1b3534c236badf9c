import jax
import numpy as np
import pytest
from mlintro import least_squares, models


def test_residuals_are_data_minus_model():
    theta = np.linspace(-1.0, 1.0, 10)
    x = np.linspace(0.0, 2.0, 7)
    y = np.cos(x)
    # residuals is that subtraction, run the same way: equal to the bit
    np.testing.assert_array_equal(
        least_squares.residuals(theta, x, y), y - models.scalar_model(x, theta)
    )
    np.testing.assert_array_equal(
        least_squares.residuals(theta, x, models.scalar_model(x, theta)), 0.0
    )


def test_initial_guess_is_reproducible_and_depends_on_the_key():
    a = least_squares.initial_guess(jax.random.key(0))
    assert a.shape == (10,) and a.dtype == np.float64
    np.testing.assert_array_equal(a, least_squares.initial_guess(jax.random.key(0)))
    assert np.all(a != least_squares.initial_guess(jax.random.key(1)))


def test_initial_guess_is_scale_times_standard_normal():
    keys = jax.random.split(jax.random.key(0), 400)
    draws = np.stack([least_squares.initial_guess(k) for k in keys[:200]])
    assert abs(draws.std() / 0.1 - 1) < 0.05  # 2,000 draws
    assert abs(draws.mean()) < 0.01
    k = keys[-1]
    np.testing.assert_allclose(
        least_squares.initial_guess(k, scale=2.5), 25 * least_squares.initial_guess(k), rtol=1e-14
    )


def test_fit_recovers_a_model_that_generated_the_data():
    true = np.array([0.3, 1.2, 2.0, -0.5, -0.7, 1.5, 0.2, 0.4, -3.0, 1.0])
    x = np.linspace(-1.0, 1.0, 40)
    y = np.asarray(models.scalar_model(x, true))
    start = true + 0.05 * least_squares.initial_guess(jax.random.key(0))
    result = least_squares.fit(start, x, y)
    assert result.success
    assert result.cost < 1e-20
    np.testing.assert_allclose(models.scalar_model(x, result.x), y, atol=1e-10)


EPS = np.finfo(np.float64).eps


def test_fit_reports_cost_as_half_the_sum_of_squared_residuals(
    ls_fit, lecture_data, model_rounding_bound
):
    x, y = lecture_data
    # scipy's own bookkeeping: cost is 0.5 * sum(fun**2), up to the rounding of a sum of n terms
    n = len(ls_fit.fun)
    np.testing.assert_allclose(ls_fit.cost, 0.5 * np.sum(ls_fit.fun**2), rtol=n * EPS)
    # and fun is our residual function at the returned parameters, to within its rounding
    bound = model_rounding_bound(ls_fit.x, x, y)
    r = np.asarray(least_squares.residuals(ls_fit.x, x, y))
    assert np.all(np.abs(ls_fit.fun - r) <= bound), np.max(np.abs(ls_fit.fun - r) / bound)
    assert ls_fit.cost < 1e-3


def central_difference_jacobian(theta, x, y, h=1e-6):
    columns = []
    for i in range(theta.size):
        step = np.zeros(theta.size)
        step[i] = h
        plus = np.asarray(least_squares.residuals(theta + step, x, y))
        minus = np.asarray(least_squares.residuals(theta - step, x, y))
        columns.append((plus - minus) / (2 * h))
    return np.stack(columns, axis=1)


def test_fit_uses_the_exact_jacobian(ls_fit, lecture_data):
    # scipy's result holds the Jacobian at the end point: the one of `jacobian`, and close
    # to central differences
    np.testing.assert_array_equal(ls_fit.jac, least_squares.jacobian(ls_fit.x, *lecture_data))
    np.testing.assert_allclose(
        ls_fit.jac, central_difference_jacobian(ls_fit.x, *lecture_data), rtol=1e-5, atol=1e-6
    )


def test_jacobian_matches_finite_differences_at_a_generic_point(lecture_data):
    # not a minimum: the residuals are far from zero
    theta = 0.8 * least_squares.initial_guess(jax.random.key(5), scale=1.0)
    j = np.asarray(least_squares.jacobian(theta, *lecture_data))
    assert j.shape == (len(lecture_data[0]), 10)
    np.testing.assert_allclose(
        j, central_difference_jacobian(theta, *lecture_data), rtol=1e-6, atol=1e-8
    )


def test_fit_passes_options_to_scipy(lecture_data):
    x0 = least_squares.initial_guess(jax.random.key(3))
    result = least_squares.fit(x0, *lecture_data, max_nfev=5)
    assert result.nfev <= 5 and result.status == 0


@pytest.mark.parametrize("shape", [(9,), (11,), (2, 5)])
def test_fit_rejects_a_start_of_the_wrong_shape(shape, lecture_data):
    with pytest.raises(ValueError, match="expected the 10 parameters"):
        least_squares.fit(np.zeros(shape), *lecture_data)


def test_fit_network_recovers_a_network_it_can_represent():
    truth = models.init_params(jax.random.key(7), (1, 2, 1), scale=1.0)
    x = np.linspace(-1.0, 1.0, 30)
    y = np.asarray(models.predict(truth, x))
    start = [(w + 0.1, b - 0.1) for w, b in truth]
    fitted = least_squares.fit_network(start, x, y)
    # the data are exactly representable: the residual is at rounding level (y ~ 1,
    # 30 points), far below any fit that missed
    np.testing.assert_allclose(models.predict(fitted, x), y, atol=1e-8)
    with pytest.raises(ValueError, match="equal length"):
        least_squares.fit_network(start, x, y[:-1])


def test_fit_network_of_the_lecture_shape_is_the_ten_parameter_fit(lecture_data):
    # the same model, the same solver: from the same start, the same fit
    x0 = least_squares.initial_guess(jax.random.key(0))
    fitted = least_squares.fit_network(models.params_from_flat(x0), *lecture_data, max_nfev=20)
    by_theta = least_squares.fit(x0, *lecture_data, max_nfev=20).x
    np.testing.assert_allclose(models.flat_from_params(fitted), by_theta, rtol=1e-6, atol=1e-8)
