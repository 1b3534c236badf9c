"""The hyperparameter explorer: ipywidgets controls that train a network for the chosen setting.

It needs a running kernel (Jupyter, Binder or Colab); the static page shows the
precomputed sweep of :func:`mlintro.plotting.animation_html` instead.
"""

from collections.abc import Sequence
from typing import Unpack

import ipywidgets
import jax
import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import display
from jax.typing import ArrayLike

from .config import ACTIVATIONS, SettingChanges
from .plotting import plot_trial
from .sweep import Setting, Trial, train

__all__ = ["interactive_explorer"]


def interactive_explorer(
    key: jax.Array,
    x: ArrayLike,
    y: ArrayLike,
    *,
    widths: tuple[int, int] = (1, 10),
    depths: tuple[int, int] = (1, 3),
    activations: Sequence[str] = tuple(ACTIVATIONS),
    step_sizes: Sequence[float] = (0.001, 0.003, 0.01, 0.03, 0.1),
    initial: Setting = Setting(),  # noqa: B008 (an immutable NamedTuple)
    **changes: Unpack[SettingChanges],
) -> ipywidgets.interactive:
    """Build ipywidgets controls that train and plot a network for the chosen setting.

    A new network is trained (from ``key``) whenever a control is released; the
    figure of :func:`mlintro.plotting.plot_trial` appears below the controls. The
    widget's ``result`` attribute holds the latest :class:`~mlintro.sweep.Trial`.

    Parameters
    ----------
    key
        PRNG key for every network's initial parameters.
    x, y
        1-D training data.
    widths, depths
        Smallest and largest neurons per hidden layer and number of hidden layers.
    activations
        Names of the activation functions offered (keys of :data:`mlintro.config.ACTIVATIONS`).
    step_sizes
        The step sizes offered, besides the initial setting's.
    initial
        The setting shown first.
    **changes
        Other training settings to change, passed on to :func:`mlintro.sweep.train`.

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
    >>> explorer.result.setting.width
    2
    >>> plt.close("all")
    """
    unknown = set(activations) - set(ACTIVATIONS)
    if unknown:
        raise ValueError(
            f"unknown activations {sorted(unknown)}; choose from {sorted(ACTIVATIONS)}"
        )
    # a slider trains on release only: one training per choice, not one per pixel dragged
    slider_options = {"continuous_update": False, "style": {"description_width": "initial"}}

    def size_slider(value: int, bounds: tuple[int, int], description: str) -> ipywidgets.IntSlider:
        low, high = bounds
        return ipywidgets.IntSlider(
            value=value, min=low, max=high, description=description, **slider_options
        )

    controls = {
        "width": size_slider(initial.width, widths, "hidden neurons"),
        "depth": size_slider(initial.depth, depths, "hidden layers"),
        "activation": ipywidgets.Dropdown(
            options=list(activations), value=initial.activation, description="activation"
        ),
        "step_size": ipywidgets.SelectionSlider(
            # the initial step size is always offered, whatever the lecture's is
            options=[(f"{s:g}", s) for s in sorted({*map(float, step_sizes), initial.step_size})],
            value=float(initial.step_size),
            description="step size",
            **slider_options,
        ),
    }

    def show(width: int, depth: int, activation: str, step_size: float) -> Trial:
        setting = Setting(width=width, depth=depth, activation=activation, step_size=step_size)
        trial = train(key, x, y, setting, **changes)
        fit_ax, _ = plot_trial(trial, x, y)
        figure = fit_ax.get_figure(root=True)
        if in_ipython:  # elsewhere (a script, a test) there is nowhere to show it
            display(figure)
        plt.close(figure)
        return trial

    in_ipython = get_ipython() is not None
    return ipywidgets.interactive(show, clear_output=in_ipython, **controls)
