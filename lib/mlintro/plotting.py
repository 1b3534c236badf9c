"""The figures of the lessons, each on a Matplotlib ``Axes``.

Every function takes an optional ``ax`` (a new figure is made without one),
labels its axes, and returns the ``Axes`` so a page can add to it. A trial of a
hyperparameter sweep (:mod:`mlintro.sweep`) takes two, and a sweep becomes an
animation with one frame per trial.
"""

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
from jax.typing import ArrayLike
from matplotlib.animation import FuncAnimation
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from .config import ACTIVATIONS, DEFAULT_ACTIVATION, DEFAULT_ACTIVATION_NAME, Activation
from .models import PARAMETER_NAMES, predict
from .sweep import Trial
from .training import outcome

__all__ = [
    "animation_html",
    "draw_labelled_network",
    "draw_network",
    "plot_activation",
    "plot_eigenvalues",
    "plot_eigenvectors",
    "plot_extrapolation",
    "plot_fit",
    "plot_losses",
    "plot_parameters",
    "plot_trial",
]


_LAYER_SPACING = 1.8
"""Distance between the columns of a drawn network, wide enough that the layer titles do not
overlap; :func:`draw_labelled_network` places its labels on :func:`draw_network`'s columns."""


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_fit(
    x: np.ndarray,
    y: np.ndarray,
    models: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Plot data as dots and each model as a line.

    Parameters
    ----------
    x, y
        The data.
    models
        Legend label to ``(x_model, y_model)``.

    Examples
    --------
    >>> ax = plot_fit(np.array([0.0, 1.0]), np.array([0.0, 1.0]), {"line": ([0, 1], [0, 1])})
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('x', ['data', 'line'])
    >>> plt.close("all")
    """
    ax = _axes(ax)
    ax.plot(x, y, "o", markersize=4, color="tab:blue", label="data")
    for i, (label, (x_model, y_model)) in enumerate(models.items()):
        # colours C1, C2, ...: C0 (tab:blue) is the data's
        ax.plot(x_model, y_model, linewidth=2, color=f"C{i % 9 + 1}", label=label)
    ax.set(xlabel="x", ylabel="y")
    ax.legend()
    return ax


def plot_extrapolation(
    x: np.ndarray,
    y_true: np.ndarray,
    predictions: Mapping[str, np.ndarray],
    *,
    training_range: tuple[float, float] = (0.0, 1.0),
    true_as_line: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """Plot the true function and models beyond the data, the training range shaded.

    The true function is drawn as dots, or as a dashed line with ``true_as_line=True``
    (for a fine grid, where dots would merge into a band).

    Examples
    --------
    >>> x = np.linspace(0, 10, 5)
    >>> ax = plot_extrapolation(x, x ** (1 / 3), {"model": np.ones(5)})
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['training range', 'true function $x^{1/3}$', 'model']
    >>> ax = plot_extrapolation(x, x ** (1 / 3), {"model": np.ones(5)}, true_as_line=True)
    >>> ax.get_legend().get_lines()[0].get_linestyle()
    '--'
    >>> plt.close("all")
    """
    ax = _axes(ax)
    ax.axvspan(*training_range, color="0.85", label="training range")
    true_style: dict[str, Any] = (
        {"linestyle": "--", "linewidth": 2}
        if true_as_line
        else {"marker": "o", "linestyle": "", "markersize": 4}
    )
    ax.plot(x, y_true, color="tab:blue", label="true function $x^{1/3}$", **true_style)
    for i, (label, y_model) in enumerate(predictions.items()):
        # colours C1, C2, ...: C0 (tab:blue) is the true function's
        ax.plot(x, y_model, linewidth=2, color=f"C{i % 9 + 1}", label=label)
    ax.set(xlabel="x", ylabel="y", xlim=(x.min(), x.max()))
    ax.legend()
    return ax


def plot_activation(
    activation: Activation = DEFAULT_ACTIVATION,
    *,
    name: str = DEFAULT_ACTIVATION_NAME,
    x_range: tuple[float, float] = (-5.0, 5.0),
    ax: Axes | None = None,
) -> Axes:
    """Plot an activation function, with its limits at large ``|x|`` dashed.

    By default the library's activation (:data:`mlintro.config.DEFAULT_ACTIVATION`).

    Examples
    --------
    >>> ax = plot_activation()
    >>> ax.get_ylabel()
    'tanh(x)'
    >>> plt.close("all")
    """
    ax = _axes(ax)
    x = np.linspace(*x_range, 201)
    y = np.asarray(activation(jnp.asarray(x)))
    ax.plot(x, y, linewidth=2, label=name)
    for limit in (y[0], y[-1]):
        ax.axhline(limit, color="0.4", linestyle="--", linewidth=1)
    ax.set(xlabel="x", ylabel=f"{name}(x)")
    return ax


def plot_losses(
    losses: Mapping[str, np.ndarray], *, tolerance: float | None = None, ax: Axes | None = None
) -> Axes:
    """Plot loss histories against epoch on a log scale.

    Examples
    --------
    >>> ax = plot_losses({"run": np.array([1.0, 0.1, 0.01])}, tolerance=0.05)
    >>> ax.get_yscale()
    'log'
    >>> plt.close("all")
    """
    ax = _axes(ax)
    for label, history in losses.items():
        ax.plot(np.arange(len(history)), history, linewidth=2, label=label)
    if tolerance is not None:
        ax.axhline(tolerance, color="0.3", linestyle="--", label=f"tolerance {tolerance:g}")
    ax.set(xlabel="epoch", ylabel="mean squared error", yscale="log")
    ax.legend()
    return ax


def plot_parameters(
    parameter_sets: Mapping[str, np.ndarray],
    *,
    names: Sequence[str] = PARAMETER_NAMES,
    ax: Axes | None = None,
) -> Axes:
    """Compare flat parameter vectors as grouped bars on a symmetric log scale.

    Examples
    --------
    >>> ax = plot_parameters({"a": np.arange(10.0), "b": -np.arange(10.0)})
    >>> len(ax.patches), ax.get_yscale()
    (20, 'symlog')
    >>> plt.close("all")
    """
    ax = _axes(ax, figsize=(7.0, 4.0))
    positions = np.arange(len(names))
    bar_width = 0.8 / len(parameter_sets)
    for i, (label, values) in enumerate(parameter_sets.items()):
        ax.bar(
            positions + (i - (len(parameter_sets) - 1) / 2) * bar_width,
            values,
            bar_width,
            label=label,
        )
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.set_xticks(positions, names)
    ax.set(xlabel="parameter", ylabel="value (symmetric log scale)", yscale="symlog")
    ax.legend()
    return ax


def draw_network(
    layer_sizes: Sequence[int],
    *,
    activation: str = DEFAULT_ACTIVATION_NAME,
    ax: Axes | None = None,
) -> Axes:
    """Draw a fully connected network from its layer sizes.

    Neurons are circles, one column per layer; every neuron is joined to every
    neuron of the next layer. Hidden neurons are labelled with the activation.

    Examples
    --------
    >>> ax = draw_network((1, 3, 1))
    >>> len(ax.patches), len(ax.lines)  # 5 neurons, 3 + 3 connections
    (5, 6)
    >>> plt.close("all")
    """
    ax = _axes(ax, figsize=(6.0, 3.5))
    n_columns = len(layer_sizes)
    tallest = max(layer_sizes)
    radius = 0.18
    positions = []
    for column, size in enumerate(layer_sizes):
        ys = np.arange(size) - (size - 1) / 2
        positions.append([(_LAYER_SPACING * column, float(y)) for y in ys])
    for left, right in itertools.pairwise(positions):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0 + radius, x1 - radius], [y0, y1], color="0.55", linewidth=1, zorder=1)
    for column, layer in enumerate(positions):
        is_hidden = 0 < column < n_columns - 1
        for x, y in layer:
            ax.add_patch(
                plt.Circle(
                    (x, y),
                    radius,
                    facecolor="#fdd49e" if is_hidden else "#c6dbef",
                    edgecolor="black",
                    zorder=2,
                )
            )
            if is_hidden:
                ax.text(x, y, activation, ha="center", va="center", fontsize=8, zorder=3)
        if column == 0:
            title = "input x"
        elif column == n_columns - 1:
            title = "output y\n(linear)"
        else:
            title = f"hidden layer {column}\n({len(layer)} neurons)"
        ax.text(_LAYER_SPACING * column, (tallest - 1) / 2 + 0.55, title, ha="center", va="bottom")
    ax.set(
        xlim=(-0.8, _LAYER_SPACING * (n_columns - 1) + 0.8),
        ylim=(-(tallest - 1) / 2 - 0.5, (tallest - 1) / 2 + 1.2),
    )
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_eigenvalues(
    spectra: Mapping[str, np.ndarray],
    *,
    ylabel: str = "|eigenvalue|",
    ax: Axes | None = None,
) -> Axes:
    """Plot the sizes of one or more sets of eigenvalues on a logarithmic scale.

    Positive eigenvalues are filled markers, negative ones hollow, so that the
    sign survives the logarithm; each set is sorted in ascending order and
    numbered from 1.

    Examples
    --------
    >>> ax = plot_eigenvalues({"H": np.array([1e-9, 1e-3, 10.0]), "M": np.array([-1e-4, 2.0])})
    >>> ax.get_yscale(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('log', ['H', 'M', 'negative (hollow)'])
    >>> plt.close("all")
    """
    ax = _axes(ax)
    any_negative = False
    for i, (label, values) in enumerate(spectra.items()):
        values = np.sort(np.asarray(values, dtype=float))
        number = np.arange(1, len(values) + 1)
        color = f"C{i % 10}"
        negative = values < 0
        any_negative |= bool(negative.any())
        ax.plot(number, np.abs(values), "-", color=color, linewidth=1, alpha=0.6)
        # later sets get smaller markers, so that equal values stay visible on top
        size = max(8.0 - 3.0 * i, 4.0)
        ax.plot(number[~negative], values[~negative], "o", ms=size, color=color, label=label)
        ax.plot(number[negative], -values[negative], "o", ms=size, color=color, fillstyle="none")
    if any_negative:
        ax.plot([], [], "o", color="0.3", fillstyle="none", label="negative (hollow)")
    longest = max(len(values) for values in spectra.values())
    ax.set_xticks(np.arange(1, longest + 1))
    ax.set(xlabel="eigenvalue number (ascending)", ylabel=ylabel, yscale="log")
    ax.grid(True, which="major", axis="y", color="0.9")
    ax.legend()
    return ax


def plot_eigenvectors(
    eigenvalues: np.ndarray,
    eigenvectors: np.ndarray,
    *,
    names: Sequence[str] = PARAMETER_NAMES,
    ax: Axes | None = None,
) -> Axes:
    """Show eigenvectors as a labelled grid: one row per eigenvector, one column per parameter.

    Each cell is coloured by the component (blue negative, red positive) and prints
    it to two decimals when its size is at least 0.01.

    Parameters
    ----------
    eigenvalues
        Shape ``(k,)``; they label the rows.
    eigenvectors
        Shape ``(len(names), k)``, the eigenvectors as columns (as ``numpy.linalg.eigh``
        returns them).
    names
        The parameter names, labelling the columns.

    Examples
    --------
    >>> ax = plot_eigenvectors(np.array([1e-9, 2.0]), np.eye(10)[:, :2])
    >>> [t.get_text() for t in ax.get_xticklabels()][:3], ax.get_xlabel()
    (['b1', 'w10', 'w00'], 'parameter')
    >>> plt.close("all")
    """
    eigenvectors = np.asarray(eigenvectors)
    if eigenvectors.shape != (len(names), len(eigenvalues)):
        raise ValueError(
            f"eigenvectors must have shape ({len(names)}, {len(eigenvalues)}), "
            f"got {eigenvectors.shape}"
        )
    ax = _axes(ax, figsize=(8.0, 0.45 * len(eigenvalues) + 1.6))
    rows = eigenvectors.T
    image = ax.imshow(rows, cmap="RdBu_r", vmin=-1.0, vmax=1.0, aspect="auto")
    for (row, column), value in np.ndenumerate(rows):
        if abs(value) >= 0.005:
            ax.text(
                column,
                row,
                f"{value:.2f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if abs(value) > 0.6 else "black",
            )
    ax.set_xticks(np.arange(len(names)), names)
    ax.set_yticks(np.arange(len(eigenvalues)), [f"{value:.1e}" for value in eigenvalues])
    ax.set(xlabel="parameter", ylabel="eigenvalue")
    ax.figure.colorbar(image, ax=ax, label="component of the unit eigenvector")
    return ax


def draw_labelled_network(*, ax: Axes | None = None) -> Axes:
    """Draw the ten-parameter model as a 1-3-1 network, every weight and bias labelled.

    Hidden neuron ``i`` (counted from the top) has input weight ``w0i`` on the line
    from x, bias ``b0i`` beside it and output weight ``w1i`` on the line to y; the
    output neuron adds ``b1``. The names are those of :data:`PARAMETER_NAMES`.

    Examples
    --------
    >>> ax = draw_labelled_network()
    >>> sorted(t.get_text() for t in ax.texts if t.get_text() in PARAMETER_NAMES) == sorted(
    ...     PARAMETER_NAMES)
    True
    >>> plt.close("all")
    """
    ax = draw_network((1, 3, 1), ax=ax if ax is not None else _axes(None, figsize=(6.5, 4.0)))
    label_style: dict[str, Any] = {
        "ha": "center",
        "va": "center",
        "fontsize": 10,
        "zorder": 4,
        "bbox": {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
    }
    for i in range(3):
        y = 1.0 - i  # neuron 0 at the top
        # input weight on the line from x, output weight on the line to y, nearer the hidden
        # neuron where the lines fan out
        ax.text(0.6 * _LAYER_SPACING, 0.6 * y, f"w0{i}", **label_style)
        ax.text(1.4 * _LAYER_SPACING, 0.6 * y, f"w1{i}", **label_style)
        ax.text(_LAYER_SPACING, y - 0.3, f"b0{i}", fontsize=9, ha="center", va="top", color="0.25")
    ax.text(2 * _LAYER_SPACING, -0.3, "b1", fontsize=9, ha="center", va="top", color="0.25")
    return ax


def plot_trial(
    trial: Trial, x: ArrayLike, y: ArrayLike, *, axes: tuple[Axes, Axes] | None = None
) -> tuple[Axes, Axes]:
    """Plot a trial's fit to the data (left) and its loss per epoch (right).

    The figure's title names the setting and how training ended
    (:func:`mlintro.training.outcome`). The loss axes run over the trial's
    ``max_epochs`` and a fixed range of losses, so that plots of different trials compare.

    Examples
    --------
    >>> import jax
    >>> from mlintro import data, sweep
    >>> trial = sweep.train(jax.random.key(0), data.X, data.Y, sweep.Setting(), max_epochs=2)
    >>> fit_ax, loss_ax = plot_trial(trial, data.X, data.Y)
    >>> fit_ax.get_xlabel(), loss_ax.get_yscale(), loss_ax.get_xlim() == (0, 2)
    ('x', 'log', True)
    >>> print(fit_ax.figure.get_suptitle())
    1 hidden layer of 3 tanh neurons, step size 0.01
    Tolerance 2e-05 not reached in 2 epochs (loss ...)
    >>> plt.close("all")
    """
    if axes is None:
        _, (fit_ax, loss_ax) = plt.subplots(1, 2, figsize=(8.0, 3.8), layout="constrained")
    else:
        fit_ax, loss_ax = axes
    x, y = np.asarray(x), np.asarray(y)
    x_model = np.linspace(np.min(x), np.max(x), 200)
    y_model = np.asarray(
        predict(trial.run.params, x_model, activation=ACTIVATIONS[trial.setting.activation])
    )
    plot_fit(x, y, {"network": (x_model, y_model)}, ax=fit_ax)
    fit_ax.set_title("fit to the data", fontsize="medium")
    tolerance = trial.training_settings.tolerance
    plot_losses({"training": trial.run.losses}, tolerance=tolerance, ax=loss_ax)
    loss_ax.set(xlim=(0, trial.training_settings.max_epochs), ylim=(1e-6, 1.0))
    loss_ax.set_title("loss after each epoch", fontsize="medium")
    fit_ax.figure.suptitle(f"{trial.setting.label}\n{outcome(trial.run, tolerance=tolerance)}")
    return fit_ax, loss_ax


def animation_html(
    trials: Sequence[Trial], x: ArrayLike, y: ArrayLike, *, interval_ms: int = 1500
) -> str:
    """Render an animation, one frame of :func:`plot_trial` per trial, as HTML with a slider.

    Matplotlib's ``to_jshtml`` player: the frames are embedded as PNG images, so it
    needs no kernel. Display the result with ``IPython.display.HTML``. The player
    takes its button icons from a CDN and has no alternative text; the site's build
    (``_ext/site_assets.py``) replaces the icons and labels the frame and the slider.

    Parameters
    ----------
    trials
        The trained networks, one frame each, in order.
    x, y
        The training data.
    interval_ms
        Time per frame when playing.

    Returns
    -------
    str
        HTML with inline script and style.

    Examples
    --------
    >>> import jax
    >>> from mlintro import data, sweep
    >>> settings = sweep.grid(widths=(2, 3))
    >>> trials = sweep.train_all(jax.random.key(0), data.X, data.Y, settings, max_epochs=2)
    >>> animation_html(trials, data.X, data.Y).count("data:image/png;base64")
    2
    """
    if not trials:
        raise ValueError("need at least one trial to animate")
    # a fixed layout: a layout engine would redo its work for every frame, doubling the time
    fig, (fit_ax, loss_ax) = plt.subplots(1, 2, figsize=(7.0, 3.6), dpi=100)
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.79, wspace=0.32)

    def draw(frame: int) -> list[Artist]:
        fit_ax.clear()
        loss_ax.clear()
        plot_trial(trials[frame], x, y, axes=(fit_ax, loss_ax))
        return [fit_ax, loss_ax]

    animation = FuncAnimation(fig, draw, frames=len(trials), interval=interval_ms, repeat=False)
    try:
        return animation.to_jshtml(default_mode="once")
    finally:
        plt.close(fig)
