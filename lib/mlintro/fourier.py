"""A one-layer network seen as a relaxed Fourier cosine series.

An even function on [-pi, pi] has the cosine series

    f(t) = a0 / 2 + sum_n a_n cos(n t),   a_n = (1 / pi) * integral_{-pi}^{pi} f(t) cos(n t) dt.

Truncated to a few terms, it is an *expansion* y = a0 / 2 + a . g(k t + b) with
basis function g = cos, integer frequencies k = (1, 2, ..., N) and offsets b = 0.
The lesson relaxes it one step at a time, and every step is a function here:

1. :func:`cosine_coefficients`: the coefficients a_n from the integral formula;
2. :func:`fit_coefficients`: a_n fitted to data by linear least squares;
3. :func:`fit_frequencies`: the frequencies k_n fitted too (nonlinear least squares),
   optionally the offsets b_n as well;
4. :func:`fit_activation_expansion`: another basis function (tanh), with or without
   offsets b_n; with them it is exactly a network with one hidden layer (see
   :func:`to_network`).

All of them return an :class:`Expansion`, evaluated by :func:`evaluate`.
:func:`hidden_layers` returns what the hidden layers of a deeper network compute:
the basis the next layer works in; :func:`fit_network` fits a network of any
depth by the same nonlinear least squares.
"""

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree
from jax.typing import ArrayLike
from scipy.integrate import quad

from .config import DEFAULT_ACTIVATION, Activation
from .least_squares import solve
from .models import Params, predict

__all__ = [
    "Expansion",
    "cosine_coefficients",
    "cosine_expansion",
    "design_matrix",
    "evaluate",
    "fit_activation_expansion",
    "fit_coefficients",
    "fit_frequencies",
    "fit_network",
    "hidden_layers",
    "rms_error",
    "to_network",
]


class Expansion(NamedTuple):
    """An expansion y = a0 / 2 + sum_n a_n g(k_n x + b_n) in a basis function g.

    With ``N`` terms: ``coefficients`` has shape ``(N + 1,)`` (a0 first),
    ``frequencies`` and ``offsets`` shape ``(N,)``.
    """

    coefficients: np.ndarray
    """a0, a1, ..., aN: a0 / 2 is the constant term."""
    frequencies: np.ndarray
    """k1, ..., kN: the input weights (1, 2, ..., N in a Fourier series)."""
    offsets: np.ndarray
    """b1, ..., bN: the biases inside the basis function (0 in a Fourier series)."""

    @property
    def constant(self) -> float:
        """The constant term a0 / 2 (the output bias of the network)."""
        return float(self.coefficients[0]) / 2

    @property
    def term_coefficients(self) -> np.ndarray:
        """a1, ..., aN, one per basis function (the output weights of the network)."""
        return self.coefficients[1:]

    def truncated(self, n_terms: int) -> "Expansion":
        """Keep the constant and the first ``n_terms`` terms.

        Examples
        --------
        >>> cosine_expansion(np.array([2.0, 0.5, 0.25])).truncated(1)
        Expansion(coefficients=array([2. , 0.5]), frequencies=array([1.]), offsets=array([0.]))
        """
        if not 0 <= n_terms <= len(self.frequencies):
            raise ValueError(f"n_terms must be in [0, {len(self.frequencies)}], got {n_terms}")
        return Expansion(
            self.coefficients[: n_terms + 1],
            self.frequencies[:n_terms],
            self.offsets[:n_terms],
        )


def _expansion(
    x: ArrayLike,
    coefficients: jax.Array,
    frequencies: jax.Array,
    offsets: jax.Array,
    *,
    activation: Activation,
) -> jax.Array:
    x = jnp.asarray(x, dtype=jnp.float64)
    basis = activation(jnp.outer(x, frequencies) + offsets)
    return coefficients[0] / 2 + basis @ coefficients[1:]


def evaluate(expansion: Expansion, x: ArrayLike, *, activation: Activation = jnp.cos) -> np.ndarray:
    """Evaluate an expansion at the points ``x``.

    Parameters
    ----------
    expansion
        The coefficients, frequencies and offsets.
    x
        1-D array of inputs.
    activation
        The basis function g: :func:`jax.numpy.cos` for a Fourier series.

    Returns
    -------
    ndarray
        a0 / 2 + sum_n a_n g(k_n x + b_n), same shape as ``x``.

    Examples
    --------
    >>> e = cosine_expansion(np.array([1.0, 0.0, 2.0]))  # 1/2 + 0 cos(t) + 2 cos(2 t)
    >>> evaluate(e, np.array([0.0, np.pi / 2]))
    array([ 2.5, -1.5])
    """
    coefficients, frequencies, offsets = (np.asarray(a, dtype=np.float64) for a in expansion)
    x = np.asarray(x, dtype=np.float64)
    # term by term: every call of the activation has the shape of x, so JAX compiles it
    # once per shape instead of once per number of terms
    total = np.full(x.shape, coefficients[0] / 2)
    for a_n, k_n, b_n in zip(coefficients[1:], frequencies, offsets, strict=True):
        total += a_n * np.asarray(activation(jnp.asarray(k_n * x + b_n)))
    return total


