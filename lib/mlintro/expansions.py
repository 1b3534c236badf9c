"""Expansions in a basis of activation functions, the view of a one-layer network.

An *expansion* is y = a0 / 2 + sum_n a_n g(k_n x + b_n): a constant and N terms,
each a basis function g with its frequency (input weight) k_n and offset (bias)
b_n. With g = cos, integer frequencies and zero offsets it is a truncated Fourier
cosine series (:mod:`mlintro.fourier`); with fitted frequencies and offsets it
is a network with one hidden layer of N neurons (:meth:`Expansion.neurons`).

:func:`fit` fits the frequencies and coefficients (and the offsets if asked) by
nonlinear least squares from a start, with :func:`mlintro.least_squares.solve`;
:func:`fit_activation_expansion` starts it from random numbers.
"""

from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .config import DEFAULT_ACTIVATION, Activation
from .least_squares import solve
from .models import Neurons, predict

__all__ = ["Expansion", "evaluate", "fit", "fit_activation_expansion", "rms_error"]


class Expansion(NamedTuple):
    """An expansion y = a0 / 2 + sum_n a_n g(k_n x + b_n) in a basis function g.

    With ``N`` terms: ``coefficients`` has shape ``(N + 1,)`` (a0 first),
    ``frequencies`` and ``offsets`` shape ``(N,)``.
    """

    coefficients: np.ndarray | jax.Array
    """a0, a1, ..., aN: a0 / 2 is the constant term."""
    frequencies: np.ndarray | jax.Array
    """k1, ..., kN: the input weights (1, 2, ..., N in a Fourier series)."""
    offsets: np.ndarray | jax.Array
    """b1, ..., bN: the biases inside the basis function (0 in a Fourier series)."""
    activation: Activation
    """The basis function g: :func:`jax.numpy.cos` for a Fourier series."""

    @property
    def constant(self) -> float:
        """The constant term a0 / 2 (the output bias of the network)."""
        return float(self.coefficients[0]) / 2

    @property
    def term_coefficients(self) -> np.ndarray | jax.Array:
        """a1, ..., aN, one per basis function (the output weights of the network)."""
        return self.coefficients[1:]

    def truncated(self, n_terms: int) -> "Expansion":
        """Keep the constant and the first ``n_terms`` terms.

        Examples
        --------
        >>> e = Expansion(np.array([2.0, 0.5, 0.25]), np.array([1.0, 2.0]), np.zeros(2), jnp.cos)
        >>> e.truncated(1).coefficients, e.truncated(1).frequencies
        (array([2. , 0.5]), array([1.]))
        """
        if not 0 <= n_terms <= len(self.frequencies):
            raise ValueError(f"n_terms must be in [0, {len(self.frequencies)}], got {n_terms}")
        return self._replace(
            coefficients=self.coefficients[: n_terms + 1],
            frequencies=self.frequencies[:n_terms],
            offsets=self.offsets[:n_terms],
        )

    def neurons(self) -> Neurons:
        """Name the expansion's numbers as the neurons of a network with one hidden layer.

        The frequencies are the input weights ``w0``, the offsets the hidden biases
        ``b0``, the coefficients a1, ..., aN the output weights ``w1`` and a0 / 2 the
        output bias ``b1``: ``models.predict(e.neurons().params(), x,
        activation=e.activation)`` equals ``evaluate(e, x)``.

        Examples
        --------
        >>> from mlintro import models
        >>> e = Expansion(np.array([1.0, 2.0]), np.array([3.0]), np.array([0.5]), jnp.tanh)
        >>> e.neurons()
        Neurons(w0=array([3.]), b0=array([0.5]), w1=array([2.]), b1=np.float64(0.5))
        >>> x = np.linspace(0, 1, 5)
        >>> net = models.predict(e.neurons().params(), x, activation=e.activation)
        >>> written_out = 1.0 / 2 + 2.0 * np.tanh(3.0 * x + 0.5)  # a0 / 2 + a1 g(k1 x + b1)
        >>> # a few ulps of the terms: 1/2, 2 |tanh| <= 2 and 2 tanh' |3x + 0.5| <= 7
        >>> bool(np.max(np.abs(net - written_out)) <= 32 * np.finfo(float).eps * 9.5)
        True
        """
        return Neurons(
            w0=self.frequencies,
            b0=self.offsets,
            w1=self.term_coefficients,
            b1=self.coefficients[0] / 2,
        )


