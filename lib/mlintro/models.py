"""The lecture's model, from ten named parameters to a general neural network.

The same function is written four ways, each a rewrite of the one before:

1. :func:`scalar_model`: y = b1 + w10 g(w00 x + b00) + w11 g(w01 x + b01)
   + w12 g(w02 x + b02), from a flat vector of ten parameters;
2. :func:`vector_model`: the three terms as one vector expression;
3. :func:`matrix_model`: y = w1 @ g(w0 @ x + b0) + b1;
4. :func:`nn`: a network with any layer sizes, parameters as a list of
   ``(W, b)`` pairs, one per layer.

The flat vector ``theta`` (the θ of the lessons' equations) holds the ten
parameters in the order of :data:`PARAMETER_NAMES`; ``params`` is the list of
``(W, b)`` pairs of the network. :func:`neurons` names the entries of ``theta``
(a :class:`Neurons`), and :func:`params_from_flat` and :func:`flat_from_params`
go between ``theta`` and ``params``, both through :class:`Neurons`.
:func:`hidden_layers` returns what the hidden layers of a network compute.

Every model takes the activation g as the keyword ``activation``; the default is
:data:`mlintro.config.DEFAULT_ACTIVATION`, the lecture's tanh.
"""

import itertools
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from .config import DEFAULT_ACTIVATION, Activation

__all__ = [
    "PARAMETER_NAMES",
    "Activation",
    "Neurons",
    "Params",
    "flat_from_params",
    "hidden_layers",
    "init_params",
    "matrix_model",
    "neurons",
    "nn",
    "params_from_flat",
    "predict",
    "scalar_model",
    "vector_model",
]

Params = list[tuple[jax.Array, jax.Array]]
"""A network's parameters: one ``(weights, bias)`` pair per layer."""

PARAMETER_NAMES = ("b1", "w10", "w00", "b00", "w11", "w01", "b01", "w12", "w02", "b02")
"""The order of the ten parameters in the flat vector, as in the lecture."""


_Theta = TypeVar("_Theta", bound=np.ndarray | jax.Array)


def _check_theta(theta: _Theta, *, columns: bool = False) -> _Theta:
    """Return ``theta`` if it holds the ten parameters, shape ``(10,)``, else raise ValueError.

    With ``columns``, ``theta`` may have further axes after the first (``(10, k)``: k vectors).
    """
    n = len(PARAMETER_NAMES)
    if theta.shape[:1] != (n,) or (theta.ndim != 1 and not columns):
        axis = " along its first axis" if columns else ""
        raise ValueError(
            f"expected the {n} parameters {PARAMETER_NAMES}{axis}, "
            f"got an array of shape {theta.shape}"
        )
    return theta


class Neurons(NamedTuple):
    """The parameters of a network with one hidden layer, by name, neuron by neuron.

    y = b1 + sum_i w1[i] g(w0[i] x + b0[i]): the lessons' w_{0i}, b_{0i}, w_{1i}, b_1.
    Each field holds one entry per hidden neuron (``b1`` one number), as NumPy or
    JAX arrays like the vector they were taken from.
    """

    w0: np.ndarray | jax.Array
    """Input weights ``w00, w01, ...``."""
    b0: np.ndarray | jax.Array
    """Hidden biases ``b00, b01, ...``."""
    w1: np.ndarray | jax.Array
    """Output weights ``w10, w11, ...``."""
    b1: np.ndarray | jax.Array
    """The output bias."""

    def theta(self) -> np.ndarray | jax.Array:
        """Return the flat vector: ``b1``, then ``w1i, w0i, b0i`` for each neuron.

        Examples
        --------
        >>> Neurons(w0=np.array([1.0]), b0=np.array([2.0]), w1=np.array([3.0]), b1=4.0).theta()
        array([4., 3., 1., 2.])
        """
        xp = jnp if isinstance(self.w0, jax.Array) else np
        per_neuron = xp.stack([self.w1, self.w0, self.b0], axis=1)  # rows (w1i, w0i, b0i)
        return xp.concatenate([xp.reshape(self.b1, 1), per_neuron.ravel()])

    def params(self) -> Params:
        """Return the ``(W, b)`` pairs of the 1-H-1 network with these neurons.

        The network multiplies inputs from the right (``inputs @ W``), so the hidden
        weights have shape ``(1, H)`` and the output weights ``(H, 1)``.

        Examples
        --------
        >>> n = Neurons(w0=np.ones(2), b0=np.zeros(2), w1=np.ones(2), b1=0.5)
        >>> [(w.shape, b.shape) for w, b in n.params()]
        [((1, 2), (2,)), ((2, 1), (1,))]
        """
        w0, b0, w1, b1 = (jnp.asarray(a) for a in self)
        return [(w0.reshape(1, -1), b0), (w1.reshape(-1, 1), b1.reshape(1))]


