r"""What a least-squares fit's derivatives say: objectives, Jacobian, gradient and Hessian.

The lessons use three objectives that differ only by constant factors (see
:class:`Objectives`): scipy's ``cost`` is half the sum of squared errors (SSE),
the gradient and Hessian here are those of the SSE itself, and the network is
trained on the mean squared error (MSE).

For the SSE of residuals :math:`r_i(p)` the Hessian splits into a Gauss-Newton
part and a residual part, :math:`H = 2 J^T J + 2 \sum_i r_i \nabla^2 r_i`
(:func:`hessian_parts`). At the lecture's fit the eigenvalues of :math:`H` are
all positive but spread over more than ten decades, with no gap: the fit is
*sloppy*, with directions in parameter space along which the SSE hardly changes.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .least_squares import residuals
from .models import PARAMETER_NAMES

__all__ = [
    "Curvature",
    "HessianParts",
    "Neurons",
    "Objectives",
    "canonical_form",
    "curvature",
    "gradient",
    "hessian",
    "hessian_parts",
    "jacobian",
    "neurons",
    "objectives",
    "squared_loading",
    "sse",
]


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

jacobian = jax.jit(jax.jacfwd(residuals))
"""``jacobian(pars, x, y)``: the N x 10 Jacobian of the residuals, ``J[i, j] = d r_i / d p_j``."""

_residual_hessians = jax.jit(jax.hessian(residuals))


class Objectives(NamedTuple):
    """The three objectives of the course at one point; they differ by constant factors."""

    half_sse: float
    """Half the sum of squared errors: scipy's ``cost``, minimised by the least-squares fit."""
    sse: float
    """The sum of squared errors, whose gradient and Hessian this module computes."""
    mse: float
    """The mean squared error, ``sse / N``: the loss the neural network is trained on."""


def objectives(pars: jax.Array, x: jax.Array, y: jax.Array) -> Objectives:
    """Evaluate ½ SSE, SSE and MSE of the 10-parameter model at ``pars``.

    Examples
    --------
    >>> objectives(jnp.zeros(10), jnp.array([0.0, 1.0]), jnp.array([1.0, 1.0]))
    Objectives(half_sse=1.0, sse=2.0, mse=1.0)
    """
    total = float(sse(pars, x, y))
    return Objectives(half_sse=total / 2, sse=total, mse=total / np.size(x))


class HessianParts(NamedTuple):
    """The two terms of the Hessian of the SSE, ``H = gauss_newton + residual_term``."""

    gauss_newton: np.ndarray
    """``2 J^T J``: first derivatives only, positive semi-definite."""
    residual_term: np.ndarray
    """``2 sum_i r_i * Hessian(r_i)``: second derivatives weighted by the residuals."""


def hessian_parts(pars: jax.Array, x: jax.Array, y: jax.Array) -> HessianParts:
    """Split the Hessian of :func:`sse` into its Gauss-Newton and residual terms.

    Examples
    --------
    >>> x = jnp.linspace(0, 1, 5)
    >>> pars = jnp.linspace(-1.0, 1.0, 10)
    >>> parts = hessian_parts(pars, x, x ** (1 / 3))
    >>> h = np.asarray(hessian(pars, x, x ** (1 / 3)))
    >>> bool(np.allclose(parts.gauss_newton + parts.residual_term, h, rtol=1e-12, atol=1e-12))
    True
    """
    j = np.asarray(jacobian(pars, x, y))
    r = np.asarray(residuals(pars, x, y))
    second = np.asarray(_residual_hessians(pars, x, y))  # shape (N, 10, 10)
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


def curvature(pars: jax.Array, x: jax.Array, y: jax.Array) -> Curvature:
    """Evaluate the gradient and Hessian of :func:`sse` and the Hessian's eigenvalues.

    Examples
    --------
    >>> c = curvature(jnp.linspace(-1.0, 1.0, 10), jnp.linspace(0, 1, 5), jnp.ones(5))
    >>> c.hessian.shape, bool(np.allclose(c.hessian, c.hessian.T))
    ((10, 10), True)
    >>> bool(np.allclose(c.hessian @ c.eigenvectors, c.eigenvectors * c.eigenvalues))
    True
    """
    h = np.asarray(hessian(pars, x, y))
    eigenvalues, eigenvectors = np.linalg.eigh(h)
    largest = np.argmax(np.abs(eigenvectors), axis=0)
    signs = np.sign(eigenvectors[largest, np.arange(eigenvectors.shape[1])])
    sizes = np.abs(eigenvalues)
    return Curvature(
        gradient=np.asarray(gradient(pars, x, y)),
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


class Neurons(NamedTuple):
    """The 10-parameter model's parameters, named neuron by neuron.

    y = output_bias + sum_i output_weights[i] * tanh(input_weights[i] * x + biases[i])
    """

    input_weights: np.ndarray
    """``w0i``, one per neuron."""
    biases: np.ndarray
    """``b0i``, one per neuron."""
    output_weights: np.ndarray
    """``w1i``, one per neuron."""
    output_bias: float
    """``b1``."""


def neurons(pars: ArrayLike) -> Neurons:
    """Name the parts of a flat parameter vector, neuron by neuron.

    Examples
    --------
    >>> neurons(np.arange(10.0)).input_weights  # w00, w01, w02
    array([2., 5., 8.])
    """
    flat = np.asarray(pars, dtype=np.float64)
    if flat.shape != (len(PARAMETER_NAMES),):
        raise ValueError(f"expected the 10 parameters {PARAMETER_NAMES}, got shape {flat.shape}")
    per_neuron = flat[1:].reshape(3, 3)  # rows (w1i, w0i, b0i), the order of PARAMETER_NAMES
    return Neurons(
        input_weights=per_neuron[:, 1],
        biases=per_neuron[:, 2],
        output_weights=per_neuron[:, 0],
        output_bias=float(flat[0]),
    )


def canonical_form(pars: jax.Array) -> np.ndarray:
    """Return the same model with every input weight positive, neurons by increasing weight.

    tanh is odd, so flipping the signs of one neuron's ``(w1i, w0i, b0i)`` leaves the
    model unchanged, and so does relabelling the neurons. Fits that differ only by
    these symmetries have the same canonical form.

    Examples
    --------
    >>> pars = np.array([0.5, 1.0, -3.0, 0.2, 2.0, 1.0, -0.1, -1.0, 2.0, 0.3])
    >>> canonical_form(pars)
    array([ 0.5,  2. ,  1. , -0.1, -1. ,  2. ,  0.3, -1. ,  3. , -0.2])
    >>> from mlintro.models import scalar_model
    >>> x = np.linspace(0, 1, 5)
    >>> bool(np.allclose(scalar_model(x, canonical_form(pars)), scalar_model(x, pars)))
    True
    """
    parts = neurons(pars)
    signs = np.where(parts.input_weights < 0, -1.0, 1.0)
    per_neuron = signs[:, None] * np.stack(
        [parts.output_weights, parts.input_weights, parts.biases], axis=1
    )
    per_neuron = per_neuron[np.argsort(per_neuron[:, 1], kind="stable")]
    return np.concatenate([[parts.output_bias], per_neuron.ravel()])
