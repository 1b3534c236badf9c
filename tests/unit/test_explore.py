import re

import jax
import matplotlib.pyplot as plt
import numpy as np
import pytest
from mlintro import data, explore, models
from mlintro.config import LECTURE

# A fixed small epoch count: max_epochs is a static argument of the compiled loop,
# so using one value everywhere compiles each network shape only once.
EPOCHS = 2


@pytest.fixture(scope="module")
def key():
    return jax.random.key(0)


def test_grid_is_the_full_product_in_order():
    settings = explore.grid(
        hidden_sizes=(1, 2), n_layers=(1, 2), activations=("tanh", "relu"), step_sizes=(0.1,)
    )
    assert len(settings) == 8
    assert len(set(settings)) == 8
    assert settings[0] == explore.Setting(1, 1, "tanh", 0.1)
    assert settings[-1] == explore.Setting(2, 2, "relu", 0.1)


def test_one_at_a_time_changes_exactly_one_hyperparameter():
    base = explore.Setting(hidden=3, layers=1, activation="tanh", step_size=0.01)
    settings = explore.one_at_a_time(
        base=base,
        hidden_sizes=(1, 3, 5),
        n_layers=(1, 2),
        activations=("sigmoid", "tanh"),
        step_sizes=(0.001, 0.01),
    )
    assert settings[0] == base
    assert len(settings) == len(set(settings)) == 1 + 2 + 1 + 1 + 1
    for setting in settings[1:]:
        changed = [name for name in base._fields if getattr(setting, name) != getattr(base, name)]
        assert len(changed) == 1


@pytest.mark.parametrize(("hidden", "layers"), [(1, 1), (4, 2), (2, 3)])
def test_layer_sizes_and_label(hidden, layers):
    setting = explore.Setting(hidden=hidden, layers=layers, activation="relu", step_size=0.03)
    assert setting.layer_sizes == (1, *[hidden] * layers, 1)
    assert f"{hidden} relu neuron" in setting.label
    assert "step size 0.03" in setting.label
    assert str(layers) in setting.label


@pytest.mark.parametrize(
    "setting",
    [explore.Setting(activation="cosine"), explore.Setting(hidden=0), explore.Setting(layers=0)],
)
def test_train_rejects_bad_settings(key, setting):
    with pytest.raises(ValueError):
        explore.train(key, data.X, data.Y, setting, max_epochs=EPOCHS)


def test_train_builds_the_network_of_the_setting(key):
    setting = explore.Setting(hidden=2, layers=2, activation="sigmoid")
    trial = explore.train(key, data.X, data.Y, setting, max_epochs=EPOCHS)
    assert trial.setting == setting
    shapes = [w.shape for w, _ in trial.fit.params]
    assert shapes == [(1, 2), (2, 2), (2, 1)]
    assert trial.fit.epochs == EPOCHS == len(trial.fit.losses)
    assert np.all(np.isfinite(trial.fit.losses))


def test_every_trial_starts_from_the_same_key(key):
    # with the smallest step size the first loss stays close to the initial network's loss,
    # which is the same for every step size only if the initial parameters are the same
    settings = explore.grid(step_sizes=(1e-9, 2e-9))
    trials = explore.sweep(key, data.X, data.Y, settings, max_epochs=EPOCHS)
    initial = models.init_params(key, settings[0].layer_sizes)
    start_loss = float(np.mean((models.predict(initial, data.X) - data.Y) ** 2))
    for trial in trials:
        assert trial.fit.losses[0] == pytest.approx(start_loss, rel=1e-6)


def test_sweep_trains_one_network_per_setting_in_order(key):
    settings = explore.grid(step_sizes=(0.001, 0.1))
    trials = explore.sweep(key, data.X, data.Y, settings, max_epochs=EPOCHS)
    assert [t.setting for t in trials] == settings
    assert trials[0].fit.losses[-1] != trials[1].fit.losses[-1]


def test_the_lecture_setting_reaches_the_tolerance(key):
    trial = explore.train(key, data.X, data.Y, explore.Setting())
    assert trial.fit.converged
    assert trial.fit.losses[-1] < LECTURE.tolerance
    assert f"tolerance reached at epoch {trial.fit.epochs - 1}" in explore.describe(trial)


def test_describe_says_when_the_tolerance_is_missed(key):
    trial = explore.train(key, data.X, data.Y, explore.Setting(), max_epochs=EPOCHS)
    assert not trial.fit.converged
    assert f"after {EPOCHS} epochs (tolerance not reached)" in explore.describe(trial)