def neurons(theta: ArrayLike) -> Neurons:
    """Name the entries of the flat 10-vector, neuron by neuron.

    ``theta`` may have further axes after the first, e.g. the columns of the
    eigenvectors of a Hessian, or the transposed Jacobian: each field then keeps them.
    The fields are JAX arrays if ``theta`` is one, NumPy arrays otherwise.

    Examples
    --------
    >>> neurons(np.arange(10.0)).w0  # w00, w01, w02
    array([2., 5., 8.])
    >>> neurons(np.arange(10.0)).b1
    np.float64(0.0)
    >>> neurons(np.eye(10)[:, :2]).w1.shape  # two vectors at once
    (3, 2)
    """
    array: np.ndarray | jax.Array = (
        theta if isinstance(theta, jax.Array) else np.asarray(theta, dtype=np.float64)
    )
    _check_theta(array, columns=True)
    per_neuron = array[1:].reshape(3, 3, *array.shape[1:])  # (w1i, w0i, b0i) for each i
    return Neurons(w0=per_neuron[:, 1], b0=per_neuron[:, 2], w1=per_neuron[:, 0], b1=array[0])


def scalar_model(
    x: ArrayLike, theta: ArrayLike, *, activation: Activation = DEFAULT_ACTIVATION
) -> jax.Array:
    """Evaluate the 10-parameter model term by term, as first written.

    Parameters
    ----------
    x
        Inputs, any shape.
    theta
        The ten parameters in the order of :data:`PARAMETER_NAMES`.
    activation
        The activation function g of the three terms.

    Examples
    --------
    >>> theta = jnp.array([1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    >>> scalar_model(jnp.array([0.0, 1.0]), theta)  # b1 + 2 tanh(0) = 1
    Array([1., 1.], dtype=float64)
    """
    b1, w10, w00, b00, w11, w01, b01, w12, w02, b02 = _check_theta(jnp.asarray(theta))
    x = jnp.asarray(x)
    return (
        b1
        + w10 * activation(w00 * x + b00)
        + w11 * activation(w01 * x + b01)
        + w12 * activation(w02 * x + b02)
    )


def vector_model(
    x: ArrayLike, theta: ArrayLike, *, activation: Activation = DEFAULT_ACTIVATION
) -> jax.Array:
    """Evaluate the model with the three terms as one vector.

    y = [w10, w11, w12] . g([w00, w01, w02] x + [b00, b01, b02]) + b1

    Examples
    --------
    >>> theta = jnp.linspace(-1.0, 1.0, 10)
    >>> x = jnp.linspace(0.0, 1.0, 5)
    >>> bool(jnp.allclose(vector_model(x, theta), scalar_model(x, theta)))
    True
    """
    w0, b0, w1, b1 = neurons(_check_theta(jnp.asarray(theta)))
    x = jnp.asarray(x)
    return jnp.matmul(w1, activation(jnp.outer(w0, x) + b0[:, None])) + b1


def matrix_model(
    x: ArrayLike,
    w0: jax.Array,
    b0: jax.Array,
    w1: jax.Array,
    b1: jax.Array,
    *,
    activation: Activation = DEFAULT_ACTIVATION,
) -> jax.Array:
    """Evaluate y = w1 @ activation(w0 @ x + b0) + b1 for a row of inputs.

    Parameters
    ----------
    x
        Inputs, shape ``(N,)``.
    w0, b0
        Hidden-layer weights, shape ``(H, 1)``, and biases, shape ``(H,)``.
    w1, b1
        Output weights, shape ``(1, H)``, and bias, shape ``(1,)``.
    activation
        The hidden layer's activation function.

    Returns
    -------
    Array
        Shape ``(N,)``.

    Examples
    --------
    >>> w0 = jnp.ones((3, 1)); b0 = jnp.zeros(3); w1 = jnp.ones((1, 3)); b1 = jnp.zeros(1)
    >>> matrix_model(jnp.array([0.0]), w0, b0, w1, b1)
    Array([0.], dtype=float64)
    """
    x_row = jnp.asarray(x).reshape(1, -1)
    return (w1 @ activation(w0 @ x_row + b0[:, None]) + b1[:, None])[0]


def params_from_flat(theta: ArrayLike) -> Params:
    """Turn the flat 10-vector into the ``(W, b)`` pairs of a 1-3-1 network.

    The network multiplies inputs from the right (``inputs @ W``), so the hidden
    weights have shape ``(1, 3)`` and the output weights ``(3, 1)``.

    Examples
    --------
    >>> [(w.shape, b.shape) for w, b in params_from_flat(jnp.arange(10.0))]
    [((1, 3), (3,)), ((3, 1), (1,))]
    """
    return neurons(_check_theta(jnp.asarray(theta))).params()


def flat_from_params(params: Params) -> jax.Array:
    """Turn the ``(W, b)`` pairs of a 1-3-1 network into the flat 10-vector.

    The inverse of :func:`params_from_flat`.

    Examples
    --------
    >>> theta = jnp.arange(10.0)
    >>> bool(jnp.array_equal(flat_from_params(params_from_flat(theta)), theta))
    True
    """
    width = len(PARAMETER_NAMES) // 3
    shapes = [(w.shape, b.shape) for w, b in params]
    if shapes != [((1, width), (width,)), ((width, 1), (1,))]:
        raise ValueError(f"expected a 1-{width}-1 network, got layer shapes {shapes}")
    (w0, b0), (w1, b1) = params
    return jnp.asarray(Neurons(w0=w0[0], b0=b0, w1=w1[:, 0], b1=b1[0]).theta())


