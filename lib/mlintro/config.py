"""The lecture's settings in one place: how the network is trained and its activation.

Every function of :mod:`mlintro` that trains or evaluates a network takes its
defaults from here, and the lessons, exercises, tests and benchmark read them
from here too. Training with other settings is one argument,
``settings=changed(LECTURE, step_size=0.1)`` (or ``step_size=0.1`` where a
function accepts changes of single fields, which it passes to :func:`changed`);
another activation is one argument, ``activation=ACTIVATIONS["sigmoid"]``, and
the library's default activation is the one line :data:`DEFAULT_ACTIVATION_NAME`.
"""

from collections.abc import Callable, Mapping
from typing import NamedTuple, TypedDict, Unpack

import jax
import jax.numpy as jnp

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_ACTIVATION",
    "DEFAULT_ACTIVATION_NAME",
    "LECTURE",
    "Activation",
    "SettingChanges",
    "TrainingSettings",
    "changed",
]

Activation = Callable[[jax.Array], jax.Array]
"""An elementwise activation function of the hidden layers."""


class TrainingSettings(NamedTuple):
    """How :func:`mlintro.training.adam_fit` trains: Adam in epochs, stopping at a tolerance.

    Examples
    --------
    >>> LECTURE.step_size, LECTURE.steps_per_epoch, LECTURE.max_epochs, LECTURE.tolerance
    (0.01, 50, 500, 2e-05)
    >>> LECTURE._replace(max_epochs=3000).max_epochs
    3000
    """

    step_size: float
    """Adam's step size (learning rate)."""
    steps_per_epoch: int
    """Adam steps between two checks of the loss."""
    max_epochs: int
    """Stop after this many epochs even if the tolerance is not reached."""
    tolerance: float
    """Stop after the first epoch whose mean squared error is below this."""
    reset_each_epoch: bool
    """Restart Adam's moment estimates every epoch, as the lecture's autograd ``adam`` did."""
    beta1: float
    """Decay rate of Adam's first-moment estimate (optax's ``b1``)."""
    beta2: float
    """Decay rate of Adam's second-moment estimate (optax's ``b2``)."""


class SettingChanges(TypedDict, total=False):
    """Fields of :class:`TrainingSettings` to change for one call, by name."""

    step_size: float
    steps_per_epoch: int
    max_epochs: int
    tolerance: float
    reset_each_epoch: bool
    beta1: float
    beta2: float


LECTURE = TrainingSettings(
    step_size=0.01,
    steps_per_epoch=50,
    max_epochs=500,
    tolerance=2e-5,
    reset_each_epoch=True,
    beta1=0.9,
    beta2=0.999,
)
"""The lecture's training: autograd's ``adam`` (its default betas) called for 50 steps an epoch."""


def changed(settings: TrainingSettings, **changes: Unpack[SettingChanges]) -> TrainingSettings:
    """Return ``settings`` with the named fields changed, refusing names it does not have.

    Every function that takes changes of single fields passes them through here, so a
    misspelt setting is one error everywhere: a TypeError, as for any unknown keyword.

    Examples
    --------
    >>> changed(LECTURE, max_epochs=3000).max_epochs
    3000
    >>> changed(LECTURE, learning_rate=0.1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    TypeError: unknown settings ['learning_rate']; the settings are ('step_size', ...)
    """
    unknown = sorted(set(changes) - set(TrainingSettings._fields))
    if unknown:
        raise TypeError(f"unknown settings {unknown}; the settings are {TrainingSettings._fields}")
    return settings._replace(**changes)


ACTIVATIONS: Mapping[str, Activation] = {
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "relu": jax.nn.relu,
    "softplus": jax.nn.softplus,
}
"""The activation functions the lessons and the explorer use, by name."""

DEFAULT_ACTIVATION_NAME = "tanh"
"""The name of the activation every model uses unless told otherwise (the lecture's tanh)."""

DEFAULT_ACTIVATION: Activation = ACTIVATIONS[DEFAULT_ACTIVATION_NAME]
"""The activation every model uses unless told otherwise."""
