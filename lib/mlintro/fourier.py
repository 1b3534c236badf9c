"""A one-layer network seen as a relaxed Fourier cosine series.

An even function on [-pi, pi] has the cosine series

    f(t) = a0 / 2 + sum_n a_n cos(n t),   a_n = (1 / pi) * integral_{-pi}^{pi} f(t) cos(n t) dt.

Truncated to a few terms, it is an :class:`~mlintro.expansions.Expansion`
y = a0 / 2 + a . g(k t + b) with basis function g = cos, integer frequencies
k = (1, 2, ..., N) and offsets b = 0. The lesson relaxes it one step at a time:

1. :func:`cosine_coefficients`: the coefficients a_n from the integral formula;
2. :func:`fit_coefficients`: a_n fitted to data by linear least squares;
3. :func:`mlintro.expansions.fit`: the frequencies k_n fitted too (nonlinear least
   squares), optionally the offsets b_n as well;
4. :func:`mlintro.expansions.fit_activation_expansion`: another basis function
   (tanh), with or without offsets b_n; with them it is exactly a network with one
   hidden layer (:meth:`~mlintro.expansions.Expansion.neurons`).
"""

from collections.abc import Callable

import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike
from scipy.integrate import quad

from .expansions import Expansion

__all__ = ["cosine_coefficients", "cosine_expansion", "design_matrix", "fit_coefficients"]


def cosine_expansion(coefficients: ArrayLike) -> Expansion:
    """Make the truncated Fourier cosine series with the given coefficients.

    The frequencies are the integers 1, ..., N, the offsets zero and the basis function cos.

    Examples
    --------
    >>> e = cosine_expansion(np.array([2.0, 0.5, 0.25]))
    >>> e.frequencies, e.offsets, e.activation is jnp.cos
    (array([1., 2.]), array([0., 0.]), True)
    """
    coefficients = np.asarray(coefficients, dtype=np.float64)
    if coefficients.ndim != 1 or coefficients.size < 1:
        raise ValueError(f"coefficients must be a non-empty 1-D array, got {coefficients.shape}")
    n_terms = coefficients.size - 1
    return Expansion(coefficients, np.arange(1.0, n_terms + 1), np.zeros(n_terms), jnp.cos)


def cosine_coefficients(f: Callable[[float], float], *, n_terms: int) -> Expansion:
    """Compute the Fourier cosine series of ``f`` on [-pi, pi] from the integral formula.

    a_n = (1 / pi) * integral from -pi to pi of f(t) cos(n t) dt, for n = 0, ..., ``n_terms``,
    with :func:`scipy.integrate.quad` (its ``weight="cos"`` rule for oscillating
    integrands). The integral is split at t = 0, where ``f`` may have a kink or
    a cusp, as |t|^(1/3) has.

    Parameters
    ----------
    f
        A function of one float, on [-pi, pi]. For an even ``f`` the cosine
        series converges to ``f``; for any ``f`` it converges to its even part.
    n_terms
        Number of cosine terms N, besides the constant a0 / 2.

    Returns
    -------
    Expansion
        Coefficients a0, ..., aN, frequencies 1, ..., N, offsets 0.

    Examples
    --------
    The series of cos(2 t) is cos(2 t); the series of |t| has a0 = pi and
    a_n = -4 / (pi n^2) for odd n:

    >>> a = cosine_coefficients(lambda t: np.cos(2 * t), n_terms=3).coefficients
    >>> bool(np.allclose(a, [0.0, 0.0, 1.0, 0.0]))
    True
    >>> a = cosine_coefficients(abs, n_terms=3).coefficients
    >>> bool(np.allclose(a, [np.pi, -4 / np.pi, 0.0, -4 / (9 * np.pi)]))
    True
    """
    if n_terms < 0:
        raise ValueError(f"n_terms must be at least 0, got {n_terms}")
    coefficients = []
    for n in range(n_terms + 1):
        left, _ = quad(f, -np.pi, 0.0, weight="cos", wvar=n)
        right, _ = quad(f, 0.0, np.pi, weight="cos", wvar=n)
        coefficients.append((left + right) / np.pi)
    return cosine_expansion(np.array(coefficients))


def design_matrix(t: ArrayLike, *, n_terms: int) -> np.ndarray:
    """Return the columns 1/2, cos(t), cos(2 t), ..., cos(N t) at the points ``t``.

    A cosine series with coefficients a is ``design_matrix(t, n_terms=N) @ a``.

    Examples
    --------
    >>> design_matrix(np.array([0.0, np.pi]), n_terms=2)
    array([[ 0.5,  1. ,  1. ],
           [ 0.5, -1. ,  1. ]])
    """
    t = np.asarray(t, dtype=np.float64)
    return np.column_stack([np.full_like(t, 0.5), np.cos(np.outer(t, np.arange(1, n_terms + 1)))])


def fit_coefficients(t: ArrayLike, y: ArrayLike, *, n_terms: int) -> Expansion:
    """Fit the coefficients of a cosine series to data by linear least squares.

    The frequencies stay the integers 1, ..., N: the model is linear in the
    coefficients, so the fit is one call of :func:`numpy.linalg.lstsq`, the
    projection of ``y`` on the columns of :func:`design_matrix`.

    Parameters
    ----------
    t, y
        1-D data.
    n_terms
        Number of cosine terms N, besides the constant.

    Returns
    -------
    Expansion
        The fitted coefficients, frequencies 1, ..., N, offsets 0.

    Examples
    --------
    Data that are a cosine series give back its coefficients:

    >>> t = np.linspace(0, np.pi, 20)
    >>> fitted = fit_coefficients(t, 1.0 + 3.0 * np.cos(2 * t), n_terms=3)
    >>> bool(np.allclose(fitted.coefficients, [2.0, 0.0, 3.0, 0.0]))
    True
    """
    t, y = np.asarray(t, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if t.ndim != 1 or t.shape != y.shape:
        raise ValueError(f"t and y must be 1-D of equal length, got {t.shape} and {y.shape}")
    coefficients, *_ = np.linalg.lstsq(design_matrix(t, n_terms=n_terms), y)
    return cosine_expansion(coefficients)