def evaluate(expansion: Expansion, x: ArrayLike) -> jax.Array:
    """Evaluate an expansion at the points ``x``.

    An expansion is a network with one hidden layer (:meth:`Expansion.neurons`), and
    it is evaluated as one, by :func:`mlintro.models.predict`. The fits evaluate it
    inside their residuals; it is compiled once per basis function, number of terms
    and shape of ``x``.

    Parameters
    ----------
    expansion
        The coefficients, frequencies, offsets and basis function.
    x
        1-D array of inputs.

    Returns
    -------
    Array
        a0 / 2 + sum_n a_n g(k_n x + b_n), same shape as ``x``.

    Examples
    --------
    >>> e = Expansion(np.array([1.0, 0.0, 2.0]), np.array([1.0, 2.0]), np.zeros(2), jnp.cos)
    >>> evaluate(e, np.array([0.0, np.pi / 2]))  # 1/2 + 0 cos(t) + 2 cos(2 t)
    Array([ 2.5, -1.5], dtype=float64)
    """
    coefficients, frequencies, offsets, activation = expansion
    return _evaluate(
        coefficients, frequencies, offsets, jnp.asarray(x, dtype=jnp.float64), activation=activation
    )


# One compiled program per basis function, number of terms and shape of x: run op by op,
# JAX would compile each of its operations for every one of them instead. The sum over the
# terms is the network's matrix product: summed term by term, the rounding differs and the
# ill-conditioned fits of the Fourier lesson end elsewhere.
@partial(jax.jit, static_argnames="activation")
def _evaluate(
    coefficients: jax.Array,
    frequencies: jax.Array,
    offsets: jax.Array,
    x: jax.Array,
    *,
    activation: Activation,
) -> jax.Array:
    network = Expansion(coefficients, frequencies, offsets, activation).neurons().params()
    return predict(network, x, activation=activation)


def rms_error(expansion: Expansion, x: ArrayLike, y: ArrayLike) -> float:
    """Return the root-mean-square difference between an expansion and data.

    Examples
    --------
    >>> e = Expansion(np.array([2.0]), np.zeros(0), np.zeros(0), jnp.cos)  # the constant 1
    >>> rms_error(e, np.zeros(4), np.array([0.0, 2.0, 0.0, 2.0]))
    1.0
    """
    difference = np.asarray(evaluate(expansion, x)) - np.asarray(y)
    return float(np.sqrt(np.mean(difference**2)))


