r"""What a least-squares fit's derivatives say: objectives, gradient and Hessian.

The lessons use three objectives that differ only by constant factors (see
:class:`Objectives`): scipy's ``cost`` is half the sum of squared errors (SSE),
the gradient and Hessian here are those of the SSE itself, and the network is
trained on the mean squared error (MSE).

For the SSE of residuals :math:`r_i(p)` the Hessian splits into a Gauss-Newton
part and a residual part, :math:`H = 2 J^T J + 2 \sum_i r_i \nabla^2 r_i`
(:func:`hessian_parts`; the Jacobian :math:`J` is
:func:`mlintro.least_squares.jacobian`). At the lecture's fit the eigenvalues of :math:`H` are
all positive but spread over more than ten decades, with no gap: the fit is
*sloppy*, with directions in parameter space along which the SSE hardly changes.

Every function takes the model's activation as the keyword ``activation``
(default :data:`mlintro.config.DEFAULT_ACTIVATION`), as the fit does.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .config import DEFAULT_ACTIVATION, Activation
from .least_squares import jacobian, residuals
from .models import PARAMETER_NAMES, Neurons, neurons

__all__ = [
    "Curvature",
    "HessianParts",
    "Objectives",
    "canonical_form",
    "curvature",
    "gradient",
    "hessian",
    "hessian_parts",
    "objectives",
    "squared_loading",
    "sse",
]


def sse(
    theta: jax.Array, x: jax.Array, y: jax.Array, *, activation: Activation = DEFAULT_ACTIVATION
) -> jax.Array:
    """Return the sum of squared errors of the 10-parameter model.

    Examples
    --------
    >>> sse(jnp.zeros(10), jnp.array([0.0, 1.0]), jnp.array([1.0, 1.0]))
    Array(2., dtype=float64)
    """
    return jnp.sum(residuals(theta, x, y, activation=activation) ** 2)


gradient = jax.jit(jax.grad(sse), static_argnames="activation")
"""``gradient(theta, x, y, *, activation=...)``: the gradient of :func:`sse` in ``theta``."""

hessian = jax.jit(jax.hessian(sse), static_argnames="activation")
"""``hessian(theta, x, y, *, activation=...)``: the 10 x 10 Hessian of :func:`sse` in ``theta``."""

_residual_hessians = jax.jit(jax.hessian(residuals), static_argnames="activation")


class Objectives(NamedTuple):
    """The three objectives of the course at one point; they differ by constant factors."""

    half_sse: float
    """Half the sum of squared errors: scipy's ``cost``, minimised by the least-squares fit."""
    sse: float
    """The sum of squared errors, whose gradient and Hessian this module computes."""
    mse: float
    """The mean squared error, ``sse / N``: the loss the neural network is trained on."""


def objectives(
    theta: jax.Array, x: jax.Array, y: jax.Array, *, activation: Activation = DEFAULT_ACTIVATION
) -> Objectives:
    """Evaluate ½ SSE, SSE and MSE of the 10-parameter model at ``theta``.

    Examples
    --------
    >>> objectives(jnp.zeros(10), jnp.array([0.0, 1.0]), jnp.array([1.0, 1.0]))
    Objectives(half_sse=1.0, sse=2.0, mse=1.0)
    """
    total = float(sse(theta, x, y, activation=activation))
    return Objectives(half_sse=total / 2, sse=total, mse=total / np.size(x))


class HessianParts(NamedTuple):
    """The two terms of the Hessian of the SSE, ``H = gauss_newton + residual_term``."""

    gauss_newton: np.ndarray
    """``2 J^T J``: first derivatives only, positive semi-definite."""
    residual_term: np.ndarray
    """``2 sum_i r_i * Hessian(r_i)``: second derivatives weighted by the residuals."""


def hessian_parts(
    theta: jax.Array, x: jax.Array, y: jax.Array, *, activation: Activation = DEFAULT_ACTIVATION
) -> HessianParts:
    """Split the Hessian of :func:`sse` into its Gauss-Newton and residual terms.

    Examples
    --------
    >>> x = jnp.linspace(0, 1, 5)
    >>> theta = jnp.linspace(-1.0, 1.0, 10)
    >>> parts = hessian_parts(theta, x, x ** (1 / 3))
    >>> h = np.asarray(hessian(theta, x, x ** (1 / 3)))
    >>> bool(np.allclose(parts.gauss_newton + parts.residual_term, h, rtol=1e-12, atol=1e-12))
    True
    """
    j = np.asarray(jacobian(theta, x, y, activation=activation))
    r = np.asarray(residuals(theta, x, y, activation=activation))
    second = np.asarray(_residual_hessians(theta, x, y, activation=activation))  # (N, 10, 10)
    return HessianParts(
        gauss_newton=2 * j.T @ j, residual_term=2 * np.einsum("i,ijk->jk", r, second)
    )


