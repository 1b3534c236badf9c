"""Shared fixtures for the unit tests: the lecture's data and one least-squares fit."""

import jax
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")  # no display in tests; must precede any pyplot import

from mlintro import data, least_squares

EPS = np.finfo(np.float64).eps
# About ten float64 operations lie between a parameter and a model value, each exact to half
# an ulp, and tanh, exp and cos are not correctly rounded (XLA's vectorised and scalar kernels
# and NumPy's may differ by a few ulps); 32 ulps of the size of what is summed covers both, on
# any CPU.
ROUNDING_ULPS = 32


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# Each activation's value and slope in NumPy, for the rounding budget: the models' tanh and
# sigmoid (mlintro.config.ACTIVATIONS), and the cos and softplus of the expansions' tests.
ACTIVATION_VALUE_AND_SLOPE = {
    "tanh": (np.tanh, lambda z: 1.0 / np.cosh(z) ** 2),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "cos": (np.cos, np.sin),
    "softplus": (lambda z: np.logaddexp(0.0, z), _sigmoid),
}


def _model_rounding_bound(theta, x, y=0.0, *, activation="tanh"):
    """Bound on the float64 error of ``y - scalar_model(x, theta)`` at each x.

    ``theta`` is the flat vector of a one-layer network of any width (``b1``, then
    ``w1i, w0i, b0i`` for each neuron, as ``models.Neurons.theta`` lays it out), and
    ``activation`` the name of its activation in :data:`ACTIVATION_VALUE_AND_SLOPE`.

    The model's terms can be much larger than its value (parameters ~100 that cancel to ~1),
    so the error scales with the terms: |b1|, each |w1i g(z_i)|, and the error of each
    argument z_i = w0i x + b0i passed through g's slope and weighted by |w1i|.
    """
    value, slope = ACTIVATION_VALUE_AND_SLOPE[activation]
    b1, *neurons = np.asarray(theta, dtype=np.float64)
    w1, w0, b0 = np.asarray(neurons).reshape(-1, 3).T
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    z = np.outer(x, w0) + b0
    argument_size = np.abs(np.outer(x, w0)) + np.abs(b0)
    terms = np.abs(w1) * (np.abs(value(z)) + np.abs(slope(z)) * argument_size)
    # XLA's CPU code flushes subnormal numbers to zero, NumPy keeps them: each of the ~ten
    # terms may lose up to the smallest normal number
    flushed = 16 * np.finfo(np.float64).tiny
    return ROUNDING_ULPS * EPS * (np.abs(y) + abs(b1) + terms.sum(axis=1)) + flushed


@pytest.fixture(scope="session")
def model_rounding_bound():
    """``model_rounding_bound(theta, x, y=0, activation="tanh")``: a one-layer model's budget."""
    return _model_rounding_bound


@pytest.fixture(scope="session")
def lecture_data() -> tuple[np.ndarray, np.ndarray]:
    """The lecture's 50 points of x^(1/3) on [0, 1]."""
    return data.X, data.Y


@pytest.fixture(scope="session")
def ls_fit():
    """The least-squares fit from the start drawn with ``jax.random.key(0)``."""
    return least_squares.fit(least_squares.initial_guess(jax.random.key(0)), data.X, data.Y)
