import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest
from mlintro import (
    analysis,
    config,
    data,
    expansions,
    least_squares,
    models,
    plotting,
    sweep,
    training,
)
from mlintro.config import ACTIVATIONS, DEFAULT_ACTIVATION, LECTURE

# every function of the library that evaluates or fits a network, with its activation
MODEL_FUNCTIONS = [
    models.scalar_model,
    models.vector_model,
    models.matrix_model,
    models.nn,
    models.predict,
    least_squares.residuals,
    least_squares.fit,
    training.mse,
    training.adam_fit,
    least_squares.fit_network,
    least_squares.jacobian,
    expansions.fit_activation_expansion,
    models.hidden_layers,
    analysis.sse,
    analysis.objectives,
    analysis.hessian_parts,
    analysis.curvature,
]
LIB = Path(__file__).resolve().parents[2] / "lib"


def numpy_scalar_model(x, theta, g):
    b1, w10, w00, b00, w11, w01, b01, w12, w02, b02 = theta
    return b1 + w10 * g(w00 * x + b00) + w11 * g(w01 * x + b01) + w12 * g(w02 * x + b02)


def numpy_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_the_lecture_settings():
    assert (LECTURE.step_size, LECTURE.steps_per_epoch, LECTURE.max_epochs) == (0.01, 50, 500)
    assert LECTURE.tolerance == 2e-5 and LECTURE.reset_each_epoch
    assert (LECTURE.beta1, LECTURE.beta2) == (0.9, 0.999)  # autograd's adam defaults
    assert set(config.SettingChanges.__annotations__) == set(config.TrainingSettings._fields)


@pytest.mark.parametrize("function", MODEL_FUNCTIONS, ids=lambda f: f.__qualname__)
def test_every_model_function_takes_the_activation_by_keyword_from_the_configuration(function):
    parameter = inspect.signature(function).parameters["activation"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is DEFAULT_ACTIVATION is ACTIVATIONS[config.DEFAULT_ACTIVATION_NAME]


def test_the_figures_and_the_explorer_default_to_the_configured_activation():
    parameters = inspect.signature(plotting.plot_activation).parameters
    assert parameters["activation"].default is DEFAULT_ACTIVATION
    assert parameters["name"].default == config.DEFAULT_ACTIVATION_NAME
    network_label = inspect.signature(plotting.draw_network).parameters["activation"].default
    assert network_label == config.DEFAULT_ACTIVATION_NAME == sweep.Setting().activation
    assert sweep.Setting().step_size == LECTURE.step_size


def test_training_defaults_are_the_lecture_settings():
    signature = inspect.signature(training.adam_fit)
    assert signature.parameters["settings"].default is LECTURE
    assert inspect.signature(training.progress_report).parameters["tolerance"].default == (
        LECTURE.tolerance
    )


def test_least_squares_fits_with_another_activation(model_rounding_bound):
    sigmoid = ACTIVATIONS["sigmoid"]
    x0 = least_squares.initial_guess(jax.random.key(0))
    result = least_squares.fit(x0, data.X, data.Y, activation=sigmoid)
    # the residuals are those of the sigmoid model, written out independently in NumPy
    expected = data.Y - numpy_scalar_model(data.X, result.x, numpy_sigmoid)
    residuals = np.asarray(least_squares.residuals(result.x, data.X, data.Y, activation=sigmoid))
    # each side rounds within the model's budget, argument errors through sigmoid's slope included
    bound = 2 * model_rounding_bound(result.x, data.X, data.Y, activation="sigmoid")
    assert np.all(np.abs(residuals - expected) <= bound)
    # scipy's cost is half the sum of its own residuals, up to the rounding of a sum of n terms
    n = len(data.X)
    np.testing.assert_allclose(
        result.cost, 0.5 * np.sum(result.fun**2), rtol=n * np.finfo(float).eps
    )
    # it is a fit: far below the cost at the start, and not the tanh model's cost
    start_cost = 0.5 * np.sum(np.asarray(least_squares.residuals(x0, data.X, data.Y)) ** 2)
    assert result.cost < 1e-2 * start_cost
    tanh_residuals = np.asarray(least_squares.residuals(result.x, data.X, data.Y))
    assert not np.allclose(tanh_residuals, residuals)


def test_adam_trains_with_another_activation_and_other_settings():
    softplus = ACTIVATIONS["softplus"]
    start = models.init_params(jax.random.key(1), (1, 3, 1))
    short = LECTURE._replace(max_epochs=3, tolerance=0.0)
    run = training.adam_fit(
        start, data.X, data.Y, settings=short, activation=softplus, progress=False
    )
    assert run.epochs == 3
    # the reported loss is the softplus network's, and differs from the tanh network's. The
    # compiled loop and mse round the same residuals differently: terms of order 1 summed to
    # residuals of about 0.1 lose ~1e-14 relative, squared and averaged ~1e-13; 1e-9 is far
    # above that and far below the gap to tanh's loss, which is a large fraction of it.
    softplus_loss = training.mse(run.params, data.X, data.Y, activation=softplus)
    tanh_loss = training.mse(run.params, data.X, data.Y)
    np.testing.assert_allclose(run.losses[-1], softplus_loss, rtol=1e-9)
    assert abs(tanh_loss - softplus_loss) > 0.1 * softplus_loss
    # changing single fields by keyword is the same as passing changed settings
    same = training.adam_fit(
        start, data.X, data.Y, max_epochs=3, tolerance=0.0, activation=softplus, progress=False
    )
    np.testing.assert_array_equal(same.losses, run.losses)


def test_an_unknown_setting_is_refused():
    # one refusal, the same wherever single fields are changed
    start = models.init_params(jax.random.key(0), (1, 3, 1))
    refusal = r"unknown settings \['learning_rate'\]"
    with pytest.raises(TypeError, match=refusal):
        config.changed(LECTURE, learning_rate=0.1)
    with pytest.raises(TypeError, match=refusal):
        training.adam_fit(start, data.X, data.Y, learning_rate=0.1, progress=False)
    with pytest.raises(TypeError, match=refusal):
        sweep.train(jax.random.key(0), data.X, data.Y, sweep.Setting(), learning_rate=0.1)


def test_the_default_activation_is_one_line(tmp_path):
    # a copy of the package with that one line changed uses sigmoid everywhere by default
    shutil.copytree(LIB / "mlintro", tmp_path / "mlintro")
    source = tmp_path / "mlintro" / "config.py"
    line = 'DEFAULT_ACTIVATION_NAME = "tanh"\n'
    assert source.read_text().count(line) == 1
    source.write_text(source.read_text().replace(line, 'DEFAULT_ACTIVATION_NAME = "sigmoid"\n'))
    check = """
import inspect, sys, jax, numpy as np
from mlintro import config, least_squares, models, plotting, sweep, training
assert models.__file__.startswith(sys.argv[1]), models.__file__
sigmoid = jax.nn.sigmoid
for f in (models.scalar_model, models.nn, models.predict, least_squares.fit, training.adam_fit,
          least_squares.fit_network, models.hidden_layers):
    assert inspect.signature(f).parameters["activation"].default is sigmoid, f
assert sweep.Setting().activation == "sigmoid"
assert inspect.signature(plotting.plot_activation).parameters["activation"].default is sigmoid
theta = np.linspace(-1.0, 1.0, 10)
x = np.linspace(0.0, 1.0, 5)
np.testing.assert_array_equal(
    models.scalar_model(x, theta), models.scalar_model(x, theta, activation=sigmoid)
)
"""
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    subprocess.run([sys.executable, "-c", check, str(tmp_path)], check=True, cwd=tmp_path, env=env)
