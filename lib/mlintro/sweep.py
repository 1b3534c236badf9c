"""Hyperparameter sweeps: small networks trained one per setting, and a table of the results.

A *setting* fixes the hyperparameters of one training run: the network's width
(neurons per hidden layer) and depth (number of hidden layers), the activation
function and Adam's step size. :func:`train_all` trains one network per setting
with :func:`mlintro.training.adam_fit`, the rest of the training as the lecture's
(:data:`mlintro.config.LECTURE`). The figures of a trial are
:func:`mlintro.plotting.plot_trial` and :func:`mlintro.plotting.animation_html`;
:func:`mlintro.widgets.interactive_explorer` trains a trial whenever a control changes.

Every network starts from :func:`mlintro.models.init_params` with the same key,
so two settings differ only in their hyperparameters. Each new layer shape or
activation compiles the training loop once (about half a second); a small
network then trains in about a millisecond per epoch.
"""

import itertools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Unpack

import jax
from jax.typing import ArrayLike

from . import models
from .config import (
    ACTIVATIONS,
    DEFAULT_ACTIVATION_NAME,
    LECTURE,
    SettingChanges,
    TrainingSettings,
    changed,
)
from .training import TrainingRun, adam_fit

__all__ = ["Setting", "Trial", "grid", "one_at_a_time", "table", "train", "train_all"]


class Setting(NamedTuple):
    """The hyperparameters of one training run."""

    width: int = 3
    """Neurons in each hidden layer."""
    depth: int = 1
    """Number of hidden layers."""
    activation: str = DEFAULT_ACTIVATION_NAME
    """Name of the hidden layers' activation, a key of :data:`~mlintro.config.ACTIVATIONS`."""
    step_size: float = LECTURE.step_size
    """Adam's step size (learning rate)."""

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """The network's layer sizes: one input, the hidden layers, one output.

        Examples
        --------
        >>> Setting(width=4, depth=2).layer_sizes
        (1, 4, 4, 1)
        """
        return (1, *([self.width] * self.depth), 1)

    @property
    def label(self) -> str:
        """Describe the setting in words.

        Examples
        --------
        >>> Setting().label
        '1 hidden layer of 3 tanh neurons, step size 0.01'
        """
        layers = "1 hidden layer" if self.depth == 1 else f"{self.depth} hidden layers"
        neurons = "neuron" if self.width == 1 else "neurons"
        return f"{layers} of {self.width} {self.activation} {neurons}, step size {self.step_size:g}"


_LECTURE_SETTING = Setting()


class Trial(NamedTuple):
    """One trained network: its setting, how it was trained and the training's result."""

    setting: Setting
    run: TrainingRun
    """The result of :func:`~mlintro.training.adam_fit`."""
    training_settings: TrainingSettings
    """How :func:`~mlintro.training.adam_fit` trained, with the setting's step size."""


def _check_setting(setting: Setting) -> None:
    if setting.activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {setting.activation!r}; choose one of {sorted(ACTIVATIONS)}"
        )
    if setting.width < 1 or setting.depth < 1:
        raise ValueError(f"width and depth must be at least 1, got {setting}")


def grid(
    *,
    widths: Sequence[int] = (_LECTURE_SETTING.width,),
    depths: Sequence[int] = (_LECTURE_SETTING.depth,),
    activations: Sequence[str] = (_LECTURE_SETTING.activation,),
    step_sizes: Sequence[float] = (_LECTURE_SETTING.step_size,),
) -> list[Setting]:
    """Return every combination of the given hyperparameter values (by default the lecture's).

    Examples
    --------
    >>> [s.width for s in grid(widths=(1, 2), step_sizes=(0.01, 0.1))]
    [1, 1, 2, 2]
    """
    return [
        Setting(width=int(w), depth=int(d), activation=a, step_size=float(s))
        for w, d, a, s in itertools.product(widths, depths, activations, step_sizes)
    ]


