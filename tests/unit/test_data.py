import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mlintro import data

EPS = np.finfo(np.float64).eps


def spacing_rtol(n_points):
    """Relative error of np.diff of a linspace: each point is within ~2 ulps of its value (at
    most ``stop``), so a difference is within 4 ulps of ``stop``, i.e. 4 (n - 1) eps of the step."""
    return 4 * (n_points - 1) * EPS


def cube_root_rtol(x):
    """x ** (1/3) uses 1/3 rounded to float64 (off by up to eps/6 in the exponent, a relative
    error of |ln x| eps / 6 in the result), and pow and cbrt are each within an ulp or so."""
    x = np.asarray(x, dtype=np.float64)
    log_size = np.max(np.abs(np.log(x[x > 0])), initial=0.0)
    return (log_size / 6 + 4) * EPS


def test_lecture_data_is_50_points_of_the_cube_root_on_unit_interval():
    assert data.X.shape == data.Y.shape == (50,)
    assert data.X.dtype == data.Y.dtype == np.float64
    assert data.X[0] == 0.0 and data.X[-1] == 1.0
    np.testing.assert_allclose(np.diff(data.X), 1 / 49, rtol=spacing_rtol(50))
    np.testing.assert_allclose(data.Y, np.cbrt(data.X), rtol=cube_root_rtol(data.X), atol=0)


@pytest.mark.parametrize("n_points", [2, 3, 17, 50, 101])
def test_training_data_is_evenly_spaced_and_includes_both_ends(n_points):
    x, y = data.training_data(n_points=n_points)
    assert x.shape == y.shape == (n_points,)
    assert (x[0], x[-1]) == (0.0, 1.0)
    np.testing.assert_allclose(np.diff(x), 1 / (n_points - 1), rtol=spacing_rtol(n_points))
    # y has the error of cube_root; cubing triples it and rounds twice more
    np.testing.assert_allclose(y**3, x, rtol=3 * cube_root_rtol(x) + 2 * EPS)
    assert np.all(np.diff(y) > 0)  # x^(1/3) increases


@pytest.mark.parametrize("n_points", [1, 0, -3])
def test_training_data_needs_two_points(n_points):
    with pytest.raises(ValueError, match="at least 2"):
        data.training_data(n_points=n_points)


@given(st.floats(min_value=0.0, max_value=1e6, allow_nan=False))
def test_cube_root_inverts_the_cube(x):
    root = data.cube_root(np.array([x]))[0]
    assert root >= 0.0
    np.testing.assert_allclose(root, np.cbrt(x), rtol=cube_root_rtol(x))


def test_cube_root_rejects_negative_inputs():
    with pytest.raises(ValueError, match="x >= 0"):
        data.cube_root(np.array([1.0, -1e-12]))


@pytest.mark.parametrize(("stop", "n_points"), [(10.0, 50), (3.0, 4), (100.0, 1001)])
def test_extrapolation_grid_spans_zero_to_stop(stop, n_points):
    grid = data.extrapolation_grid(stop=stop, n_points=n_points)
    assert grid.shape == (n_points,)
    assert (grid[0], grid[-1]) == (0.0, stop)
    np.testing.assert_allclose(np.diff(grid), stop / (n_points - 1), rtol=spacing_rtol(n_points))


def test_default_extrapolation_grid_goes_well_beyond_the_training_range():
    grid = data.extrapolation_grid()
    assert grid.max() == 10.0
    assert np.sum(grid > data.X.max()) > len(grid) // 2


@pytest.mark.parametrize("stop", [0.5, 8.0, 100.0])
def test_training_data_can_cover_a_wider_range(stop):
    x, y = data.training_data(n_points=11, stop=stop)
    assert (x[0], x[-1]) == (0.0, stop)
    np.testing.assert_allclose(y, np.cbrt(x), rtol=cube_root_rtol(x))


@pytest.mark.parametrize("stop", [0.0, -1.0])
def test_training_data_needs_a_positive_stop(stop):
    with pytest.raises(ValueError, match="stop"):
        data.training_data(stop=stop)