def test_plot_trial_draws_fit_and_losses(key):
    trial = explore.train(key, data.X, data.Y, explore.Setting(), max_epochs=EPOCHS)
    fit_ax, loss_ax = explore.plot_trial(trial, data.X, data.Y, max_epochs=EPOCHS)
    labels = [t.get_text() for t in fit_ax.get_legend().get_texts()]
    assert labels == ["data", "network"]
    assert loss_ax.get_xlim() == (0, EPOCHS)
    assert len(loss_ax.lines[0].get_ydata()) == EPOCHS
    plt.close("all")


def test_animation_html_is_self_contained_with_one_frame_per_trial(key):
    settings = explore.grid(step_sizes=(0.001, 0.01, 0.1))
    trials = explore.sweep(key, data.X, data.Y, settings, max_epochs=EPOCHS)
    html = explore.animation_html(trials, data.X, data.Y, alt="frame alt", slider_label="pick one")
    frames = re.findall(r"data:image/png;base64,[A-Za-z0-9+/=\\\n]+", html)
    assert len(frames) == len(trials)
    assert len(set(frames)) == len(trials)  # every setting gives a different picture
    assert "http" not in html  # nothing loaded from another host (no icon font, no CDN)
    assert 'class="fa' not in html
    assert re.search(r'<img id="_anim_img\w+" alt="frame alt">', html)
    assert re.search(r'<input id="_anim_slider\w+" type="range" aria-label="pick one"', html)
    buttons = re.findall(r"<button[^>]*>\s*(.*?)</button>", html, flags=re.DOTALL)
    assert buttons and all("aria-label" not in b and b.strip() for b in buttons)  # text symbols
    assert html.count("<button") == len(re.findall(r'<button title="[^"]+" aria-label=', html))
    assert plt.get_fignums() == []  # the animation's figure is closed


def test_animation_html_needs_trials():
    with pytest.raises(ValueError):
        explore.animation_html([], data.X, data.Y)


def test_a_changed_player_template_is_an_error_not_an_external_request():
    with pytest.raises(RuntimeError):
        explore._self_contained(
            '<link href="https://cdn.example/x.css"><img id="_anim_img1">',
            alt="a",
            slider_label="b",
        )


def test_interactive_explorer_retrains_when_a_control_changes(key):
    explorer = explore.interactive_explorer(
        key, data.X, data.Y, step_sizes=(0.001, 0.01, 0.1), max_epochs=EPOCHS
    )
    hidden, layers, activation, step_size = explorer.children[:4]
    assert explorer.result.setting == explore.Setting()
    assert activation.options == tuple(explore.ACTIVATIONS)
    assert [value for _, value in step_size.options] == [0.001, 0.01, 0.1]
    hidden.value = 2
    assert explorer.result.setting == explore.Setting(hidden=2)
    layers.value = 2
    activation.value = "sigmoid"
    step_size.value = 0.1
    trial = explorer.result
    assert trial.setting == explore.Setting(2, 2, "sigmoid", 0.1)
    assert [w.shape for w, _ in trial.fit.params] == [(1, 2), (2, 2), (2, 1)]
    assert trial.fit.epochs == EPOCHS
    assert plt.get_fignums() == []  # each figure is closed once shown


def test_interactive_explorer_rejects_unknown_activations(key):
    with pytest.raises(ValueError):
        explore.interactive_explorer(key, data.X, data.Y, activations=("tanh", "cosine"))


def test_table_has_a_row_per_trial_matching_its_fit(key):
    settings = explore.grid(hidden_sizes=(3,), step_sizes=(0.001, 0.1))
    trials = explore.sweep(key, data.X, data.Y, settings, max_epochs=EPOCHS)
    lines = explore.table(trials).splitlines()
    assert len(lines) == 2 + len(trials)
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    for line, trial in zip(lines[2:], trials, strict=True):
        row = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        assert float(row["step size"]) == trial.setting.step_size
        assert int(row["epochs"]) == trial.fit.epochs
        # three significant digits: rounding changes the loss by at most half a unit in the third
        assert float(row["last loss"]) == pytest.approx(trial.fit.losses[-1], rel=5e-3)
        assert row["converged"] == ("yes" if trial.fit.converged else "no")


def test_a_loss_just_below_the_tolerance_does_not_print_as_the_tolerance(key):
    trial = explore.train(key, data.X, data.Y, explore.Setting(), max_epochs=EPOCHS)
    fit = trial.fit._replace(losses=np.array([1.96e-5]), converged=True)
    text = explore.table([trial._replace(fit=fit)]) + explore.describe(trial._replace(fit=fit))
    assert "1.96e-05" in text
    assert "2e-05" not in text
