"""Exploring hyperparameters: small networks trained in a sweep, shown live or as an animation.

A *setting* fixes the hyperparameters of one training run: neurons per hidden
layer, number of hidden layers, activation function and Adam's step size.
:func:`sweep` trains one network per setting with
:func:`mlintro.training.adam_fit`. The results are shown two ways:

- :func:`animation_html`: a self-contained HTML animation (Matplotlib's
  ``to_jshtml``) whose frames step through the settings, so a reader of the
  static web page can move a slider without a running kernel. Its buttons use
  plain text symbols, so the page loads nothing from another host.
- :func:`interactive_explorer`: an ipywidgets control panel that trains a new
  network whenever a control changes, for Jupyter, Binder or Colab.

Every network starts from :func:`mlintro.models.init_params` with the same key,
so two settings differ only in their hyperparameters. Each new layer shape or
activation compiles the training loop once (about half a second); a small
network then trains in about a millisecond per epoch.
"""

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import ipywidgets
import jax
import matplotlib.pyplot as plt
import numpy as np
from IPython import get_ipython
from IPython.display import display
from jax.typing import ArrayLike
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import models, plotting, training
from .config import ACTIVATIONS, DEFAULT_ACTIVATION_NAME, LECTURE

__all__ = [
    "ACTIVATIONS",
    "Setting",
    "Trial",
    "animation_html",
    "describe",
    "grid",
    "interactive_explorer",
    "one_at_a_time",
    "plot_trial",
    "sweep",
    "table",
    "train",
]


class Setting(NamedTuple):
    """The hyperparameters of one training run."""

    hidden: int = 3
    """Neurons in each hidden layer."""
    layers: int = 1
    """Number of hidden layers."""
    activation: str = DEFAULT_ACTIVATION_NAME
    """Name of the hidden layers' activation function, a key of :data:`ACTIVATIONS`."""
    step_size: float = LECTURE.step_size
    """Adam's step size (learning rate)."""

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """The network's layer sizes: one input, the hidden layers, one output.

        Examples
        --------
        >>> Setting(hidden=4, layers=2).layer_sizes
        (1, 4, 4, 1)
        """
        return (1, *([self.hidden] * self.layers), 1)

    @property
    def label(self) -> str:
        """Describe the setting in words.

        Examples
        --------
        >>> Setting().label
        '1 hidden layer of 3 tanh neurons, step size 0.01'
        """
        layers = "1 hidden layer" if self.layers == 1 else f"{self.layers} hidden layers"
        neurons = "neuron" if self.hidden == 1 else "neurons"
        return (
            f"{layers} of {self.hidden} {self.activation} {neurons}, step size {self.step_size:g}"
        )


class Trial(NamedTuple):
    """One trained network: its setting and the result of :func:`~mlintro.training.adam_fit`."""

    setting: Setting
    fit: training.Fit


def _check_setting(setting: Setting) -> None:
    if setting.activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {setting.activation!r}; choose one of {sorted(ACTIVATIONS)}"
        )
    if setting.hidden < 1 or setting.layers < 1:
        raise ValueError(f"hidden and layers must be at least 1, got {setting}")


def grid(
    *,
    hidden_sizes: Sequence[int] = (3,),
    n_layers: Sequence[int] = (1,),
    activations: Sequence[str] = (DEFAULT_ACTIVATION_NAME,),
    step_sizes: Sequence[float] = (LECTURE.step_size,),
) -> list[Setting]:
    """Return every combination of the given hyperparameter values.

    Examples
    --------
    >>> [s.hidden for s in grid(hidden_sizes=(1, 2), step_sizes=(0.01, 0.1))]
    [1, 1, 2, 2]
    """
    return [
        Setting(int(h), int(n), a, float(s))
        for h, n, a, s in itertools.product(hidden_sizes, n_layers, activations, step_sizes)
    ]