def cosine_expansion(coefficients: ArrayLike) -> Expansion:
    """Make the truncated Fourier cosine series with the given coefficients.

    The frequencies are the integers 1, ..., N and the offsets zero.

    Examples
    --------
    >>> cosine_expansion(np.array([2.0, 0.5, 0.25]))
    Expansion(coefficients=array([2.  , 0.5 , 0.25]), frequencies=array([1., 2.]),
              offsets=array([0., 0.]))
    """
    coefficients = np.asarray(coefficients, dtype=np.float64)
    if coefficients.ndim != 1 or coefficients.size < 1:
        raise ValueError(f"coefficients must be a non-empty 1-D array, got {coefficients.shape}")
    n_terms = coefficients.size - 1
    return Expansion(coefficients, np.arange(1.0, n_terms + 1), np.zeros(n_terms))


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
    >>> fit = fit_coefficients(t, 1.0 + 3.0 * np.cos(2 * t), n_terms=3)
    >>> bool(np.allclose(fit.coefficients, [2.0, 0.0, 3.0, 0.0]))
    True
    """
    t, y = np.asarray(t, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if t.ndim != 1 or t.shape != y.shape:
        raise ValueError(f"t and y must be 1-D of equal length, got {t.shape} and {y.shape}")
    coefficients, *_ = np.linalg.lstsq(design_matrix(t, n_terms=n_terms), y)
    return cosine_expansion(coefficients)


def _nonlinear_fit(
    x: ArrayLike,
    y: ArrayLike,
    start: Expansion,
    activation: Activation,
    *,
    fit_offsets: bool,
    options: dict,
) -> Expansion:
    """Fit every coefficient and frequency (and the offsets if asked) from ``start``."""
    x, y = jnp.asarray(x, dtype=jnp.float64), jnp.asarray(y, dtype=jnp.float64)
    n_terms = len(start.frequencies)
    fixed_offsets = jnp.asarray(start.offsets, dtype=jnp.float64)

    # The solver works with the constant term a0 / 2 itself: with a0 instead, its
    # steps in that direction are scaled differently and it stalls in a worse fit.
    def unpack(p: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
        coefficients = p[: n_terms + 1].at[0].multiply(2.0)
        frequencies = p[n_terms + 1 : 2 * n_terms + 1]
        offsets = p[2 * n_terms + 1 :] if fit_offsets else fixed_offsets
        return coefficients, frequencies, offsets

    def residuals(p: jax.Array) -> jax.Array:
        return y - _expansion(x, *unpack(p), activation=activation)

    constant = np.asarray(start.coefficients[:1]) / 2
    p0 = np.concatenate(
        [constant, start.coefficients[1:], start.frequencies] + [start.offsets] * fit_offsets
    )
    result = solve(residuals, p0, **options)
    return Expansion(*(np.asarray(a) for a in unpack(jnp.asarray(result.x))))


def fit_frequencies(
    t: ArrayLike,
    y: ArrayLike,
    *,
    start: Expansion,
    fit_offsets: bool = False,
    **options: object,
) -> Expansion:
    """Fit coefficients and real-valued frequencies of a cosine expansion.

    y = a0 / 2 + sum_n a_n cos(k_n t + b_n) is no longer linear in the parameters,
    so the fit is nonlinear least squares (:func:`scipy.optimize.least_squares`,
    with the exact Jacobian from :func:`jax.jacfwd`).

    Parameters
    ----------
    t, y
        1-D data.
    start
        Where the fit starts, e.g. the result of :func:`fit_coefficients`: then
        the fitted expansion is never worse on the data than ``start``, because
        the solver only accepts steps that lower the sum of squared errors.
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
    >>> start = cosine_expansion(np.array([2.0, 1.5]))
    >>> fit = fit_frequencies(t, y, start=start)
    >>> fit.coefficients.round(6), fit.frequencies.round(6)
    (array([2., 2.]), array([1.3]))
    """
    return _nonlinear_fit(t, y, start, jnp.cos, fit_offsets=fit_offsets, options=options)


def fit_activation_expansion(
    x: ArrayLike,
    y: ArrayLike,
    *,
    key: jax.Array,
    n_terms: int = 3,
    activation: Activation = DEFAULT_ACTIVATION,
    fit_offsets: bool = True,
    scale: float = 0.1,
    **options: object,
) -> Expansion:
    """Fit y = a0 / 2 + sum_n a_n g(k_n x + b_n) with every parameter free.

    With g = tanh and three terms this is the lecture's 10-parameter model,
    a network with one hidden layer of three neurons (see :func:`to_network`).
    The start is ``scale`` times standard normal numbers drawn from ``key``,
    and the fit nonlinear least squares with a :func:`jax.jacfwd` Jacobian.
    With ``fit_offsets=False`` the offsets b_n stay zero: every basis function
    is centred at x = 0.

    Parameters
    ----------
    x, y
        1-D data.
    key
        A JAX PRNG key for the random start.
    n_terms
        Number of basis functions (hidden neurons).
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
        Fitted coefficients (a0 first), frequencies and offsets.

    Examples
    --------
    >>> from mlintro import data
    >>> fit = fit_activation_expansion(data.X, data.Y, key=jax.random.key(0))
    >>> bool(rms_error(fit, data.X, data.Y, activation=jnp.tanh) < 2e-3)
    True
    """
    if n_terms < 1:
        raise ValueError(f"n_terms must be at least 1, got {n_terms}")
    p0 = scale * np.asarray(jax.random.normal(key, (3 * n_terms + 1,)))
    coefficients = p0[: n_terms + 1] * np.r_[2.0, np.ones(n_terms)]  # constant term p0[0]
    offsets = p0[2 * n_terms + 1 :] if fit_offsets else np.zeros(n_terms)
    start = Expansion(coefficients, p0[n_terms + 1 : 2 * n_terms + 1], offsets)
    return _nonlinear_fit(x, y, start, activation, fit_offsets=fit_offsets, options=options)


def rms_error(
    expansion: Expansion, x: ArrayLike, y: ArrayLike, *, activation: Activation = jnp.cos
) -> float:
    """Return the root-mean-square difference between an expansion and data.

    Examples
    --------
    >>> e = cosine_expansion(np.array([2.0]))  # the constant 1
    >>> rms_error(e, np.zeros(4), np.array([0.0, 2.0, 0.0, 2.0]))
    1.0
    """
    difference = evaluate(expansion, x, activation=activation) - np.asarray(y)
    return float(np.sqrt(np.mean(difference**2)))


def to_network(expansion: Expansion) -> Params:
    """Write an expansion as the ``(W, b)`` pairs of a network with one hidden layer.

    The frequencies are the hidden weights, the offsets the hidden biases, the
    coefficients a1, ..., aN the output weights and a0 / 2 the output bias, so
    ``models.predict(to_network(e), x, activation=g)`` equals
    ``evaluate(e, x, activation=g)``.

    Examples
    --------
    >>> from mlintro import models
    >>> e = Expansion(np.array([1.0, 2.0]), np.array([3.0]), np.array([0.5]))
    >>> x = np.linspace(0, 1, 5)
    >>> net = models.predict(to_network(e), x)
    >>> bool(np.allclose(net, evaluate(e, x, activation=jnp.tanh)))
    True
    """
    coefficients, frequencies, offsets = (jnp.asarray(a, dtype=jnp.float64) for a in expansion)
    n_terms = frequencies.size
    return [
        (frequencies.reshape(1, n_terms), offsets),
        (coefficients[1:].reshape(n_terms, 1), coefficients[:1] / 2),
    ]


def hidden_layers(
    params: Params, x: ArrayLike, *, activation: Activation = DEFAULT_ACTIVATION
) -> list[np.ndarray]:
    """Return the outputs of each hidden layer of a network at the inputs ``x``.

    The output of the network is linear in the last of them: it is
    ``hidden_layers(...)[-1] @ W + b`` with ``(W, b) = params[-1]``. Each hidden
    layer is a new set of basis functions of ``x``, built from the one before.

    Parameters
    ----------
    params
        One ``(W, b)`` pair per layer (as in :func:`mlintro.models.nn`), one input.
    x
        1-D inputs.
    activation
        The hidden layers' activation function.

    Returns
    -------
    list of ndarray
        One array of shape ``(len(x), neurons)`` per hidden layer.

    Examples
    --------
    >>> from mlintro import models
    >>> params = models.init_params(jax.random.key(0), (1, 3, 2, 1))
    >>> x = np.linspace(0, 1, 4)
    >>> [h.shape for h in hidden_layers(params, x)]
    [(4, 3), (4, 2)]
    >>> w, b = params[-1]
    >>> bool(np.allclose(hidden_layers(params, x)[-1] @ w + b, models.nn(params, x[:, None])))
    True
    """
    inputs = jnp.asarray(x, dtype=jnp.float64).reshape(-1, 1)
    outputs = []
    for weights, bias in params[:-1]:
        inputs = activation(inputs @ weights + bias)
        outputs.append(np.asarray(inputs))
    return outputs


def fit_network(
    params: Params,
    x: ArrayLike,
    y: ArrayLike,
    *,
    activation: Activation = DEFAULT_ACTIVATION,
    **options: object,
) -> Params:
    """Fit a one-input, one-output network of any depth by nonlinear least squares.

    Every weight and bias is a parameter of :func:`scipy.optimize.least_squares`
    (flattened with :func:`jax.flatten_util.ravel_pytree`), with the exact
    Jacobian of the residuals from :func:`jax.jacfwd`: the method of the
    ten-parameter fit, for any layer sizes.

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

    def residuals(p: jax.Array) -> jax.Array:
        return y - predict(unflatten(p), x, activation=activation)

    result = solve(residuals, flat, **options)
    return unflatten(jnp.asarray(result.x))
