import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from mlintro import models

finite = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
flat_params = arrays(np.float64, (10,), elements=finite)
inputs = arrays(np.float64, (12,), elements=finite)  # one shape: no recompiling per example


def reference_model(x, theta):
    """The lecture's formula written out from the parameter names, in plain NumPy."""
    p = dict(zip(models.PARAMETER_NAMES, theta, strict=True))
    return p["b1"] + sum(p[f"w1{i}"] * np.tanh(p[f"w0{i}"] * x + p[f"b0{i}"]) for i in range(3))


@settings(deadline=None, max_examples=60)
@given(theta=flat_params, x=inputs)
def test_the_four_forms_of_the_model_agree(theta, x, model_rounding_bound):
    expected = reference_model(x, theta)
    (w0, b0), (w1, b1) = models.params_from_flat(theta)
    forms = {
        "scalar": models.scalar_model(x, theta),
        "vector": models.vector_model(x, theta),
        "matrix": models.matrix_model(x, w0.T, b0, w1.T, b1),
        "nn": models.nn(models.params_from_flat(theta), x.reshape(-1, 1))[:, 0],
        "predict": models.predict(models.params_from_flat(theta), x),
    }
    # each form and the reference round differently: both are within the model's budget
    bound = 2 * model_rounding_bound(theta, x)
    for name, y in forms.items():
        assert y.shape == x.shape, name
        assert np.all(np.abs(np.asarray(y) - expected) <= bound), name


def test_parameter_order_follows_the_names(model_rounding_bound):
    # only w11 and b01 non-zero: y = w11 * tanh(b01), whatever x is
    theta = np.zeros(10)
    theta[models.PARAMETER_NAMES.index("w11")] = 2.0
    theta[models.PARAMETER_NAMES.index("b01")] = 0.5
    x = np.array([0.0, 3.0])
    y = models.scalar_model(x, theta)
    # XLA's tanh and NumPy's may differ by a few ulps: the model's rounding budget
    assert np.all(np.abs(np.asarray(y) - 2.0 * np.tanh(0.5)) <= model_rounding_bound(theta, x))
    (w0, b0), (w1, b1) = models.params_from_flat(theta)
    assert float(w1[1, 0]) == 2.0 and float(b0[1]) == 0.5
    assert float(jnp.sum(jnp.abs(w0))) == 0.0 and float(b1[0]) == 0.0


@settings(deadline=None, max_examples=40)
@given(theta=flat_params)
def test_flat_to_params_round_trip(theta):
    params = models.params_from_flat(theta)
    assert [(w.shape, b.shape) for w, b in params] == [((1, 3), (3,)), ((3, 1), (1,))]
    np.testing.assert_array_equal(models.flat_from_params(params), theta)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_params_to_flat_round_trip(seed):
    params = models.init_params(jax.random.key(seed), (1, 3, 1))
    back = models.params_from_flat(models.flat_from_params(params))
    for (w, b), (w2, b2) in zip(params, back, strict=True):
        np.testing.assert_array_equal(w, w2)
        np.testing.assert_array_equal(b, b2)


@pytest.mark.parametrize("layer_sizes", [(1, 4, 1), (2, 3, 1), (1, 3, 3, 1)])
def test_flat_from_params_rejects_other_networks(layer_sizes):
    with pytest.raises(ValueError, match="1-3-1"):
        models.flat_from_params(models.init_params(jax.random.key(0), layer_sizes))


@pytest.mark.parametrize("shape", [(9,), (11,), (2, 5), ()])
def test_flat_models_reject_wrong_number_of_parameters(shape):
    theta = jnp.ones(shape)
    for fn in (models.scalar_model, models.vector_model):
        with pytest.raises(ValueError, match="expected the 10 parameters"):
            fn(jnp.zeros(3), theta)
    with pytest.raises(ValueError, match="expected the 10 parameters"):
        models.params_from_flat(theta)
    if shape[:1] != (10,):  # neurons takes further axes after the ten parameters
        with pytest.raises(ValueError, match=r"expected the 10 parameters .* along its first axis"):
            models.neurons(np.ones(shape))