def nn(
    params: Params, inputs: jax.Array, *, activation: Activation = DEFAULT_ACTIVATION
) -> jax.Array:
    """Evaluate a fully connected network, the lecture's ``nn``.

    Every layer but the last is ``activation(inputs @ W + b)``; the last is linear.

    Parameters
    ----------
    params
        One ``(W, b)`` pair per layer, ``W`` of shape ``(n_in, n_out)``.
    inputs
        Shape ``(N, n_in)``: one row per sample.
    activation
        The hidden layers' activation function.

    Returns
    -------
    Array
        Shape ``(N, n_out)``.

    Examples
    --------
    >>> params = [(jnp.ones((1, 2)), jnp.zeros(2)), (jnp.ones((2, 1)), jnp.ones(1))]
    >>> nn(params, jnp.zeros((4, 1))).ravel()
    Array([1., 1., 1., 1.], dtype=float64)
    """
    *_, last_hidden = _hidden_outputs(params, inputs, activation)
    weights, bias = params[-1]
    return last_hidden @ weights + bias


def _hidden_outputs(params: Params, inputs: jax.Array, activation: Activation) -> list[jax.Array]:
    """Return the inputs, then each hidden layer's ``activation(inputs @ W + b)`` in turn."""
    outputs = [inputs]
    for weights, bias in params[:-1]:
        outputs.append(activation(outputs[-1] @ weights + bias))
    return outputs


def hidden_layers(
    params: Params, x: ArrayLike, *, activation: Activation = DEFAULT_ACTIVATION
) -> list[jax.Array]:
    """Return the outputs of each hidden layer of a one-input network at the inputs ``x``.

    Hidden layer k outputs the activation of the network cut after its layer k,
    ``activation(nn(params[:k + 1], ...))``. The network's output is linear in
    the last of them: ``hidden_layers(...)[-1] @ W + b`` with ``(W, b) = params[-1]``.
    Each hidden layer is a new set of basis functions of ``x``, built from the one before.

    Parameters
    ----------
    params
        One ``(W, b)`` pair per layer, as in :func:`nn`, with one input.
    x
        1-D inputs.
    activation
        The hidden layers' activation function.

    Returns
    -------
    list of Array
        One array of shape ``(len(x), width)`` per hidden layer.

    Examples
    --------
    >>> params = init_params(jax.random.key(0), (1, 3, 2, 1))
    >>> x = jnp.linspace(0, 1, 4)
    >>> [h.shape for h in hidden_layers(params, x)]
    [(4, 3), (4, 2)]
    >>> w, b = params[-1]
    >>> bool(jnp.array_equal(hidden_layers(params, x)[-1] @ w + b, nn(params, x[:, None])))
    True
    """
    inputs = jnp.asarray(x, dtype=jnp.float64).reshape(-1, 1)
    return _hidden_outputs(params, inputs, activation)[1:]


def predict(
    params: Params, x: ArrayLike, *, activation: Activation = DEFAULT_ACTIVATION
) -> jax.Array:
    """Evaluate a one-input, one-output network on a 1-D array of inputs.

    Examples
    --------
    >>> params = [(jnp.ones((1, 3)), jnp.zeros(3)), (jnp.ones((3, 1)), jnp.zeros(1))]
    >>> predict(params, jnp.zeros(2))
    Array([0., 0.], dtype=float64)
    """
    return nn(params, jnp.asarray(x).reshape(-1, 1), activation=activation)[:, 0]


def init_params(key: jax.Array, layer_sizes: Sequence[int], *, scale: float = 0.1) -> Params:
    """Draw small normal random weights and biases for every layer.

    ``key`` is split into one child key per array, and each child is used once.
    JAX's random numbers are a pure function of the key and the shape, so
    drawing two arrays of the same size with one key gives the same numbers:
    reusing ``key`` for a layer's weights and its biases would make every
    hidden neuron's bias equal its input weight, a pattern nobody intended
    (the neurons would still differ from each other).

    Parameters
    ----------
    key
        A JAX PRNG key, e.g. ``jax.random.key(0)``.
    layer_sizes
        Inputs, then neurons per layer, e.g. ``(1, 3, 1)``.
    scale
        Standard deviation of the normal draws.

    Examples
    --------
    >>> params = init_params(jax.random.key(0), (1, 3, 1))
    >>> [(w.shape, b.shape) for w, b in params]
    [((1, 3), (3,)), ((3, 1), (1,))]
    >>> sum(w.size + b.size for w, b in params)
    10
    """
    sizes = list(layer_sizes)
    if len(sizes) < 2 or any(int(n) != n or n < 1 for n in sizes):
        raise ValueError(f"layer_sizes needs at least two positive integers, got {layer_sizes!r}")
    keys = jax.random.split(key, 2 * (len(sizes) - 1))
    return [
        (
            scale * jax.random.normal(keys[2 * i], (n_in, n_out)),
            scale * jax.random.normal(keys[2 * i + 1], (n_out,)),
        )
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes))
    ]
