"""The first fit of the lecture: :func:`scipy.optimize.least_squares`.

The residuals are written in JAX, so the solver gets an exact Jacobian from
:func:`jax.jacfwd` instead of finite differences. The model's activation is the
keyword ``activation`` (default :data:`mlintro.config.DEFAULT_ACTIVATION`).
"""

from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from scipy.optimize import OptimizeResult
from scipy.optimize import least_squares as scipy_least_squares

from .config import DEFAULT_ACTIVATION, Activation
from .models import PARAMETER_NAMES, scalar_model

__all__ = ["fit", "initial_guess", "residuals"]


def residuals(
    pars: ArrayLike, x: ArrayLike, y: ArrayLike, *, activation: Activation = DEFAULT_ACTIVATION
) -> jax.Array:
    """Return the data minus the 10-parameter model, ``y - scalar_model(x, pars)``.

    Examples
    --------
    >>> residuals(jnp.zeros(10), jnp.array([0.0, 1.0]), jnp.array([0.0, 1.0]))
    Array([0., 1.], dtype=float64)
    """
    return jnp.asarray(y) - scalar_model(x, pars, activation=activation)


# compiled once per activation and data shape, shared by every call of `fit`
_residuals = jax.jit(residuals, static_argnames="activation")
_jacobian = jax.jit(jax.jacfwd(residuals), static_argnames="activation")


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
    start = np.asarray(x0, dtype=np.float64)
    if start.shape != (len(PARAMETER_NAMES),):
        raise ValueError(
            f"x0 must hold the 10 parameters {PARAMETER_NAMES}, got shape {start.shape}"
        )
    x, y = jnp.asarray(x, dtype=jnp.float64), jnp.asarray(y, dtype=jnp.float64)
    residuals = partial(_residuals, x=x, y=y, activation=activation)
    jacobian = partial(_jacobian, x=x, y=y, activation=activation)
    return scipy_least_squares(
        lambda p: np.asarray(residuals(p)), start, jac=lambda p: np.asarray(jacobian(p)), **options
    )