def fit(
    x: ArrayLike,
    y: ArrayLike,
    *,
    start: Expansion,
    fit_offsets: bool = False,
    **options: Any,
) -> Expansion:
    """Fit the coefficients and real-valued frequencies of an expansion, from ``start``.

    y = a0 / 2 + sum_n a_n g(k_n x + b_n) is not linear in the frequencies, so
    the fit is nonlinear least squares (:func:`mlintro.least_squares.solve`:
    :func:`scipy.optimize.least_squares` with the exact Jacobian from
    :func:`jax.jacfwd`). The basis function g is that of ``start``.

    Parameters
    ----------
    x, y
        1-D data.
    start
        Where the fit starts, e.g. the result of
        :func:`mlintro.fourier.fit_coefficients`: then the fitted expansion is
        never worse on the data than ``start``, because the solver only accepts
        steps that lower the sum of squared errors.
    fit_offsets
        Fit the offsets b_n too; otherwise they stay those of ``start`` (zero
        for a cosine series).
    **options
        Passed on to :func:`scipy.optimize.least_squares`.

    Returns
    -------
    Expansion
        Fitted coefficients and frequencies; fitted offsets, or those of ``start``.

    Examples
    --------
    Frequencies that are not integers are found from a nearby start:

    >>> t = np.linspace(0, np.pi, 40)
    >>> y = 1.0 + 2.0 * np.cos(1.3 * t)
    >>> start = Expansion(np.array([2.0, 1.5]), np.array([1.0]), np.zeros(1), jnp.cos)
    >>> fitted = fit(t, y, start=start)
    >>> fitted.coefficients.round(6), fitted.frequencies.round(6)
    (array([2., 2.]), array([1.3]))
    """
    x, y = jnp.asarray(x, dtype=jnp.float64), jnp.asarray(y, dtype=jnp.float64)
    n_terms = len(start.frequencies)
    fixed_offsets = jnp.asarray(start.offsets, dtype=jnp.float64)

    # The solver works with the constant term a0 / 2 itself: with a0 instead, its
    # steps in that direction are scaled differently and it stalls in a worse fit.
    def unpack(p: jax.Array) -> Expansion:
        return Expansion(
            coefficients=p[: n_terms + 1].at[0].multiply(2.0),
            frequencies=p[n_terms + 1 : 2 * n_terms + 1],
            offsets=p[2 * n_terms + 1 :] if fit_offsets else fixed_offsets,
            activation=start.activation,
        )

    def residuals(p: jax.Array) -> jax.Array:
        return y - evaluate(unpack(p), x)

    constant = np.asarray(start.coefficients[:1]) / 2
    p0 = np.concatenate(
        [constant, start.coefficients[1:], start.frequencies] + [start.offsets] * fit_offsets
    )
    coefficients, frequencies, offsets, _ = unpack(jnp.asarray(solve(residuals, p0, **options).x))
    return Expansion(
        np.asarray(coefficients), np.asarray(frequencies), np.asarray(offsets), start.activation
    )


def fit_activation_expansion(
    x: ArrayLike,
    y: ArrayLike,
    *,
    key: jax.Array,
    n_terms: int = 3,
    activation: Activation = DEFAULT_ACTIVATION,
    fit_offsets: bool = True,
    scale: float = 0.1,
    **options: Any,
) -> Expansion:
    """Fit y = a0 / 2 + sum_n a_n g(k_n x + b_n) with every parameter free, from a random start.

    With g = tanh and three terms this is the lecture's 10-parameter model, a
    network with one hidden layer of three neurons (see :meth:`Expansion.neurons`).
    The start is ``scale`` times standard normal numbers drawn from ``key``, and
    the fit is :func:`fit`. With ``fit_offsets=False`` the offsets b_n stay zero:
    every basis function is centred at x = 0.

    Parameters
    ----------
    x, y
        1-D data.
    key
        A JAX PRNG key for the random start.
    n_terms
        Number of basis functions: the width of the network.
    activation
        The basis (activation) function g.
    fit_offsets
        Fit the offsets b_n; if False they are zero. The same ``key`` gives the
        same start for the other parameters either way.
    scale
        Standard deviation of the random start.
    **options
        Passed on to :func:`scipy.optimize.least_squares`.

    Returns
    -------
    Expansion
        Fitted coefficients (a0 first), frequencies and offsets, and ``activation``.

    Examples
    --------
    >>> from mlintro import data
    >>> fitted = fit_activation_expansion(data.X, data.Y, key=jax.random.key(0))
    >>> bool(rms_error(fitted, data.X, data.Y) < 2e-3)
    True
    """
    if n_terms < 1:
        raise ValueError(f"n_terms must be at least 1, got {n_terms}")
    p0 = scale * np.asarray(jax.random.normal(key, (3 * n_terms + 1,)))
    start = Expansion(
        coefficients=p0[: n_terms + 1] * np.r_[2.0, np.ones(n_terms)],  # constant term p0[0]
        frequencies=p0[n_terms + 1 : 2 * n_terms + 1],
        offsets=p0[2 * n_terms + 1 :] if fit_offsets else np.zeros(n_terms),
        activation=activation,
    )
    return fit(x, y, start=start, fit_offsets=fit_offsets, **options)
