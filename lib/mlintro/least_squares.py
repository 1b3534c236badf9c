"""The first fit of the lecture: :func:`scipy.optimize.least_squares`.

The residuals are written in JAX, so the solver gets an exact Jacobian from
:func:`jax.jacfwd` instead of finite differences. The model's activation is the
keyword ``activation`` (default :data:`mlintro.config.DEFAULT_ACTIVATION`).
:func:`solve` is the same method for any residuals written in JAX: the fits of
:mod:`mlintro.expansions` and :func:`fit_network`, which fits a network of any
depth, use it.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree
from jax.typing import ArrayLike
from scipy.optimize import OptimizeResult
from scipy.optimize import least_squares as scipy_least_squares

from .config import DEFAULT_ACTIVATION, Activation
from .models import PARAMETER_NAMES, Params, _check_theta, predict, scalar_model

__all__ = ["fit", "fit_network", "initial_guess", "jacobian", "residuals", "solve"]


def residuals(
    theta: ArrayLike, x: ArrayLike, y: ArrayLike, *, activation: Activation = DEFAULT_ACTIVATION
) -> jax.Array:
    """Return the data minus the 10-parameter model, ``y - scalar_model(x, theta)``.

    Examples
    --------
    >>> residuals(jnp.zeros(10), jnp.array([0.0, 1.0]), jnp.array([0.0, 1.0]))
    Array([0., 1.], dtype=float64)
    """
    return jnp.asarray(y) - scalar_model(x, theta, activation=activation)


# compiled once per activation and data shape, shared by every call of `fit`
_residuals = jax.jit(residuals, static_argnames="activation")

jacobian = jax.jit(jax.jacfwd(residuals), static_argnames="activation")
"""``jacobian(theta, x, y, *, activation=...)``: the N x 10 Jacobian of :func:`residuals`,
``J[i, j] = d r_i / d theta_j``, exact (:func:`jax.jacfwd`)."""


def initial_guess(key: ArrayLike, *, scale: float = 0.1) -> np.ndarray:
    """Draw a small random starting point, ``scale`` times standard normal numbers.

    Examples
    --------
    >>> x0 = initial_guess(jax.random.key(0))
    >>> x0.shape, bool(np.all(np.abs(x0) < 1.0))
    ((10,), True)
    """
    return scale * np.asarray(jax.random.normal(key, (len(PARAMETER_NAMES),)))


def fit(
    x0: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    *,
    activation: Activation = DEFAULT_ACTIVATION,
    **options: Any,
) -> OptimizeResult:
    """Fit the 10-parameter model to ``x``, ``y`` from ``x0`` by nonlinear least squares.

    Parameters
    ----------
    x0
        Starting parameters, e.g. from :func:`initial_guess`.
    x, y
        1-D data.
    activation
        The model's activation function g (see :func:`mlintro.models.scalar_model`).
    **options
        Passed on to :func:`scipy.optimize.least_squares` (``max_nfev``,
        ``ftol``, ...); its defaults otherwise.

    Returns
    -------
    OptimizeResult
        scipy's result: ``x`` (the parameters), ``cost`` (half the sum of
        squared residuals), ``message``, ``status``, ``nfev``, ...

    Examples
    --------
    >>> from mlintro import data
    >>> result = fit(initial_guess(jax.random.key(0)), data.X, data.Y)
    >>> bool(result.cost < 1e-3)
    True
    """
    start = _check_theta(np.asarray(x0, dtype=np.float64))
    x, y = jnp.asarray(x, dtype=jnp.float64), jnp.asarray(y, dtype=jnp.float64)
    return _solve(
        partial(_residuals, x=x, y=y, activation=activation),
        partial(jacobian, x=x, y=y, activation=activation),
        start,
        options,
    )


def fit_network(
    params: Params,
    x: ArrayLike,
    y: ArrayLike,
    *,
    activation: Activation = DEFAULT_ACTIVATION,
    **options: Any,
) -> Params:
    """Fit a one-input, one-output network of any depth by nonlinear least squares.

    Every weight and bias is a parameter of :func:`solve` (flattened with
    :func:`jax.flatten_util.ravel_pytree`): the method of :func:`fit`, for any
    layer sizes.

    Parameters
    ----------
    params
        Starting ``(W, b)`` pairs, e.g. from :func:`mlintro.models.init_params`.
    x, y
        1-D data.
    activation
        The hidden layers' activation function.
    **options
        Passed on to :func:`scipy.optimize.least_squares`.

    Returns
    -------
    list of (W, b)
        The fitted parameters, in the shapes of ``params``.

    Examples
    --------
    >>> from mlintro import data, models
    >>> start = models.init_params(jax.random.key(0), (1, 2, 2, 1))
    >>> fitted = fit_network(start, data.X, data.Y, max_nfev=200)
    >>> [(w.shape, b.shape) for w, b in fitted] == [(w.shape, b.shape) for w, b in start]
    True
    >>> bool(np.sqrt(np.mean((models.predict(fitted, data.X) - data.Y) ** 2)) < 1e-2)
    True
    """
    x, y = jnp.asarray(x, dtype=jnp.float64), jnp.asarray(y, dtype=jnp.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of equal length, got {x.shape} and {y.shape}")
    flat, unflatten = ravel_pytree(params)

    def network_residuals(p: jax.Array) -> jax.Array:
        return y - predict(unflatten(p), x, activation=activation)

    result = solve(network_residuals, flat, **options)
    return unflatten(jnp.asarray(result.x))


def solve(
    residuals: Callable[[jax.Array], jax.Array], start: ArrayLike, **options: Any
) -> OptimizeResult:
    """Minimise the sum of squares of ``residuals(p)`` over ``p``, from ``start``.

    ``residuals`` maps the flat parameter vector to the vector of residuals and is
    written in JAX: it is compiled with :func:`jax.jit`, and
    :func:`scipy.optimize.least_squares` gets its exact Jacobian from
    :func:`jax.jacfwd`.

    Parameters
    ----------
    residuals
        The residuals as a function of the parameters.
    start
        The starting parameters, a 1-D array.
    **options
        Passed on to :func:`scipy.optimize.least_squares`.

    Returns
    -------
    OptimizeResult
        scipy's result (``x``, ``cost``, ``status``, ...).

    Examples
    --------
    >>> result = solve(lambda p: jnp.array([p[0] - 1.0, 2.0 * (p[1] + 3.0)]), np.zeros(2))
    >>> np.round(result.x, 8) + 0.0, float(result.cost) < 1e-20
    (array([ 1., -3.]), True)
    """
    return _solve(jax.jit(residuals), jax.jit(jax.jacfwd(residuals)), start, options)


def _solve(
    residuals: Callable[[jax.Array], jax.Array],
    jacobian: Callable[[jax.Array], jax.Array],
    start: ArrayLike,
    options: dict[str, Any],
) -> OptimizeResult:
    return scipy_least_squares(
        lambda p: np.asarray(residuals(p)),
        np.asarray(start, dtype=np.float64),
        jac=lambda p: np.asarray(jacobian(p)),
        **options,
    )
