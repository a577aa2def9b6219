"""Pooling layers against the Keras 3 oracle and NumPy."""

import numpy as np
import pytest
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from kerasx import layers, ops

CF = {"data_format": "channels_first"}

POOL_CASES = [
    (layers.MaxPooling1D, {}, (2, 7, 3), (2, 3, 3)),
    (layers.MaxPooling1D, {"pool_size": 3, "strides": 1, "padding": "same"}, (2, 5, 2), (2, 5, 2)),
    (layers.MaxPooling1D, {"pool_size": 2, **CF}, (2, 3, 6), (2, 3, 3)),
    (layers.MaxPooling2D, {}, (2, 5, 4, 3), (2, 2, 2, 3)),
    (
        layers.MaxPooling2D,
        {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"},
        (2, 5, 4, 2),
        (2, 3, 4, 2),
    ),
    (layers.MaxPooling2D, {"pool_size": 2, "strides": 1, **CF}, (2, 3, 4, 5), (2, 3, 3, 4)),
    (layers.MaxPooling3D, {}, (1, 4, 5, 4, 2), (1, 2, 2, 2, 2)),
    (
        layers.MaxPooling3D,
        {"pool_size": 2, "padding": "same", **CF},
        (1, 2, 3, 4, 5),
        (1, 2, 2, 2, 3),
    ),
    (layers.AveragePooling1D, {"pool_size": 2}, (2, 7, 3), (2, 3, 3)),
    (
        layers.AveragePooling1D,
        {"pool_size": 3, "strides": 2, "padding": "same", **CF},
        (2, 2, 6),
        (2, 2, 3),
    ),
    (layers.AveragePooling2D, {"pool_size": (2, 3)}, (2, 5, 6, 2), (2, 2, 2, 2)),
    (
        layers.AveragePooling2D,
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (2, 5, 4, 2),
        (2, 3, 2, 2),
    ),
    (layers.AveragePooling2D, {"pool_size": 2, **CF}, (2, 3, 4, 4), (2, 3, 2, 2)),
    (layers.AveragePooling3D, {"pool_size": 2}, (1, 4, 4, 5, 2), (1, 2, 2, 2, 2)),
    (
        layers.AveragePooling3D,
        {"pool_size": (2, 3, 2), "strides": 1, "padding": "same", **CF},
        (1, 2, 3, 4, 3),
        (1, 2, 3, 4, 3),
    ),
]


@pytest.mark.parametrize("cls,kwargs,shape,out_shape", POOL_CASES)
def test_pooling(cls, kwargs, shape, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=0,
        supports_masking=False,
    )


GLOBAL_CASES = [
    (layers.GlobalMaxPooling1D, {}, (2, 5, 3), (2, 3)),
    (layers.GlobalMaxPooling1D, {"keepdims": True, **CF}, (2, 3, 5), (2, 3, 1)),
    (layers.GlobalMaxPooling2D, {}, (2, 4, 5, 3), (2, 3)),
    (layers.GlobalMaxPooling2D, {"keepdims": True}, (2, 4, 5, 3), (2, 1, 1, 3)),
    (layers.GlobalMaxPooling3D, {**CF}, (2, 3, 2, 3, 4), (2, 3)),
    (layers.GlobalAveragePooling1D, {}, (2, 5, 3), (2, 3)),
    (layers.GlobalAveragePooling1D, {"keepdims": True, **CF}, (2, 3, 5), (2, 3, 1)),
    (layers.GlobalAveragePooling2D, {**CF}, (2, 3, 4, 5), (2, 3)),
    (layers.GlobalAveragePooling3D, {"keepdims": True}, (2, 2, 3, 4, 3), (2, 1, 1, 1, 3)),
    (layers.GlobalAveragePooling3D, {"keepdims": True, **CF}, (2, 3, 2, 3, 4), (2, 3, 1, 1, 1)),
]


@pytest.mark.parametrize("cls,kwargs,shape,out_shape", GLOBAL_CASES)
def test_global_pooling(cls, kwargs, shape, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=0,
        supports_masking=cls is layers.GlobalAveragePooling1D,
    )


def test_aliases(oracle):
    pairs = [
        ("MaxPool1D", "MaxPooling1D"),
        ("MaxPool2D", "MaxPooling2D"),
        ("MaxPool3D", "MaxPooling3D"),
        ("AvgPool1D", "AveragePooling1D"),
        ("AvgPool2D", "AveragePooling2D"),
        ("AvgPool3D", "AveragePooling3D"),
        ("GlobalMaxPool1D", "GlobalMaxPooling1D"),
        ("GlobalMaxPool2D", "GlobalMaxPooling2D"),
        ("GlobalMaxPool3D", "GlobalMaxPooling3D"),
        ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
        ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
        ("GlobalAvgPool3D", "GlobalAveragePooling3D"),
    ]
    for alias, name in pairs:
        assert getattr(layers, alias) is getattr(layers, name)
        assert getattr(oracle.layers, alias) is getattr(oracle.layers, name)
    assert kerasx.saving.serialize_keras_object(layers.MaxPool2D())["class_name"] == "MaxPooling2D"


def test_max_and_average_pool_match_numpy():
    x = random_input((2, 6, 4, 3))
    windows = x.reshape(2, 3, 2, 2, 2, 3)
    y_max = ops.convert_to_numpy(layers.MaxPooling2D()(x))
    y_avg = ops.convert_to_numpy(layers.AveragePooling2D(2)(x))
    np.testing.assert_allclose(y_max, windows.max(axis=(2, 4)), atol=1e-6)
    np.testing.assert_allclose(y_avg, windows.mean(axis=(2, 4)), atol=1e-6)


def test_same_average_pool_ignores_padding():
    # The last window of length 5 / pool 2 / stride 2 holds one real element.
    x = np.arange(5, dtype="float32").reshape(1, 5, 1)
    y = ops.convert_to_numpy(layers.AveragePooling1D(2, padding="same")(x))
    np.testing.assert_allclose(y[0, :, 0], [0.5, 2.5, 4.0])


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_average_pooling_1d_mask(oracle, data_format):
    x = random_input((3, 5, 2))
    mask = np.array(
        [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 0, 1]],
        dtype=bool,
    )
    expected = np.stack([x[i][mask[i]].mean(axis=0) for i in range(3)])
    if data_format == "channels_first":
        x = np.transpose(x, (0, 2, 1))
    layer = layers.GlobalAveragePooling1D(data_format=data_format)
    y = ops.convert_to_numpy(layer(x, mask=mask))
    np.testing.assert_allclose(y, expected, atol=1e-6)
    kout = oracle.layers.GlobalAveragePooling1D(data_format=data_format)(x, mask=mask)
    np.testing.assert_allclose(y, oracle.ops.convert_to_numpy(kout), atol=1e-6)
    assert layer.supports_masking
    assert layer.compute_mask(x, mask) is None