def one_at_a_time(
    *,
    base: Setting = _LECTURE_SETTING,
    widths: Sequence[int] = (),
    depths: Sequence[int] = (),
    activations: Sequence[str] = (),
    step_sizes: Sequence[float] = (),
) -> list[Setting]:
    """Return ``base``, then ``base`` with one hyperparameter changed at a time.

    Values equal to the base value are skipped, so no setting appears twice.

    Examples
    --------
    >>> settings = one_at_a_time(widths=(1, 3, 5), activations=("relu",))
    >>> [(s.width, s.activation) for s in settings]
    [(3, 'tanh'), (1, 'tanh'), (5, 'tanh'), (3, 'relu')]
    """
    settings = [base]
    for field, values in (
        ("width", widths),
        ("depth", depths),
        ("activation", activations),
        ("step_size", step_sizes),
    ):
        for value in values:
            change: dict[str, Any] = {field: value}
            setting = base._replace(**change)
            if setting not in settings:
                settings.append(setting)
    return settings


def train(
    key: jax.Array, x: ArrayLike, y: ArrayLike, setting: Setting, **changes: Unpack[SettingChanges]
) -> Trial:
    """Initialise a network for ``setting`` from ``key`` and train it quietly.

    Parameters
    ----------
    key
        PRNG key for :func:`mlintro.models.init_params`.
    x, y
        1-D training data.
    setting
        The hyperparameters, the step size included.
    **changes
        Other fields of :data:`mlintro.config.LECTURE` to change, e.g. ``max_epochs=2``.

    Returns
    -------
    Trial
        The setting, the training result and the training settings.

    Examples
    --------
    >>> from mlintro import data
    >>> trial = train(jax.random.key(0), data.X, data.Y, Setting(width=2), max_epochs=2)
    >>> trial.run.epochs, [w.shape for w, _ in trial.run.params]
    (2, [(1, 2), (2, 1)])
    """
    _check_setting(setting)
    if "step_size" in changes:
        raise TypeError("the step size is part of the setting: Setting(step_size=...)")
    training_settings = changed(LECTURE, **changes)._replace(step_size=setting.step_size)
    run = adam_fit(
        models.init_params(key, setting.layer_sizes),
        x,
        y,
        settings=training_settings,
        activation=ACTIVATIONS[setting.activation],
        progress=False,
    )
    return Trial(setting, run, training_settings)


def train_all(
    key: jax.Array,
    x: ArrayLike,
    y: ArrayLike,
    settings: Iterable[Setting],
    **changes: Unpack[SettingChanges],
) -> list[Trial]:
    """Train one network per setting, every one initialised from ``key`` (see :func:`train`).

    Examples
    --------
    >>> from mlintro import data
    >>> trials = train_all(jax.random.key(0), data.X, data.Y, grid(step_sizes=(0.01, 0.1)),
    ...                    max_epochs=2)
    >>> [t.setting.step_size for t in trials], [t.run.epochs for t in trials]
    ([0.01, 0.1], [2, 2])
    """
    return [train(key, x, y, setting, **changes) for setting in settings]


def table(trials: Sequence[Trial]) -> str:
    """Tabulate trials in Markdown: one row per setting, with the epochs run and the last loss.

    ``layers`` counts the hidden layers, ``neurons`` the neurons in each, and
    ``converged`` says whether the tolerance was reached. Losses have three significant
    digits, so a loss just below the tolerance 2e-05 does not print as the tolerance.

    Examples
    --------
    >>> from mlintro import data
    >>> trial = train(jax.random.key(0), data.X, data.Y, Setting(), max_epochs=2)
    >>> print(table([trial]))
    | layers | neurons | activation | step size | epochs | last loss | converged |
    |---:|---:|---|---:|---:|---:|---|
    | 1 | 3 | tanh | 0.01 | 2 | ... | no |
    """
    rows = [
        "| layers | neurons | activation | step size | epochs | last loss | converged |",
        "|---:|---:|---|---:|---:|---:|---|",
    ]
    for trial in trials:
        s, run = trial.setting, trial.run
        reached = "yes" if run.converged else "no"
        rows.append(
            f"| {s.depth} | {s.width} | {s.activation} | {s.step_size:g} | {run.epochs}"
            f" | {run.losses[-1]:.3g} | {reached} |"
        )
    return "\n".join(rows)
