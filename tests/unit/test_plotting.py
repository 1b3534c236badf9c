import itertools
import re

import jax
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from mlintro import data, plotting, sweep, training

# As in test_sweep: one max_epochs, so each network shape compiles once.
EPOCHS = 2


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labels(ax):
    return ax.get_xlabel(), ax.get_ylabel()


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_fit_draws_data_and_each_model():
    x = np.linspace(0, 1, 5)
    models = {"fit": (x, x**2), "other": (x, 1 - x)}
    ax = plotting.plot_fit(x, np.sqrt(x), models)
    assert isinstance(ax, Axes)
    assert all(labels(ax))
    assert legend_texts(ax) == ["data", "fit", "other"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), np.sqrt(x))
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), x**2)


def test_plotting_functions_draw_on_a_given_axes():
    _fig, axes = plt.subplots(2, 3)
    x = np.linspace(0, 10, 11)
    calls = [
        lambda ax: plotting.plot_fit(x, x, {"m": (x, x)}, ax=ax),
        lambda ax: plotting.plot_extrapolation(x, np.cbrt(x), {"m": x}, ax=ax),
        lambda ax: plotting.plot_activation(ax=ax),
        lambda ax: plotting.plot_losses({"run": np.array([1.0, 0.5])}, ax=ax),
        lambda ax: plotting.plot_parameters({"p": np.arange(10.0)}, ax=ax),
        lambda ax: plotting.draw_network((1, 3, 1), ax=ax),
    ]
    for call, ax in zip(calls, axes.flat, strict=True):
        assert call(ax) is ax
    assert len(plt.get_fignums()) == 1  # no stray figures


def test_plot_extrapolation_shades_exactly_the_training_range():
    x = np.linspace(0, 10, 21)
    ax = plotting.plot_extrapolation(x, np.cbrt(x), {"nn": np.ones_like(x)}, training_range=(0, 1))
    assert all(labels(ax))
    assert ax.get_xlim() == (0.0, 10.0)
    (span,) = ax.patches
    corners = span.get_transform().transform(span.get_path().vertices)
    data_x = ax.transData.inverted().transform(corners)[:, 0]
    np.testing.assert_allclose([data_x.min(), data_x.max()], [0.0, 1.0], atol=1e-9)
    assert "training range" in legend_texts(ax)


def test_plot_activation_shows_both_limits():
    ax = plotting.plot_activation(np.tanh, name="tanh", x_range=(-5, 5))
    assert labels(ax) == ("x", "tanh(x)")
    curve, *limits = ax.lines
    assert len(limits) == 2
    np.testing.assert_allclose(sorted(line.get_ydata()[0] for line in limits), np.tanh([-5, 5]))
    np.testing.assert_allclose(curve.get_ydata(), np.tanh(curve.get_xdata()))


def test_plot_losses_uses_a_log_scale_and_marks_the_tolerance():
    ax = plotting.plot_losses(
        {"a": np.array([1.0, 0.1]), "b": np.array([2.0, 0.2, 0.02])}, tolerance=0.05
    )
    assert all(labels(ax)) and ax.get_yscale() == "log"
    assert legend_texts(ax) == ["a", "b", "tolerance 0.05"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [0, 1, 2])
    assert ax.lines[-1].get_ydata()[0] == 0.05
    no_tolerance = plotting.plot_losses({"a": np.array([1.0, 0.1])})
    assert len(no_tolerance.lines) == 1


def test_plot_parameters_has_one_bar_per_parameter_and_set():
    ax = plotting.plot_parameters({"ls": np.arange(10.0), "nn": -np.arange(10.0)})
    assert all(labels(ax))
    assert len(ax.patches) == 20
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["b1", "w10", "w00"]
    heights = sorted(p.get_height() for p in ax.patches)
    np.testing.assert_array_equal(heights, sorted([*np.arange(10.0), *-np.arange(10.0)]))


