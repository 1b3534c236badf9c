"""Training a network with Adam (optax), the whole training loop compiled.

The lecture trains in *epochs*: it calls autograd's ``adam`` for 50 steps,
checks the mean squared error, and stops once it is below a tolerance. Here
one call of :func:`adam_fit` compiles all of that, the 50 steps of an epoch
fused with :func:`jax.lax.scan` and the epochs with :func:`jax.lax.while_loop`,
so Python is not in the inner loop.

autograd's ``adam`` starts its moment estimates (and their bias correction)
from zero on every call, so the lecture's optimizer is restarted at every
epoch. ``reset_each_epoch=True`` (the lecture's setting,
:data:`mlintro.config.LECTURE`) keeps that behaviour;
``reset_each_epoch=False`` is plain Adam, which keeps its momentum across
epochs. For the lecture's 1-3-1 network it usually needs *more* epochs (about
320 instead of about 200 over 50 seeds) and sometimes misses the limit of 500.
The reason is the second-moment estimate: with the default ``beta2 = 0.999`` it
averages the squared gradient over about 1,000 steps, so long after the
gradient has shrunk it still remembers the large early gradients and keeps the
steps small (``TrainingRun.step_lengths``). A restart forgets them; so does a shorter
memory: plain Adam with ``beta2=0.99`` needs about 90 epochs.
"""

from functools import partial
from typing import NamedTuple, Unpack

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.typing import ArrayLike

from .config import (
    DEFAULT_ACTIVATION,
    LECTURE,
    Activation,
    SettingChanges,
    TrainingSettings,
    changed,
)
from .models import Params, predict

__all__ = ["TrainingRun", "adam_fit", "mse", "outcome", "progress_report"]


class TrainingRun(NamedTuple):
    """The result of :func:`adam_fit`."""

    params: Params
    """The trained parameters."""
    losses: np.ndarray
    """The mean squared error after each epoch that ran."""
    epochs: int
    """How many epochs ran."""
    converged: bool
    """Whether the last loss is below the tolerance."""
    step_lengths: np.ndarray | None = None
    """Root-mean-square change of a parameter in one Adam step, averaged over each epoch.

    Adam's step for each parameter is at most about the step size; how far below
    it the steps stay shows how strongly the second-moment estimate damps them.
    """


def mse(
    params: Params, x: ArrayLike, y: ArrayLike, *, activation: Activation = DEFAULT_ACTIVATION
) -> jax.Array:
    """Return the mean squared error of the network on 1-D data ``x``, ``y``.

    Examples
    --------
    >>> params = [(jnp.zeros((1, 2)), jnp.zeros(2)), (jnp.zeros((2, 1)), jnp.ones(1))]
    >>> mse(params, jnp.zeros(3), jnp.zeros(3))  # the network predicts 1 everywhere
    Array(1., dtype=float64)
    """
    return jnp.mean((jnp.asarray(y) - predict(params, x, activation=activation)) ** 2)


@partial(
    jax.jit, static_argnames=("steps_per_epoch", "max_epochs", "reset_each_epoch", "activation")
)
def _train(
    params: Params,
    x: jax.Array,
    y: jax.Array,
    step_size: jax.Array,
    tolerance: jax.Array,
    beta1: jax.Array,
    beta2: jax.Array,
    *,
    steps_per_epoch: int,
    max_epochs: int,
    reset_each_epoch: bool,
    activation: Activation,
) -> tuple[Params, jax.Array, jax.Array, jax.Array]:
    optimizer = optax.adam(step_size, b1=beta1, b2=beta2)
    loss_gradient = jax.grad(mse)

    def adam_step(carry, _):
        params, state = carry
        updates, state = optimizer.update(loss_gradient(params, x, y, activation=activation), state)
        update_squares = jax.tree.leaves(jax.tree.map(jnp.square, updates))
        rms_update = jnp.sqrt(sum(jnp.sum(u) for u in update_squares) / n_parameters)
        return (optax.apply_updates(params, updates), state), rms_update

    def epoch(carry):
        i, params, state, losses, step_lengths = carry
        if reset_each_epoch:
            state = optimizer.init(params)
        (params, state), rms_updates = jax.lax.scan(
            adam_step, (params, state), length=steps_per_epoch
        )
        losses = losses.at[i].set(mse(params, x, y, activation=activation))
        return i + 1, params, state, losses, step_lengths.at[i].set(jnp.mean(rms_updates))

    def keep_going(carry):
        i, _, _, losses, _ = carry
        previous = losses[jnp.maximum(i - 1, 0)]
        # a NaN loss compares False and so stops training too
        return (i == 0) | ((i < max_epochs) & (previous >= tolerance))

    n_parameters = sum(a.size for a in jax.tree.leaves(params))
    losses = jnp.full(max_epochs, jnp.nan)
    epochs, params, _, losses, step_lengths = jax.lax.while_loop(
        keep_going, epoch, (jnp.asarray(0), params, optimizer.init(params), losses, losses)
    )
    return params, losses, step_lengths, epochs


