import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from mlintro import models, training
from mlintro.config import LECTURE


@pytest.fixture(scope="module")
def start():
    return models.init_params(jax.random.key(0), (1, 3, 1))


@pytest.fixture(scope="module")
def lecture_fit(start, lecture_data):
    return training.adam_fit(start, *lecture_data, settings=LECTURE, progress=False)


def flat(params):
    return np.concatenate([np.ravel(a) for layer in params for a in layer])


def test_mse_is_the_mean_squared_error_of_the_network(start):
    x = np.linspace(-1.0, 2.0, 11)
    y = np.sin(x)
    prediction = np.asarray(models.predict(start, x))
    np.testing.assert_allclose(training.mse(start, x, y), np.mean((y - prediction) ** 2))
    sig = training.mse(start, x, y, activation=jax.nn.sigmoid)
    prediction = np.asarray(models.predict(start, x, activation=jax.nn.sigmoid))
    np.testing.assert_allclose(sig, np.mean((y - prediction) ** 2))


def test_lecture_settings_reach_the_tolerance(lecture_fit, lecture_data):
    fit = lecture_fit
    assert fit.converged
    assert fit.epochs == len(fit.losses) < LECTURE.max_epochs
    assert fit.losses[-1] < LECTURE.tolerance
    # it stops at the first epoch below the tolerance, not later
    assert np.all(fit.losses[:-1] >= LECTURE.tolerance)
    # the reported loss is the loss of the returned parameters
    np.testing.assert_allclose(fit.losses[-1], training.mse(fit.params, *lecture_data), rtol=1e-12)


def test_losses_decrease_overall(lecture_fit):
    losses = lecture_fit.losses
    assert np.all(np.isfinite(losses)) and np.all(losses > 0)
    assert losses[0] > 10 * losses[-1]
    # the best loss so far improves over every quarter of the run
    quarters = np.array_split(losses, 4)
    best = [q.min() for q in quarters]
    assert all(b < a for a, b in itertools.pairwise(best))


def test_max_epochs_is_respected(start, lecture_data):
    fit = training.adam_fit(start, *lecture_data, max_epochs=3, tolerance=1e-12, progress=False)
    assert fit.epochs == len(fit.losses) == 3
    assert not fit.converged
    assert "not reached in 3 epochs" in training.progress_report(fit, tolerance=1e-12)


def test_a_loose_tolerance_stops_after_the_first_epoch(start, lecture_data):
    fit = training.adam_fit(start, *lecture_data, tolerance=1.0, progress=False)
    assert fit.epochs == 1 and fit.converged and fit.losses[0] < 1.0


def test_huge_step_size_diverges_to_nan_and_stops(start, lecture_data):
    fit = training.adam_fit(start, *lecture_data, step_size=1e200, progress=False)
    assert np.isnan(fit.losses[-1])
    assert not fit.converged
    assert fit.epochs < LECTURE.max_epochs  # it stopped instead of running on with NaN
    assert "NaN" in training.progress_report(fit)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"step_size": 0.0}, "step_size"),
        ({"step_size": -0.01}, "step_size"),
        ({"step_size": float("nan")}, "step_size"),
        ({"steps_per_epoch": 0}, "steps_per_epoch"),
        ({"max_epochs": 0}, "max_epochs"),
        ({"beta1": 1.0}, "beta1"),
        ({"beta2": -0.1}, "beta2"),
        ({"beta2": float("nan")}, "beta2"),
    ],
)
def test_bad_hyperparameters_are_rejected(start, lecture_data, kwargs, match):
    with pytest.raises(ValueError, match=match):
        training.adam_fit(start, *lecture_data, progress=False, **kwargs)


def test_bad_data_and_networks_are_rejected(start, lecture_data):
    x, y = lecture_data
    with pytest.raises(ValueError, match="1-D"):
        training.adam_fit(start, x.reshape(-1, 1), y, progress=False)
    with pytest.raises(ValueError, match="equal length"):
        training.adam_fit(start, x, y[:-1], progress=False)
    two_inputs = models.init_params(jax.random.key(0), (2, 3, 1))
    with pytest.raises(ValueError, match="one input"):
        training.adam_fit(two_inputs, x, y, progress=False)
    two_outputs = models.init_params(jax.random.key(0), (1, 3, 2))
    with pytest.raises(ValueError, match="one output"):
        training.adam_fit(two_outputs, x, y, progress=False)