def test_wrong_rank_raises_with_layer_name_and_shape():
    with pytest.raises(ValueError, match=r"pool.*expected ndim=4.*found ndim=3.*\(2, 4, 4\)"):
        layers.MaxPooling2D(name="pool")(np.zeros((2, 4, 4), "float32"))
    with pytest.raises(ValueError, match=r"gap.*expected ndim=3.*found ndim=4"):
        layers.GlobalAveragePooling1D(name="gap")(np.zeros((2, 4, 4, 1), "float32"))
    with pytest.raises(ValueError, match=r"p3.*ndim=5"):
        layers.AveragePooling3D(2, name="p3")(kerasx.Input((4, 4, 4)))


def test_window_larger_than_input_raises():
    with pytest.raises(ValueError, match=r"big.*zero or negative.*\(None, 2, 2, 1\)"):
        layers.MaxPooling2D(3, name="big")(kerasx.Input((2, 2, 1)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="pool_size"):
        layers.MaxPooling2D((2, 2, 2))
    with pytest.raises(ValueError, match="padding"):
        layers.AveragePooling1D(2, padding="causal")
    with pytest.raises(ValueError, match="data_format"):
        layers.GlobalMaxPooling2D(data_format="channels_middle")


def test_keras_saved_pooling_model_loads(tmp_path, oracle):
    keras = oracle
    x = random_input((2, 8, 8, 3), seed=7)
    inp = keras.Input((8, 8, 3))
    h = keras.layers.MaxPool2D(pool_size=3, strides=1, padding="same")(inp)
    h = keras.layers.AvgPool2D(2, data_format="channels_first")(h)
    h = keras.layers.GlobalMaxPool2D(keepdims=True)(h)
    out = keras.layers.Dense(2)(keras.layers.Flatten()(h))
    model = keras.Model(inp, out)
    path = tmp_path / "pool.keras"
    model.save(path)
    expected = keras.ops.convert_to_numpy(model(x))
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), expected, atol=1e-5)
