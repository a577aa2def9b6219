"""Activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax) against the Keras 3 oracle
and NumPy."""

import numpy as np
import pytest
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from kerasx import layers, ops

CASES = [
    (layers.ReLU, {}, (3, 4)),
    (layers.ReLU, {"max_value": 0.5}, (3, 4)),
    (layers.ReLU, {"negative_slope": 0.1}, (3, 4)),
    (layers.ReLU, {"negative_slope": 0.2, "threshold": 0.3, "max_value": 0.8}, (3, 4)),
    (layers.ReLU, {"max_value": 6.0}, (3, 4)),
    (layers.LeakyReLU, {}, (3, 4)),
    (layers.LeakyReLU, {"negative_slope": 0.05}, (2, 3, 4)),
    (layers.ELU, {}, (3, 4)),
    (layers.ELU, {"alpha": 0.5}, (2, 3, 4)),
    (layers.Softmax, {}, (3, 4)),
    (layers.Softmax, {"axis": 1}, (2, 3, 4)),
    (layers.Softmax, {"axis": [1, 2]}, (2, 3, 4)),
]


@pytest.mark.parametrize("cls,kwargs,shape", CASES)
def test_activation_layers(cls, kwargs, shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        input_data=random_input(shape, low=-2.0, high=2.0),
        expected_output_shape=shape,
        expected_num_trainable_weights=0,
        supports_masking=True,
    )


@pytest.mark.parametrize(
    "kwargs,shape,alpha_shape",
    [
        ({"alpha_initializer": "ones"}, (3, 4), (4,)),
        (
            {"alpha_initializer": {"class_name": "Constant", "config": {"value": 0.25}}},
            (2, 3, 4),
            (3, 4),
        ),
        ({"alpha_initializer": "ones", "shared_axes": [1, 2]}, (2, 3, 3, 4), (1, 1, 4)),
        ({"alpha_initializer": "ones", "shared_axes": 1}, (2, 3, 4), (1, 4)),
    ],
)
def test_prelu(kwargs, shape, alpha_shape):
    layer = run_layer_test(
        layers.PReLU,
        kwargs,
        input_shape=shape,
        input_data=random_input(shape, low=-2.0, high=2.0),
        expected_output_shape=shape,
        expected_num_trainable_weights=1,
        supports_masking=True,
    )
    assert tuple(layer.alpha.shape) == alpha_shape


def test_prelu_matches_numpy_and_keras_weight_path(oracle):
    x = random_input((2, 3, 4), low=-2, high=2)
    layer = layers.PReLU(shared_axes=[1], name="prelu")
    layer(x)
    alpha = np.linspace(0.1, 0.4, 4, dtype="float32")[None]
    layer.set_weights([alpha])
    np.testing.assert_allclose(
        ops.convert_to_numpy(layer(x)), np.where(x > 0, x, alpha * x), atol=1e-6
    )
    theirs = oracle.layers.PReLU(shared_axes=[1], name="prelu")
    theirs(x)
    assert [w.path for w in layer.weights] == [w.path for w in theirs.weights]
    assert layer.get_config()["alpha_initializer"] == theirs.get_config()["alpha_initializer"]


def test_relu_variants_match_numpy():
    x = random_input((4, 5), low=-2, high=2, seed=3)
    y = ops.convert_to_numpy(layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.5)(x))
    expected = np.where(x >= 1.0, 1.0, np.where(x > 0.5, x, 0.1 * (x - 0.5)))
    np.testing.assert_allclose(y, expected, atol=1e-6)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.LeakyReLU()(x)), np.where(x > 0, x, 0.3 * x), atol=1e-6
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(layers.ELU(alpha=0.7)(x)),
        np.where(x > 0, x, 0.7 * np.expm1(x)),
        atol=1e-6,
    )


def test_softmax_matches_numpy():
    x = random_input((2, 3, 4), low=-3, high=3, seed=4)
    y = ops.convert_to_numpy(layers.Softmax(axis=[1, 2])(x))
    e = np.exp(x - x.max(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(y, e / e.sum(axis=(1, 2), keepdims=True), atol=1e-6)


@pytest.mark.parametrize(
    "mask",
    [
        np.array([[1, 1, 0, 0], [1, 0, 1, 1], [0, 1, 1, 1]], bool),
        np.array([[1.0, 1.0, 0.0, 0.2], [1.0, 0.0, 1.0, 1.0], [0.9, 1.0, 0.0, 1.0]], "float32"),
        np.array([[True, False, True, True]]),
    ],
)
def test_softmax_mask_matches_keras(oracle, mask):
    x = random_input((3, 4), low=-2, high=2, seed=5)
    ours = ops.convert_to_numpy(layers.Softmax()(x, mask=mask))
    theirs = oracle.ops.convert_to_numpy(oracle.layers.Softmax()(x, mask=mask))
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    keep = mask > 0.5 if mask.dtype != bool else mask
    keep = np.broadcast_to(keep, x.shape)
    assert (ours[~keep] == 0).all()
    np.testing.assert_allclose(ours.sum(-1), np.ones(3), atol=1e-5)


def test_softmax_with_mask_input_in_functional_model(oracle):
    x = random_input((2, 4), low=-2, high=2, seed=6)
    m = np.array([[1, 1, 0, 1], [0, 1, 0, 0]], bool)

    def build(k):
        scores = k.Input((4,))
        mask = k.Input((4,), dtype="bool")
        return k.Model([scores, mask], k.layers.Softmax()(scores, mask=mask))

    ours, theirs = build(kerasx), build(oracle)
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours([x, m])), oracle.ops.convert_to_numpy(theirs([x, m])), atol=1e-6
    )


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="threshold"):
        layers.ReLU(threshold=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=None)
    with pytest.warns(UserWarning, match="alpha"):
        leaky = layers.LeakyReLU(alpha=0.1)
    assert leaky.negative_slope == 0.1
    with pytest.raises(ValueError, match="broadcastable"):
        layers.Softmax()(np.zeros((2, 3), "float32"), mask=np.ones((2, 4), bool))
    prelu = layers.PReLU(shared_axes=[1], name="my_prelu")
    prelu(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match=r"my_prelu.*\(2, 3, 5\)"):
        prelu(np.zeros((2, 3, 5), "float32"))