def reference_adam(params, x, y, *, epochs, steps, step_size, restart, b2=0.999):
    """autograd's ``adam`` (autograd/misc/optimizers.py) in plain NumPy, called once per epoch.

    With ``restart`` every call starts m, v and the bias-correction count from zero, as
    the lecture's loop did; without it the moments and count carry on across epochs.
    """
    b1, eps = 0.9, 1e-8
    grad = jax.jit(jax.grad(training.mse))
    shapes = [(w.shape, b.shape) for w, b in params]
    sizes = [int(np.prod(s)) for pair in shapes for s in pair]

    def unflatten(v):
        arrays = np.split(v, np.cumsum(sizes)[:-1])
        return [
            (arrays[2 * i].reshape(w), arrays[2 * i + 1].reshape(b))
            for i, (w, b) in enumerate(shapes)
        ]

    v_params = flat(params)
    m = v = np.zeros_like(v_params)
    count = 0
    losses, step_lengths = [], []
    for _ in range(epochs):
        if restart:
            m, v, count = np.zeros_like(v_params), np.zeros_like(v_params), 0
        rms_steps = []
        for _ in range(steps):
            g = flat(grad(unflatten(v_params), x, y))
            m = (1 - b1) * g + b1 * m
            v = (1 - b2) * g**2 + b2 * v
            count += 1
            mhat = m / (1 - b1**count)
            vhat = v / (1 - b2**count)
            step = step_size * mhat / (np.sqrt(vhat) + eps)
            rms_steps.append(np.sqrt(np.mean(step**2)))
            v_params = v_params - step
        losses.append(float(training.mse(unflatten(v_params), x, y)))
        step_lengths.append(np.mean(rms_steps))
    return v_params, np.array(losses), np.array(step_lengths)


@pytest.mark.parametrize(("restart", "b2"), [(True, 0.999), (False, 0.999), (False, 0.99)])
def test_adam_matches_a_plain_python_reimplementation(start, lecture_data, restart, b2):
    x, y = (jnp.asarray(a) for a in lecture_data)
    fit = training.adam_fit(
        start,
        x,
        y,
        max_epochs=4,
        tolerance=0.0,
        reset_each_epoch=restart,
        beta2=b2,
        progress=False,
    )
    expected, losses, step_lengths = reference_adam(
        start,
        x,
        y,
        epochs=4,
        steps=LECTURE.steps_per_epoch,
        step_size=LECTURE.step_size,
        restart=restart,
        b2=b2,
    )
    assert fit.epochs == 4
    np.testing.assert_allclose(flat(fit.params), expected, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.losses, losses, rtol=1e-9)
    np.testing.assert_allclose(fit.step_lengths, step_lengths, rtol=1e-9)


def test_the_first_step_after_a_restart_moves_every_parameter_by_the_step_size(start, lecture_data):
    # t = 1: m_hat / sqrt(v_hat) = g / (|g| + eps), so |step| = alpha |g| / (|g| + eps)
    fit = training.adam_fit(
        start, *lecture_data, steps_per_epoch=1, max_epochs=1, tolerance=0.0, progress=False
    )
    g = np.abs(flat(jax.grad(training.mse)(start, *lecture_data)))
    expected = LECTURE.step_size * np.sqrt(np.mean((g / (g + 1e-8)) ** 2))
    np.testing.assert_allclose(fit.step_lengths, [expected], rtol=1e-12)