def one_at_a_time(
    *,
    base: Setting = Setting(),  # noqa: B008 (an immutable NamedTuple)
    hidden_sizes: Sequence[int] = (),
    n_layers: Sequence[int] = (),
    activations: Sequence[str] = (),
    step_sizes: Sequence[float] = (),
) -> list[Setting]:
    """Return ``base``, then ``base`` with one hyperparameter changed at a time.

    Values equal to the base value are skipped, so no setting appears twice.

    Examples
    --------
    >>> settings = one_at_a_time(hidden_sizes=(1, 3, 5), activations=("relu",))
    >>> [(s.hidden, s.activation) for s in settings]
    [(3, 'tanh'), (1, 'tanh'), (5, 'tanh'), (3, 'relu')]
    """
    settings = [base]
    for field, values in (
        ("hidden", hidden_sizes),
        ("layers", n_layers),
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
    key: jax.Array,
    x: ArrayLike,
    y: ArrayLike,
    setting: Setting,
    *,
    steps_per_epoch: int = LECTURE.steps_per_epoch,
    max_epochs: int = LECTURE.max_epochs,
    tolerance: float = LECTURE.tolerance,
) -> Trial:
    """Initialise a network for ``setting`` from ``key`` and train it quietly.

    Parameters
    ----------
    key
        PRNG key for :func:`mlintro.models.init_params`.
    x, y
        1-D training data.
    setting
        The hyperparameters.
    steps_per_epoch, max_epochs, tolerance
        Passed on to :func:`mlintro.training.adam_fit`.

    Returns
    -------
    Trial
        The setting and the training result.

    Examples
    --------
    >>> from mlintro import data
    >>> trial = train(jax.random.key(0), data.X, data.Y, Setting(hidden=2), max_epochs=2)
    >>> trial.fit.epochs, [w.shape for w, _ in trial.fit.params]
    (2, [(1, 2), (2, 1)])
    """
    _check_setting(setting)
    params = models.init_params(key, setting.layer_sizes)
    fit = training.adam_fit(
        params,
        x,
        y,
        step_size=setting.step_size,
        steps_per_epoch=steps_per_epoch,
        max_epochs=max_epochs,
        tolerance=tolerance,
        activation=ACTIVATIONS[setting.activation],
        progress=False,
    )
    return Trial(setting, fit)


def sweep(
    key: jax.Array,
    x: ArrayLike,
    y: ArrayLike,
    settings: Iterable[Setting],
    *,
    steps_per_epoch: int = LECTURE.steps_per_epoch,
    max_epochs: int = LECTURE.max_epochs,
    tolerance: float = LECTURE.tolerance,
) -> list[Trial]:
    """Train one network per setting, every one initialised from ``key``.

    Examples
    --------
    >>> from mlintro import data
    >>> trials = sweep(jax.random.key(0), data.X, data.Y, grid(step_sizes=(0.01, 0.1)),
    ...                max_epochs=2)
    >>> [t.setting.step_size for t in trials], [t.fit.epochs for t in trials]
    ([0.01, 0.1], [2, 2])
    """
    return [
        train(
            key,
            x,
            y,
            setting,
            steps_per_epoch=steps_per_epoch,
            max_epochs=max_epochs,
            tolerance=tolerance,
        )
        for setting in settings
    ]


def describe(trial: Trial) -> str:
    """Summarise a trial in one line: its setting and how training ended.

    Examples
    --------
    >>> from mlintro import data
    >>> trial = train(jax.random.key(0), data.X, data.Y, Setting(), max_epochs=2)
    >>> print(describe(trial))
    1 hidden layer of 3 tanh neurons, step size 0.01: loss ... after 2 epochs (tolerance not
    reached)
    """
    fit = trial.fit
    loss = fit.losses[-1]
    if fit.converged:
        outcome = f"loss {loss:.3g}, tolerance reached at epoch {fit.epochs - 1}"
    else:
        outcome = f"loss {loss:.3g} after {fit.epochs} epochs (tolerance not reached)"
    return f"{trial.setting.label}: {outcome}"


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
        s, fit = trial.setting, trial.fit
        reached = "yes" if fit.converged else "no"
        rows.append(
            f"| {s.layers} | {s.hidden} | {s.activation} | {s.step_size:g} | {fit.epochs}"
            f" | {fit.losses[-1]:.3g} | {reached} |"
        )
    return "\n".join(rows)