@pytest.mark.parametrize("layer_sizes", [(1, 3, 1), (2, 4, 4, 1), (1, 1)])
def test_draw_network_has_a_circle_per_neuron_and_a_line_per_connection(layer_sizes):
    ax = plotting.draw_network(layer_sizes)
    assert isinstance(ax, Axes)
    assert len(ax.patches) == sum(layer_sizes)
    assert len(ax.lines) == sum(a * b for a, b in itertools.pairwise(layer_sizes))
    texts = [t.get_text() for t in ax.texts]
    assert "input x" in texts and any(t.startswith("output y") for t in texts)
    assert texts.count("tanh") == sum(layer_sizes[1:-1])


def test_plot_eigenvalues_shows_sizes_on_a_log_scale_and_marks_negative_ones():
    ax = plotting.plot_eigenvalues({"H": np.array([3.0, -1e-6, 1e-9]), "G": np.array([1.0, 2.0])})
    assert ax.get_yscale() == "log"
    assert all(labels(ax))
    assert legend_texts(ax) == ["H", "G", "negative (hollow)"]
    hollow = [line for line in ax.lines if line.get_fillstyle() == "none" and len(line.get_xdata())]
    assert len(hollow) == 1
    np.testing.assert_array_equal(hollow[0].get_xdata(), [1])  # sorted: -1e-6 is the first
    np.testing.assert_array_equal(hollow[0].get_ydata(), [1e-6])  # plotted by its size


def test_plot_eigenvectors_labels_rows_and_columns_and_prints_components():
    vectors = np.eye(10)[:, :3] * np.array([1.0, -1.0, 1.0])
    ax = plotting.plot_eigenvectors(np.array([1e-9, 1e-3, 2.0]), vectors)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(plotting.PARAMETER_NAMES)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1.0e-09", "1.0e-03", "2.0e+00"]
    assert sorted(t.get_text() for t in ax.texts) == ["-1.00", "1.00", "1.00"]
    assert all(labels(ax))
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_eigenvectors(np.array([1.0, 2.0]), vectors)


@pytest.fixture(scope="module")
def key():
    return jax.random.key(0)


def test_plot_trial_draws_fit_and_losses(key):
    trial = sweep.train(key, data.X, data.Y, sweep.Setting(), max_epochs=EPOCHS)
    fit_ax, loss_ax = plotting.plot_trial(trial, data.X, data.Y)
    labels = [t.get_text() for t in fit_ax.get_legend().get_texts()]
    assert labels == ["data", "network"]
    assert loss_ax.get_xlim() == (0, EPOCHS)
    assert len(loss_ax.lines[0].get_ydata()) == EPOCHS
    assert fit_ax.figure is loss_ax.figure


def test_plot_trial_is_titled_with_the_setting_and_how_training_ended(key):
    converged = sweep.train(key, data.X, data.Y, sweep.Setting())
    missed = sweep.train(key, data.X, data.Y, sweep.Setting(), max_epochs=EPOCHS)
    titles = {}
    for name, trial in {"converged": converged, "missed": missed}.items():
        fit_ax, _ = plotting.plot_trial(trial, data.X, data.Y)
        titles[name] = fit_ax.figure.get_suptitle()
        label, ending = titles[name].split("\n")
        assert label == trial.setting.label
        assert ending == training.outcome(trial.run)
    assert f"reached at epoch {converged.run.epochs - 1}" in titles["converged"]
    assert f"not reached in {EPOCHS} epochs" in titles["missed"]


def test_animation_html_has_one_frame_per_trial(key):
    settings = sweep.grid(step_sizes=(0.001, 0.01, 0.1))
    trials = sweep.train_all(key, data.X, data.Y, settings, max_epochs=EPOCHS)
    html = plotting.animation_html(trials, data.X, data.Y)
    frames = re.findall(r"data:image/png;base64,[A-Za-z0-9+/=\\\n]+", html)
    assert len(frames) == len(trials)
    assert len(set(frames)) == len(trials)  # every setting gives a different picture
    assert re.search(r'<img id="_anim_img\w+"', html)  # the player the site labels
    assert re.search(r'<input id="_anim_slider\w+" type="range"', html)
    assert plt.get_fignums() == []  # the animation's figure is closed


def test_animation_html_needs_trials():
    with pytest.raises(ValueError):
        plotting.animation_html([], data.X, data.Y)