class Curvature(NamedTuple):
    """The first and second derivatives of the sum of squared errors at a point."""

    gradient: np.ndarray
    hessian: np.ndarray
    eigenvalues: np.ndarray
    """Eigenvalues of the (symmetric) Hessian, in ascending order."""
    eigenvectors: np.ndarray
    """Unit eigenvectors as columns, in the order of ``eigenvalues``; the sign of each is
    chosen so that its largest component is positive (LAPACK's choice varies)."""
    condition_number: float
    """Largest over smallest eigenvalue in size."""


def curvature(
    theta: jax.Array, x: jax.Array, y: jax.Array, *, activation: Activation = DEFAULT_ACTIVATION
) -> Curvature:
    """Evaluate the gradient and Hessian of :func:`sse` and the Hessian's eigenvalues.

    Examples
    --------
    >>> c = curvature(jnp.linspace(-1.0, 1.0, 10), jnp.linspace(0, 1, 5), jnp.ones(5))
    >>> c.hessian.shape, bool(np.allclose(c.hessian, c.hessian.T))
    ((10, 10), True)
    >>> bool(np.allclose(c.hessian @ c.eigenvectors, c.eigenvectors * c.eigenvalues))
    True
    """
    h = np.asarray(hessian(theta, x, y, activation=activation))
    eigenvalues, eigenvectors = np.linalg.eigh(h)
    largest = np.argmax(np.abs(eigenvectors), axis=0)
    signs = np.sign(eigenvectors[largest, np.arange(eigenvectors.shape[1])])
    sizes = np.abs(eigenvalues)
    return Curvature(
        gradient=np.asarray(gradient(theta, x, y, activation=activation)),
        hessian=h,
        eigenvalues=eigenvalues,
        eigenvectors=eigenvectors * signs,
        condition_number=float(sizes.max() / sizes.min()),
    )


def squared_loading(vector: np.ndarray, names: tuple[str, ...] | list[str]) -> float:
    """Return the share of a unit vector's squared length on the named parameters.

    Examples
    --------
    >>> v = np.zeros(10); v[0] = 0.6; v[1] = 0.8  # b1 and w10
    >>> round(squared_loading(v, ["b1"]), 2), round(squared_loading(v, ["b1", "w10"]), 2)
    (0.36, 1.0)
    """
    unknown = [name for name in names if name not in PARAMETER_NAMES]
    if unknown:
        raise ValueError(f"unknown parameter names {unknown}; the names are {PARAMETER_NAMES}")
    vector = np.asarray(vector)
    indices = [PARAMETER_NAMES.index(name) for name in names]
    return float(np.sum(vector[indices] ** 2) / np.sum(vector**2))


def canonical_form(theta: jax.Array) -> np.ndarray:
    """Return the same model with every input weight positive, neurons by increasing weight.

    tanh is odd, so flipping the signs of one neuron's ``(w1i, w0i, b0i)`` leaves the
    model unchanged (for an activation that is not odd, such as the sigmoid, it does not),
    and so does relabelling the neurons. Fits that differ only by
    these symmetries have the same canonical form.

    Examples
    --------
    >>> theta = np.array([0.5, 1.0, -3.0, 0.2, 2.0, 1.0, -0.1, -1.0, 2.0, 0.3])
    >>> canonical_form(theta)
    array([ 0.5,  2. ,  1. , -0.1, -1. ,  2. ,  0.3, -1. ,  3. , -0.2])
    >>> from mlintro.models import scalar_model
    >>> x = np.linspace(0, 1, 5)
    >>> bool(np.allclose(scalar_model(x, canonical_form(theta)), scalar_model(x, theta)))
    True
    """
    parts = neurons(np.asarray(theta))
    signs = np.where(parts.w0 < 0, -1.0, 1.0)
    order = np.argsort(signs * parts.w0, kind="stable")
    w0, b0, w1 = (np.asarray(signs * a)[order] for a in (parts.w0, parts.b0, parts.w1))
    return np.asarray(Neurons(w0=w0, b0=b0, w1=w1, b1=parts.b1).theta())
