import jax
import numpy as np
import pytest
from mlintro import data, models, sweep, training
from mlintro.config import LECTURE

# A fixed small epoch count: max_epochs is a static argument of the compiled loop,
# so using one value everywhere compiles each network shape only once.
EPOCHS = 2


@pytest.fixture(scope="module")
def key():
    return jax.random.key(0)


def test_grid_is_the_full_product_in_order():
    settings = sweep.grid(
        widths=(1, 2), depths=(1, 2), activations=("tanh", "relu"), step_sizes=(0.1,)
    )
    assert len(settings) == 8
    assert len(set(settings)) == 8
    assert settings[0] == sweep.Setting(width=1, depth=1, activation="tanh", step_size=0.1)
    assert settings[-1] == sweep.Setting(width=2, depth=2, activation="relu", step_size=0.1)


def test_the_default_grid_is_the_lecture_setting():
    assert sweep.grid() == [sweep.Setting()]
    assert sweep.Setting().step_size == LECTURE.step_size


def test_one_at_a_time_changes_exactly_one_hyperparameter():
    base = sweep.Setting(width=3, depth=1, activation="tanh", step_size=0.01)
    settings = sweep.one_at_a_time(
        base=base,
        widths=(1, 3, 5),
        depths=(1, 2),
        activations=("sigmoid", "tanh"),
        step_sizes=(0.001, 0.01),
    )
    assert settings[0] == base
    assert len(settings) == len(set(settings)) == 1 + 2 + 1 + 1 + 1
    for setting in settings[1:]:
        changed = [name for name in base._fields if getattr(setting, name) != getattr(base, name)]
        assert len(changed) == 1


@pytest.mark.parametrize(
    ("width", "depth", "label"),
    [
        (1, 1, "1 hidden layer of 1 relu neuron, step size 0.03"),
        (4, 2, "2 hidden layers of 4 relu neurons, step size 0.03"),
        (2, 3, "3 hidden layers of 2 relu neurons, step size 0.03"),
    ],
)
def test_layer_sizes_and_label(width, depth, label):
    setting = sweep.Setting(width=width, depth=depth, activation="relu", step_size=0.03)
    assert setting.layer_sizes == (1, *[width] * depth, 1)
    assert setting.label == label


@pytest.mark.parametrize(
    "setting",
    [sweep.Setting(activation="cosine"), sweep.Setting(width=0), sweep.Setting(depth=0)],
)
def test_train_rejects_bad_settings(key, setting):
    with pytest.raises(ValueError):
        sweep.train(key, data.X, data.Y, setting, max_epochs=EPOCHS)


def test_the_step_size_comes_from_the_setting_only(key):
    with pytest.raises(TypeError, match="part of the setting"):
        sweep.train(key, data.X, data.Y, sweep.Setting(), step_size=0.1, max_epochs=EPOCHS)


def test_train_builds_the_network_of_the_setting(key):
    setting = sweep.Setting(width=2, depth=2, activation="sigmoid", step_size=0.03)
    trial = sweep.train(key, data.X, data.Y, setting, max_epochs=EPOCHS)
    assert trial.setting == setting
    shapes = [w.shape for w, _ in trial.run.params]
    assert shapes == [(1, 2), (2, 2), (2, 1)]
    assert trial.run.epochs == EPOCHS == len(trial.run.losses)
    assert np.all(np.isfinite(trial.run.losses))
    assert trial.training_settings == LECTURE._replace(step_size=0.03, max_epochs=EPOCHS)


def test_every_trial_starts_from_the_same_key(key):
    # with the smallest step size the first loss stays close to the initial network's loss,
    # which is the same for every step size only if the initial parameters are the same
    settings = sweep.grid(step_sizes=(1e-9, 2e-9))
    trials = sweep.train_all(key, data.X, data.Y, settings, max_epochs=EPOCHS)
    initial = models.init_params(key, settings[0].layer_sizes)
    start_loss = float(np.mean((models.predict(initial, data.X) - data.Y) ** 2))
    for trial in trials:
        assert trial.run.losses[0] == pytest.approx(start_loss, rel=1e-6)


def test_train_all_trains_one_network_per_setting_in_order(key):
    settings = sweep.grid(step_sizes=(0.001, 0.1))
    trials = sweep.train_all(key, data.X, data.Y, settings, max_epochs=EPOCHS)
    assert [t.setting for t in trials] == settings
    assert trials[0].run.losses[-1] != trials[1].run.losses[-1]


def test_the_lecture_setting_reaches_the_tolerance(key):
    trial = sweep.train(key, data.X, data.Y, sweep.Setting())
    assert trial.run.converged
    assert trial.run.losses[-1] < LECTURE.tolerance
    assert trial.training_settings == LECTURE
    report = training.outcome(trial.run, tolerance=trial.training_settings.tolerance)
    assert f"reached at epoch {trial.run.epochs - 1}" in report


def test_table_has_a_row_per_trial_matching_its_fit(key):
    settings = sweep.grid(widths=(3,), step_sizes=(0.001, 0.1))
    trials = sweep.train_all(key, data.X, data.Y, settings, max_epochs=EPOCHS)
    lines = sweep.table(trials).splitlines()
    assert len(lines) == 2 + len(trials)
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    for line, trial in zip(lines[2:], trials, strict=True):
        row = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        assert float(row["step size"]) == trial.setting.step_size
        assert int(row["neurons"]) == trial.setting.width
        assert int(row["layers"]) == trial.setting.depth
        assert int(row["epochs"]) == trial.run.epochs
        # three significant digits: rounding changes the loss by at most half a unit in the third
        assert float(row["last loss"]) == pytest.approx(trial.run.losses[-1], rel=5e-3)
        assert row["converged"] == ("yes" if trial.run.converged else "no")


def test_a_loss_just_below_the_tolerance_does_not_print_as_the_tolerance(key):
    trial = sweep.train(key, data.X, data.Y, sweep.Setting(), max_epochs=EPOCHS)
    run = trial.run._replace(losses=np.array([1.96e-5]), converged=True)
    text = sweep.table([trial._replace(run=run)])
    assert "1.96e-05" in text
    assert "2e-05" not in text