def adam_fit(
    params: Params,
    x: ArrayLike,
    y: ArrayLike,
    *,
    settings: TrainingSettings = LECTURE,
    activation: Activation = DEFAULT_ACTIVATION,
    progress: bool = True,
    print_every: int = 100,
    **changes: Unpack[SettingChanges],
) -> TrainingRun:
    """Train a network with Adam until the mean squared error is below ``tolerance``.

    Parameters
    ----------
    params
        Initial parameters, e.g. from :func:`mlintro.models.init_params`.
    x, y
        1-D training inputs and targets.
    settings
        Step size, steps per epoch, maximum number of epochs, tolerance, whether
        to restart Adam every epoch (see the module docstring), and Adam's decay
        rates ``beta1`` and ``beta2`` (the second-moment estimate averages over
        about ``1 / (1 - beta2)`` steps). The lecture's by default.
    activation
        The hidden layers' activation function.
    progress
        Print the loss every ``print_every`` epochs and the epoch at which
        the tolerance was reached (see :func:`progress_report`).
    print_every
        Epochs between two progress lines.
    **changes
        Fields of ``settings`` to change for this call, e.g. ``step_size=0.1``
        or ``max_epochs=3000``.

    Returns
    -------
    TrainingRun
        Trained parameters, loss after each epoch, epochs run, and whether the
        tolerance was reached. Training also stops if the loss becomes NaN.

    Examples
    --------
    >>> from mlintro import data, models
    >>> params = models.init_params(jax.random.key(0), (1, 3, 1))
    >>> run = adam_fit(params, data.X, data.Y, progress=False)
    >>> run.converged, run.epochs == len(run.losses), bool(run.losses[-1] < 2e-5)
    (True, True, True)
    >>> adam_fit(params, data.X, data.Y, max_epochs=2, progress=False).epochs
    2
    """
    settings = changed(settings, **changes)
    step_size, steps_per_epoch, max_epochs, tolerance, reset_each_epoch, beta1, beta2 = settings
    if not step_size > 0:
        raise ValueError(f"step_size must be positive, got {step_size}")
    if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
        raise ValueError(f"beta1 and beta2 must be in [0, 1), got {beta1} and {beta2}")
    if steps_per_epoch < 1 or max_epochs < 1:
        raise ValueError("steps_per_epoch and max_epochs must be at least 1")
    x, y = jnp.asarray(x, dtype=jnp.float64), jnp.asarray(y, dtype=jnp.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D of equal length, got {x.shape} and {y.shape}")
    n_inputs = params[0][0].shape[0]
    if n_inputs != 1 or params[-1][0].shape[1] != 1:
        raise ValueError("adam_fit trains networks with one input and one output")
    trained, losses, step_lengths, epochs = _train(
        params,
        x,
        y,
        jnp.float64(step_size),
        jnp.float64(tolerance),
        jnp.float64(beta1),
        jnp.float64(beta2),
        steps_per_epoch=steps_per_epoch,
        max_epochs=max_epochs,
        reset_each_epoch=reset_each_epoch,
        activation=activation,
    )
    epochs = int(epochs)
    losses = np.asarray(losses[:epochs])
    step_lengths = np.asarray(step_lengths[:epochs])
    run = TrainingRun(trained, losses, epochs, bool(losses[-1] < tolerance), step_lengths)
    if progress:
        print(progress_report(run, tolerance=tolerance, print_every=print_every))
    return run


def outcome(run: TrainingRun, *, tolerance: float = LECTURE.tolerance) -> str:
    """Say in one line how a training run ended: tolerance reached, missed, or diverged.

    The last line of :func:`progress_report`; the sweep's figures use it as well.

    Examples
    --------
    >>> unfinished = TrainingRun([], np.array([1e-2, 1e-3]), epochs=2, converged=False)
    >>> print(outcome(unfinished))
    Tolerance 2e-05 not reached in 2 epochs (loss 0.001)
    >>> diverged = unfinished._replace(losses=np.array([1e-2, np.nan]))
    >>> print(outcome(diverged))
    The loss became NaN at epoch 1: training diverged
    """
    last = run.epochs - 1
    if run.converged:
        return f"Tolerance {tolerance:g} reached at epoch {last}, stopping"
    if np.isnan(run.losses[-1]):
        return f"The loss became NaN at epoch {last}: training diverged"
    return f"Tolerance {tolerance:g} not reached in {run.epochs} epochs (loss {run.losses[-1]:.3g})"


def progress_report(
    run: TrainingRun, *, tolerance: float = LECTURE.tolerance, print_every: int = 100
) -> str:
    """Describe a training run as the lecture's loop printed it.

    One line every ``print_every`` epochs with the loss after that epoch, then
    the :func:`outcome`: the epoch at which the tolerance was reached, or that it was not.

    Examples
    --------
    >>> run = TrainingRun(params=[], losses=np.array([1e-2, 1e-3, 1e-6]), epochs=3, converged=True)
    >>> print(progress_report(run, tolerance=1e-5, print_every=2))
    Epoch 0: loss 0.01
    Epoch 2: loss 1e-06
    Tolerance 1e-05 reached at epoch 2, stopping
    """
    lines = [f"Epoch {i}: loss {run.losses[i]:.3g}" for i in range(0, run.epochs, print_every)]
    return "\n".join([*lines, outcome(run, tolerance=tolerance)])