def plot_trial(
    trial: Trial,
    x: ArrayLike,
    y: ArrayLike,
    *,
    tolerance: float = LECTURE.tolerance,
    max_epochs: int = LECTURE.max_epochs,
    axes: tuple[Axes, Axes] | None = None,
) -> tuple[Axes, Axes]:
    """Plot a trial's fit to the data (left) and its loss per epoch (right).

    The loss axes have fixed limits, so that plots of different trials compare.

    Examples
    --------
    >>> from mlintro import data
    >>> trial = train(jax.random.key(0), data.X, data.Y, Setting(), max_epochs=2)
    >>> fit_ax, loss_ax = plot_trial(trial, data.X, data.Y)
    >>> fit_ax.get_xlabel(), loss_ax.get_yscale()
    ('x', 'log')
    >>> plt.close("all")
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8.0, 3.4), layout="constrained")
    fit_ax, loss_ax = axes
    x, y = np.asarray(x), np.asarray(y)
    x_model = np.linspace(np.min(x), np.max(x), 200)
    y_model = np.asarray(
        models.predict(trial.fit.params, x_model, activation=ACTIVATIONS[trial.setting.activation])
    )
    plotting.plot_fit(x, y, {"network": (x_model, y_model)}, ax=fit_ax)
    fit_ax.set_title("fit to the data", fontsize="medium")
    plotting.plot_losses({"training": trial.fit.losses}, tolerance=tolerance, ax=loss_ax)
    loss_ax.set(xlim=(0, max_epochs), ylim=(1e-6, 1.0))
    loss_ax.set_title("loss after each epoch", fontsize="medium")
    return fit_ax, loss_ax


def _title(trial: Trial) -> str:
    label, outcome = describe(trial).split(": ", 1)
    return f"{label}\n{outcome}"


def _animation(
    trials: Sequence[Trial],
    x: ArrayLike,
    y: ArrayLike,
    *,
    tolerance: float = LECTURE.tolerance,
    max_epochs: int = LECTURE.max_epochs,
    interval_ms: int = 1500,
) -> tuple[Figure, FuncAnimation]:
    """Make an animation with one frame per trial, titled with the setting and its loss."""
    if not trials:
        raise ValueError("need at least one trial to animate")
    # a fixed layout: a layout engine would redo its work for every frame, doubling the time
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.6), dpi=100)
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.79, wspace=0.32)
    title = fig.suptitle("", y=0.98)

    def draw(frame: int) -> list:
        for ax in axes:
            ax.clear()
        plot_trial(trials[frame], x, y, tolerance=tolerance, max_epochs=max_epochs, axes=axes)
        title.set_text(_title(trials[frame]))
        return [*axes, title]

    draw(0)
    return fig, FuncAnimation(fig, draw, frames=len(trials), interval=interval_ms, repeat=False)


# Matplotlib's player shows its buttons with Font Awesome icons loaded from a CDN.
# Text symbols replace them, so the page loads nothing from another host.
_ICONS = {
    "fa-minus": "\u2212",  # decrease speed
    "fa-fast-backward": "\u00ab",  # first frame
    "fa-step-backward": "\u2039",  # previous frame
    "fa-play fa-flip-horizontal": "\u25c0",  # play backwards
    "fa-pause": "\u275a\u275a",  # pause
    "fa-play": "\u25b6",  # play
    "fa-step-forward": "\u203a",  # next frame
    "fa-fast-forward": "\u00bb",  # last frame
    "fa-plus": "+",  # increase speed
}


def _self_contained(html: str, *, alt: str, slider_label: str) -> str:
    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html)
    for icon, symbol in _ICONS.items():
        html = html.replace(
            f'<i class="fa {icon}"></i>', f'<span aria-hidden="true">{symbol}</span>'
        )
    html = re.sub(r'<img id="(_anim_img\w+)">', rf'<img id="\1" alt="{alt}">', html)
    html = re.sub(
        r'(<input id="_anim_slider\w+" type="range")', rf'\1 aria-label="{slider_label}"', html
    )
    if "http" in html or 'class="fa ' in html or "alt=" not in html:
        raise RuntimeError("Matplotlib's animation template changed: cannot make it self-contained")
    return html


def animation_html(
    trials: Sequence[Trial],
    x: ArrayLike,
    y: ArrayLike,
    *,
    tolerance: float = LECTURE.tolerance,
    max_epochs: int = LECTURE.max_epochs,
    interval_ms: int = 1500,
    alt: str = "The network's fit to the data and its loss history for one hyperparameter setting",
    slider_label: str = "Hyperparameter setting",
) -> str:
    """Render an animation, one frame per trial, as self-contained HTML with a slider.

    Each frame is :func:`plot_trial`'s figure, titled with the setting and the
    resulting loss. The frames are embedded as PNG images; the player needs no
    kernel and loads nothing from another host. Display the result with
    ``IPython.display.HTML``.

    Parameters
    ----------
    trials
        The trained networks, one frame each, in order.
    x, y
        The training data.
    tolerance, max_epochs
        Drawn in the loss panel.
    interval_ms
        Time per frame when playing.
    alt
        Alternative text of the frame image.
    slider_label
        Accessible name of the frame slider.

    Returns
    -------
    str
        HTML with inline script and style.

    Examples
    --------
    >>> from mlintro import data
    >>> trials = sweep(jax.random.key(0), data.X, data.Y, grid(hidden_sizes=(2, 3)), max_epochs=2)
    >>> html = animation_html(trials, data.X, data.Y)
    >>> html.count("data:image/png;base64"), "http" in html
    (2, False)
    """
    fig, anim = _animation(
        trials, x, y, tolerance=tolerance, max_epochs=max_epochs, interval_ms=interval_ms
    )
    try:
        html = anim.to_jshtml(default_mode="once")
    finally:
        plt.close(fig)
    return _self_contained(html, alt=alt, slider_label=slider_label)


def interactive_explorer(
    key: jax.Array,
    x: ArrayLike,
    y: ArrayLike,
    *,
    hidden_range: tuple[int, int] = (1, 10),
    layers_range: tuple[int, int] = (1, 3),
    activations: Sequence[str] = tuple(ACTIVATIONS),
    step_sizes: Sequence[float] = (0.001, 0.003, 0.01, 0.03, 0.1),
    initial: Setting = Setting(),  # noqa: B008 (an immutable NamedTuple)
    max_epochs: int = LECTURE.max_epochs,
    tolerance: float = LECTURE.tolerance,
) -> ipywidgets.interactive:
    """Build ipywidgets controls that train and plot a network for the chosen setting.

    A new network is trained (from ``key``) whenever a control is released; the
    figure of :func:`plot_trial` appears below the controls. The widget's
    ``result`` attribute holds the latest :class:`Trial`.

    Parameters
    ----------
    key
        PRNG key for every network's initial parameters.
    x, y
        1-D training data.
    hidden_range, layers_range
        Smallest and largest neurons per hidden layer and number of hidden layers.
    activations
        Names of the activation functions offered (keys of :data:`ACTIVATIONS`).
    step_sizes
        The step sizes offered.
    initial
        The setting shown first.
    max_epochs, tolerance
        Passed on to :func:`mlintro.training.adam_fit`.

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook (it is the last expression of a cell).

    Examples
    --------
    >>> from mlintro import data
    >>> explorer = interactive_explorer(jax.random.key(0), data.X, data.Y, max_epochs=2)
    >>> [c.description for c in explorer.children[:4]]
    ['hidden neurons', 'hidden layers', 'activation', 'step size']
    >>> explorer.result.setting == Setting()
    True
    >>> explorer.children[0].value = 2  # what moving the slider does
    >>> explorer.result.setting.hidden
    2
    >>> plt.close("all")
    """
    unknown = set(activations) - set(ACTIVATIONS)
    if unknown:
        raise ValueError(
            f"unknown activations {sorted(unknown)}; choose from {sorted(ACTIVATIONS)}"
        )
    style = {"description_width": "initial"}
    controls = {
        "hidden": ipywidgets.IntSlider(
            value=initial.hidden,
            min=hidden_range[0],
            max=hidden_range[1],
            description="hidden neurons",
            continuous_update=False,
            style=style,
        ),
        "layers": ipywidgets.IntSlider(
            value=initial.layers,
            min=layers_range[0],
            max=layers_range[1],
            description="hidden layers",
            continuous_update=False,
            style=style,
        ),
        "activation": ipywidgets.Dropdown(
            options=list(activations), value=initial.activation, description="activation"
        ),
        "step_size": ipywidgets.SelectionSlider(
            options=[(f"{s:g}", float(s)) for s in step_sizes],
            value=float(initial.step_size),
            description="step size",
            continuous_update=False,
            style=style,
        ),
    }

    def show(hidden: int, layers: int, activation: str, step_size: float) -> Trial:
        trial = train(
            key,
            x,
            y,
            Setting(hidden, layers, activation, step_size),
            max_epochs=max_epochs,
            tolerance=tolerance,
        )
        fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.8), layout="constrained")
        plot_trial(trial, x, y, tolerance=tolerance, max_epochs=max_epochs, axes=tuple(axes))
        fig.suptitle(_title(trial))
        if in_ipython:  # elsewhere (a script, a test) there is nowhere to show it
            display(fig)
        plt.close(fig)
        return trial

    in_ipython = get_ipython() is not None
    return ipywidgets.interactive(show, clear_output=in_ipython, **controls)
