"""What the fitted parameters tell us: gradient and Hessian of the sum of squared errors.

At the end of a fit the gradient is close to zero. Several eigenvalues of the
Hessian are close to zero too, so the Hessian is (numerically) singular: the
model has more parameters than the data determine, and no method that inverts
the Hessian can be used.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .least_squares import residuals

__all__ = ["Curvature", "curvature", "gradient", "hessian", "near_zero_count", "sse"]


def sse(pars: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    """Return the sum of squared errors of the 10-parameter model.

    Examples
    --------
    >>> sse(jnp.zeros(10), jnp.array([0.0, 1.0]), jnp.array([1.0, 1.0]))
    Array(2., dtype=float64)
    """
    return jnp.sum(residuals(pars, x, y) ** 2)


gradient = jax.jit(jax.grad(sse))
"""``gradient(pars, x, y)``: the gradient of :func:`sse` with respect to ``pars``."""

hessian = jax.jit(jax.hessian(sse))
"""``hessian(pars, x, y)``: the 10 x 10 Hessian of :func:`sse` with respect to ``pars``."""


def near_zero_count(eigenvalues: np.ndarray, *, rtol: float = 1e-6) -> int:
    """Count eigenvalues smaller in size than ``rtol`` times the largest one.

    Examples
    --------
    >>> near_zero_count(np.array([1e-12, -1e-10, 0.5, 2.0]))
    2
    """
    eigenvalues = np.abs(np.asarray(eigenvalues))
    return int(np.sum(eigenvalues < rtol * eigenvalues.max()))


class Curvature(NamedTuple):
    """The first and second derivatives of the sum of squared errors at a point."""

    gradient: np.ndarray
    hessian: np.ndarray
    eigenvalues: np.ndarray
    """Eigenvalues of the (symmetric) Hessian, in ascending order."""
    determinant: float
    near_zero: int
    """How many eigenvalues are near zero (see :func:`near_zero_count`)."""


def curvature(pars: jax.Array, x: jax.Array, y: jax.Array, *, rtol: float = 1e-6) -> Curvature:
    """Evaluate gradient, Hessian, its eigenvalues and determinant at ``pars``.

    Examples
    --------
    >>> c = curvature(jnp.zeros(10), jnp.linspace(0, 1, 5), jnp.ones(5))
    >>> c.hessian.shape, bool(np.allclose(c.hessian, c.hessian.T))
    ((10, 10), True)
    """
    h = np.asarray(hessian(pars, x, y))
    eigenvalues = np.linalg.eigvalsh(h)
    return Curvature(
        gradient=np.asarray(gradient(pars, x, y)),
        hessian=h,
        eigenvalues=eigenvalues,
        determinant=float(np.linalg.det(h)),
        near_zero=near_zero_count(eigenvalues, rtol=rtol),
    )
