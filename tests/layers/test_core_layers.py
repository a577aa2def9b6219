"""Core layers against the Keras 3 oracle and NumPy."""

import numpy as np
import pytest
from tests.layer_test_utils import run_layer_test

import kerasx
from kerasx import layers


@pytest.mark.parametrize("activation", [None, "relu", "softmax"])
def test_dense(activation):
    run_layer_test(
        layers.Dense,
        {"units": 4, "activation": activation},
        input_shape=(3, 5),
        expected_output_shape=(3, 4),
        expected_num_trainable_weights=2,
    )


def test_dense_rank3_and_no_bias():
    run_layer_test(
        layers.Dense,
        {"units": 2, "use_bias": False},
        input_shape=(2, 3, 5),
        expected_output_shape=(2, 3, 2),
        expected_num_trainable_weights=1,
    )


def test_dense_matches_numpy():
    layer = layers.Dense(3)
    x = np.random.rand(4, 2).astype("float32")
    y = kerasx.ops.convert_to_numpy(layer(x))
    k, b = layer.get_weights()
    np.testing.assert_allclose(y, x @ k + b, atol=1e-6)


def test_dense_wrong_last_dim_names_layer_and_shapes():
    layer = layers.Dense(3, name="my_dense")
    layer(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"my_dense.*axis -1.*value 4.*\(2, 5\)"):
        layer(np.zeros((2, 5), "float32"))


def test_activation_layer():
    run_layer_test(
        layers.Activation, {"activation": "tanh"}, input_shape=(2, 3), expected_output_shape=(2, 3)
    )


def test_dropout_inference_identity_and_training_scaling():
    layer = layers.Dropout(0.5, seed=1)
    x = np.ones((64, 64), "float32")
    np.testing.assert_array_equal(kerasx.ops.convert_to_numpy(layer(x)), x)
    y = kerasx.ops.convert_to_numpy(layer(x, training=True))
    assert set(np.unique(y)).issubset({0.0, 2.0})
    assert 0.4 < (y == 0).mean() < 0.6


def test_flatten():
    run_layer_test(layers.Flatten, {}, input_shape=(2, 3, 4), expected_output_shape=(2, 12))