def test_init_params_gives_every_array_its_own_key():
    params = models.init_params(jax.random.key(0), (1, 3, 1))
    values = np.concatenate([np.ravel(a) for layer in params for a in layer])
    assert values.size == 10
    # every number is a separate draw: no two neurons (or arrays) are copies of each other
    assert len(np.unique(values)) == values.size
    (w0, b0), (w1, _) = params
    assert not np.allclose(w0[0], b0)  # a reused key would make these equal
    assert not np.allclose(w0[0], w1[:, 0])


@pytest.mark.parametrize("layer_sizes", [(1, 3, 1), (1, 8, 8, 1), (4, 5, 2)])
def test_no_two_neurons_start_identical(layer_sizes):
    params = models.init_params(jax.random.key(3), layer_sizes)
    for w, b in params:
        neurons = np.vstack([np.asarray(w), np.asarray(b)[None, :]]).T  # one row per neuron
        for a, c in itertools.combinations(neurons, 2):
            assert not np.allclose(a, c)


def test_init_params_is_reproducible_and_depends_on_the_key():
    def flat(params):
        return np.concatenate([np.ravel(a) for layer in params for a in layer])

    a = flat(models.init_params(jax.random.key(7), (1, 3, 1)))
    b = flat(models.init_params(jax.random.key(7), (1, 3, 1)))
    c = flat(models.init_params(jax.random.key(8), (1, 3, 1)))
    np.testing.assert_array_equal(a, b)
    assert np.all(a != c)


@pytest.mark.parametrize("scale", [0.1, 1.0, 3.0])
def test_init_params_scale_is_the_standard_deviation(scale):
    (w, b), *_ = models.init_params(jax.random.key(1), (100, 100, 1), scale=scale)
    assert w.shape == (100, 100) and b.shape == (100,)
    assert abs(float(jnp.std(w)) / scale - 1) < 0.05  # 10,000 draws
    assert abs(float(jnp.mean(w))) < 0.05 * scale
    unit = models.init_params(jax.random.key(1), (100, 100, 1), scale=1.0)[0][0]
    np.testing.assert_allclose(w, scale * unit, rtol=1e-12)


@pytest.mark.parametrize("layer_sizes", [(1,), (), (1, 0, 1), (1, -2, 1), (1, 2.5, 1)])
def test_init_params_rejects_bad_layer_sizes(layer_sizes):
    with pytest.raises(ValueError, match="layer_sizes"):
        models.init_params(jax.random.key(0), layer_sizes)


@pytest.mark.parametrize(
    "layer_sizes", [(1, 1), (1, 3, 1), (2, 5, 3), (3, 4, 4, 2), (1, 10, 10, 10, 1)]
)
def test_nn_shapes_for_several_layer_sizes(layer_sizes):
    params = models.init_params(jax.random.key(0), layer_sizes)
    assert len(params) == len(layer_sizes) - 1
    for (w, b), n_in, n_out in zip(params, layer_sizes[:-1], layer_sizes[1:], strict=True):
        assert w.shape == (n_in, n_out) and b.shape == (n_out,)
    for n_samples in (1, 7):
        x = jax.random.normal(jax.random.key(1), (n_samples, layer_sizes[0]))
        assert models.nn(params, x).shape == (n_samples, layer_sizes[-1])


def test_nn_with_identity_activation_is_one_affine_map():
    params = models.init_params(jax.random.key(2), (2, 4, 3, 1), scale=1.0)
    x = np.asarray(jax.random.normal(jax.random.key(3), (6, 2)))
    y = models.nn(params, x, activation=lambda z: z)
    expected = x
    for w, b in params:
        expected = expected @ np.asarray(w) + np.asarray(b)
    np.testing.assert_allclose(y, expected, rtol=1e-12)