def test_a_shorter_second_moment_memory_takes_longer_steps(start, lecture_data):
    # 20 epochs of plain Adam: with beta2 = 0.999 the second moment still remembers the
    # large early gradients, so the later steps are shorter than with beta2 = 0.99
    kwargs = {"max_epochs": 20, "tolerance": 0.0, "reset_each_epoch": False, "progress": False}
    long_memory = training.adam_fit(start, *lecture_data, **kwargs)
    short_memory = training.adam_fit(start, *lecture_data, beta2=0.99, **kwargs)
    assert long_memory.step_lengths[-1] < 0.5 * short_memory.step_lengths[-1]


def test_restarting_adam_each_epoch_changes_the_path(start, lecture_data):
    kwargs = {"max_epochs": 4, "tolerance": 0.0, "progress": False}
    reset = training.adam_fit(start, *lecture_data, reset_each_epoch=True, **kwargs)
    plain = training.adam_fit(start, *lecture_data, reset_each_epoch=False, **kwargs)
    assert np.abs(flat(reset.params) - flat(plain.params)).max() > 1e-4
    # the first epoch is the same: both start from zero moments
    one = {"max_epochs": 1, "tolerance": 0.0, "progress": False}
    a = training.adam_fit(start, *lecture_data, reset_each_epoch=True, **one)
    b = training.adam_fit(start, *lecture_data, reset_each_epoch=False, **one)
    np.testing.assert_allclose(flat(a.params), flat(b.params), rtol=0, atol=1e-14)


def test_activation_is_used_in_training_and_in_the_reported_loss(start, lecture_data):
    fit = training.adam_fit(
        start, *lecture_data, max_epochs=3, tolerance=0.0, activation=jax.nn.sigmoid, progress=False
    )
    np.testing.assert_allclose(
        fit.losses[-1],
        training.mse(fit.params, *lecture_data, activation=jax.nn.sigmoid),
        rtol=1e-12,
    )
    tanh = training.adam_fit(start, *lecture_data, max_epochs=3, tolerance=0.0, progress=False)
    assert not np.allclose(flat(fit.params), flat(tanh.params))


def test_progress_prints_every_hundred_epochs_and_the_stopping_epoch(
    start, lecture_data, lecture_fit, capsys
):
    fit = training.adam_fit(start, *lecture_data, settings=LECTURE, progress=True, print_every=100)
    lines = capsys.readouterr().out.strip().splitlines()
    np.testing.assert_array_equal(fit.losses, lecture_fit.losses)  # deterministic
    epoch_lines = [line for line in lines if line.startswith("Epoch ")]
    assert [int(line.split()[1].rstrip(":")) for line in epoch_lines] == list(
        range(0, fit.epochs, 100)
    )
    reached = f"Tolerance {LECTURE.tolerance:g} reached at epoch {fit.epochs - 1}, stopping"
    assert lines[-1] == reached


def test_progress_report_of_a_run_that_missed_the_tolerance():
    fit = training.TrainingRun(
        params=[], losses=np.array([0.5, 0.25, 0.125]), epochs=3, converged=False
    )
    report = training.progress_report(fit, tolerance=0.01, print_every=1)
    assert report.splitlines() == [
        "Epoch 0: loss 0.5",
        "Epoch 1: loss 0.25",
        "Epoch 2: loss 0.125",
        "Tolerance 0.01 not reached in 3 epochs (loss 0.125)",
    ]


@pytest.mark.parametrize(
    ("losses", "converged", "expected"),
    [
        ([0.5, 1e-6], True, "Tolerance 2e-05 reached at epoch 1, stopping"),
        ([0.5, 0.25], False, "Tolerance 2e-05 not reached in 2 epochs (loss 0.25)"),
        ([0.5, np.nan], False, "The loss became NaN at epoch 1: training diverged"),
        # a loss just above the tolerance does not print as the tolerance
        ([0.5, 2.04e-5], False, "Tolerance 2e-05 not reached in 2 epochs (loss 2.04e-05)"),
    ],
)
def test_outcome_is_the_last_line_of_the_progress_report(losses, converged, expected):
    fit = training.TrainingRun(params=[], losses=np.array(losses), epochs=2, converged=converged)
    assert training.outcome(fit) == expected
    assert training.progress_report(fit).splitlines()[-1] == expected
