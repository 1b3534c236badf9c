import jax
import matplotlib.pyplot as plt
import pytest
from mlintro import data, widgets
from mlintro.config import ACTIVATIONS, LECTURE
from mlintro.sweep import Setting

# As in test_sweep: one max_epochs, so each network shape compiles once.
EPOCHS = 2


@pytest.fixture(scope="module")
def key():
    return jax.random.key(0)


def test_interactive_explorer_retrains_when_a_control_changes(key):
    explorer = widgets.interactive_explorer(
        key, data.X, data.Y, step_sizes=(0.001, 0.01, 0.1), max_epochs=EPOCHS
    )
    width, depth, activation, step_size = explorer.children[:4]
    assert explorer.result.setting == Setting()
    assert activation.options == tuple(ACTIVATIONS)
    assert [value for _, value in step_size.options] == [0.001, 0.01, 0.1]
    width.value = 2
    assert explorer.result.setting == Setting(width=2)
    depth.value = 2
    activation.value = "sigmoid"
    step_size.value = 0.1
    trial = explorer.result
    assert trial.setting == Setting(width=2, depth=2, activation="sigmoid", step_size=0.1)
    assert [w.shape for w, _ in trial.run.params] == [(1, 2), (2, 2), (2, 1)]
    assert trial.run.epochs == EPOCHS
    assert plt.get_fignums() == []  # each figure is closed once shown


def test_interactive_explorer_offers_the_given_ranges_and_the_initial_step_size(key):
    explorer = widgets.interactive_explorer(
        key,
        data.X,
        data.Y,
        widths=(2, 6),
        depths=(1, 4),
        step_sizes=(0.1, 0.001),
        max_epochs=EPOCHS,
    )
    width, depth, _, step_size = explorer.children[:4]
    assert (width.min, width.max, depth.min, depth.max) == (2, 6, 1, 4)
    assert [value for _, value in step_size.options] == [0.001, LECTURE.step_size, 0.1]
    assert step_size.value == LECTURE.step_size
    plt.close("all")


def test_interactive_explorer_rejects_unknown_activations(key):
    with pytest.raises(ValueError):
        widgets.interactive_explorer(key, data.X, data.Y, activations=("tanh", "cosine"))