def test_nn_last_layer_is_linear_and_hidden_layers_use_the_activation():
    params = models.init_params(jax.random.key(4), (1, 3, 1), scale=1.0)
    x = np.linspace(-2, 2, 9)
    (w0, b0), (w1, b1) = (tuple(np.asarray(a) for a in layer) for layer in params)
    for activation, np_activation in [(jnp.tanh, np.tanh), (jnp.sin, np.sin)]:
        hidden = np_activation(x[:, None] @ w0 + b0)
        expected = (hidden @ w1 + b1)[:, 0]
        np.testing.assert_allclose(models.predict(params, x, activation=activation), expected)
        np.testing.assert_allclose(
            models.matrix_model(x, w0.T, b0, w1.T, b1, activation=activation), expected
        )


def test_reusing_one_key_makes_weights_equal_biases_but_not_neurons_alike():
    # what the init_params docstring (and the lesson) says a reused key does
    key = jax.random.key(0)
    weights = jax.random.normal(key, (1, 3))
    biases = jax.random.normal(key, (3,))
    np.testing.assert_array_equal(weights[0], biases)
    assert np.unique(np.asarray(biases)).size == 3


def test_neurons_names_the_flat_vector():
    theta = np.arange(10.0)
    parts = models.neurons(theta)
    named = dict(zip(models.PARAMETER_NAMES, theta, strict=True))
    for i in range(3):
        assert parts.w0[i] == named[f"w0{i}"]
        assert parts.b0[i] == named[f"b0{i}"]
        assert parts.w1[i] == named[f"w1{i}"]
    assert parts.b1 == named["b1"]
    np.testing.assert_array_equal(parts.theta(), theta)
    with pytest.raises(ValueError, match="10 parameters"):
        models.neurons(np.zeros(9))


def test_neurons_keep_the_array_kind_and_further_axes():
    assert isinstance(models.neurons(np.zeros(10)).w0, np.ndarray)
    assert isinstance(models.neurons(jnp.zeros(10)).w0, jax.Array)
    # traced under jit, as inside the models
    assert float(jax.jit(lambda t: models.neurons(t).b1)(jnp.arange(10.0) + 1)) == 1.0
    # the columns of a matrix, e.g. eigenvectors: each field keeps the column axis
    columns = np.arange(30.0).reshape(10, 3)
    parts = models.neurons(columns)
    assert parts.w0.shape == (3, 3) and parts.b1.shape == (3,)
    for k in range(3):
        np.testing.assert_array_equal(parts.w0[:, k], models.neurons(columns[:, k]).w0)


@pytest.mark.parametrize("width", [1, 3, 4])
def test_neurons_of_any_width_give_a_one_layer_network(width, model_rounding_bound):
    rng = np.random.default_rng(width)
    parts = models.Neurons(*rng.normal(size=(3, width)), b1=rng.normal())
    params = parts.params()
    assert [(w.shape, b.shape) for w, b in params] == [((1, width), (width,)), ((width, 1), (1,))]
    x = np.linspace(-1, 1, 5)
    expected = parts.b1 + np.tanh(np.outer(x, parts.w0) + parts.b0) @ parts.w1
    assert parts.theta().shape == (3 * width + 1,)
    error = np.abs(np.asarray(models.predict(params, x)) - expected)
    assert np.all(error <= 2 * model_rounding_bound(parts.theta(), x))


def test_hidden_layers_compose_to_the_network():
    params = models.init_params(jax.random.key(4), (1, 4, 3, 2, 1), scale=1.0)
    x = np.linspace(0, 1, 11)
    layers = models.hidden_layers(params, x)
    assert [h.shape for h in layers] == [(11, 4), (11, 3), (11, 2)]
    (w0, b0) = params[0]
    np.testing.assert_allclose(layers[0], np.tanh(x[:, None] @ w0 + b0), atol=1e-12)
    for (w, b), before, after in zip(params[1:-1], layers[:-1], layers[1:], strict=True):
        np.testing.assert_allclose(after, np.tanh(before @ w + b), atol=1e-12)
    w, b = params[-1]
    np.testing.assert_array_equal(layers[-1] @ w + b, models.nn(params, x[:, None]))
    relu_layers = models.hidden_layers(params, x, activation=jax.nn.relu)
    assert np.all(np.asarray(relu_layers[0]) >= 0)
