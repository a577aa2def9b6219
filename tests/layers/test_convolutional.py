"""Convolution layers against the Keras 3 oracle, NumPy, and Keras-saved files."""

import numpy as np
import pytest
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from kerasx import layers, ops

CONV_CASES = [
    # (class, kwargs, input shape, expected output shape)
    (layers.Conv1D, {"filters": 3, "kernel_size": 3}, (2, 8, 2), (2, 6, 3)),
    (
        layers.Conv1D,
        {"filters": 4, "kernel_size": 2, "strides": 2, "padding": "same"},
        (2, 7, 3),
        (2, 4, 4),
    ),
    (
        layers.Conv1D,
        {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
        (2, 7, 3),
        (2, 7, 2),
    ),
    (
        layers.Conv1D,
        {"filters": 4, "kernel_size": 3, "groups": 2, "data_format": "channels_first"},
        (2, 4, 6),
        (2, 4, 4),
    ),
    (
        layers.Conv2D,
        {"filters": 3, "kernel_size": 3, "activation": "relu"},
        (2, 6, 5, 2),
        (2, 4, 3, 3),
    ),
    (
        layers.Conv2D,
        {"filters": 4, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same"},
        (2, 7, 5, 3),
        (2, 4, 5, 4),
    ),
    (
        layers.Conv2D,
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "use_bias": False},
        (2, 6, 6, 3),
        (2, 4, 4, 2),
    ),
    (
        layers.Conv2D,
        {
            "filters": 6,
            "kernel_size": 3,
            "groups": 3,
            "padding": "same",
            "data_format": "channels_first",
        },
        (2, 3, 5, 5),
        (2, 6, 5, 5),
    ),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2}, (1, 4, 4, 4, 2), (1, 3, 3, 3, 2)),
    (
        layers.Conv3D,
        {
            "filters": 4,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "groups": 2,
            "data_format": "channels_first",
        },
        (1, 2, 5, 4, 3),
        (1, 4, 3, 2, 2),
    ),
]


@pytest.mark.parametrize("cls,kwargs,shape,out_shape", CONV_CASES)
def test_conv(cls, kwargs, shape, out_shape):
    n_weights = 2 if kwargs.get("use_bias", True) else 1
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=n_weights,
        expected_num_non_trainable_weights=0,
        supports_masking=False,
    )


SEPARABLE_DEPTHWISE_CASES = [
    (layers.SeparableConv1D, {"filters": 3, "kernel_size": 3}, (2, 8, 2), (2, 6, 3)),
    (
        layers.SeparableConv1D,
        {
            "filters": 2,
            "kernel_size": 2,
            "strides": 2,
            "padding": "same",
            "depth_multiplier": 2,
            "data_format": "channels_first",
        },
        (2, 3, 7),
        (2, 2, 4),
    ),
    pytest.param(
        layers.SeparableConv2D,
        {"filters": 4, "kernel_size": 3, "dilation_rate": 2, "activation": "tanh"},
        (2, 7, 6, 3),
        (2, 3, 2, 4),
    ),
    (
        layers.SeparableConv2D,
        {
            "filters": 2,
            "kernel_size": (2, 3),
            "strides": 2,
            "padding": "same",
            "depth_multiplier": 3,
            "data_format": "channels_first",
        },
        (2, 2, 5, 6),
        (2, 2, 3, 3),
    ),
    (layers.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 7, 3), (2, 5, 6)),
    (
        layers.DepthwiseConv1D,
        {
            "kernel_size": 2,
            "strides": 2,
            "padding": "same",
            "data_format": "channels_first",
            "use_bias": False,
        },
        (2, 3, 7),
        (2, 3, 4),
    ),
    (
        layers.DepthwiseConv2D,
        {"kernel_size": 3, "padding": "same", "dilation_rate": (2, 1)},
        (2, 6, 5, 2),
        (2, 6, 5, 2),
    ),
    (
        layers.DepthwiseConv2D,
        {
            "kernel_size": (2, 3),
            "strides": (2, 1),
            "depth_multiplier": 2,
            "data_format": "channels_first",
        },
        (2, 3, 6, 5),
        (2, 6, 3, 3),
    ),
]


@pytest.mark.parametrize("cls,kwargs,shape,out_shape", SEPARABLE_DEPTHWISE_CASES)
def test_separable_and_depthwise(cls, kwargs, shape, out_shape):
    n_kernels = 2 if cls.__name__.startswith("Separable") else 1
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=n_kernels + int(kwargs.get("use_bias", True)),
    )


TRANSPOSE_CASES = [
    (layers.Conv1DTranspose, {"filters": 3, "kernel_size": 3}, (2, 5, 2), (2, 7, 3)),
    (
        layers.Conv1DTranspose,
        {
            "filters": 2,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "data_format": "channels_first",
        },
        (2, 3, 4),
        (2, 2, 8),
    ),
    (
        layers.Conv1DTranspose,
        {"filters": 2, "kernel_size": 3, "dilation_rate": 2},
        (2, 4, 3),
        (2, 8, 2),
    ),
    (
        layers.Conv2DTranspose,
        {"filters": 3, "kernel_size": 3, "strides": 2},
        (2, 3, 4, 2),
        (2, 7, 9, 3),
    ),
    (
        layers.Conv2DTranspose,
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1},
        (2, 3, 3, 2),
        None,
    ),
    (
        layers.Conv2DTranspose,
        {
            "filters": 2,
            "kernel_size": (2, 3),
            "strides": (1, 2),
            "padding": "same",
            "data_format": "channels_first",
        },
        (2, 3, 3, 4),
        (2, 2, 3, 8),
    ),
    (
        layers.Conv3DTranspose,
        {"filters": 2, "kernel_size": 2, "strides": 2},
        (1, 2, 3, 2, 2),
        (1, 4, 6, 4, 2),
    ),
    (
        layers.Conv3DTranspose,
        {"filters": 2, "kernel_size": 3, "padding": "same", "data_format": "channels_first"},
        (1, 2, 3, 3, 2),
        (1, 2, 3, 3, 2),
    ),
]


@pytest.mark.parametrize("cls,kwargs,shape,out_shape", TRANSPOSE_CASES)
def test_conv_transpose(cls, kwargs, shape, out_shape):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=2,
    )


def test_aliases_are_the_same_classes(oracle):
    for alias, name in [
        ("Convolution1D", "Conv1D"),
        ("Convolution2D", "Conv2D"),
        ("Convolution3D", "Conv3D"),
        ("SeparableConvolution1D", "SeparableConv1D"),
        ("SeparableConvolution2D", "SeparableConv2D"),
        ("Convolution1DTranspose", "Conv1DTranspose"),
        ("Convolution2DTranspose", "Conv2DTranspose"),
        ("Convolution3DTranspose", "Conv3DTranspose"),
    ]:
        assert getattr(layers, alias) is getattr(layers, name)
        assert getattr(oracle.layers, alias) is getattr(oracle.layers, name)
    # The primary name is what gets serialized.
    config = kerasx.saving.serialize_keras_object(layers.Convolution2D(2, 3))
    assert config["class_name"] == "Conv2D"


def _np_conv1d(x, kernel, bias, stride=1):
    """Valid, channels_last 1D cross-correlation."""
    k = kernel.shape[0]
    steps = (x.shape[1] - k) // stride + 1
    out = np.stack(
        [np.einsum("bkc,kcf->bf", x[:, i * stride : i * stride + k], kernel) for i in range(steps)],
        axis=1,
    )
    return out + bias


def test_conv1d_matches_numpy():
    layer = layers.Conv1D(3, 3, strides=2, bias_initializer="ones")
    x = random_input((2, 9, 2))
    y = ops.convert_to_numpy(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(y, _np_conv1d(x, kernel, bias, 2), atol=1e-5)


def test_causal_conv1d_does_not_look_ahead():
    layer = layers.Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = random_input((1, 8, 2))
    y = ops.convert_to_numpy(layer(x))
    x2 = x.copy()
    x2[:, 5:] += 10.0  # change the future from step 5 on
    y2 = ops.convert_to_numpy(layer(x2))
    np.testing.assert_allclose(y[:, :5], y2[:, :5], atol=1e-6)
    assert not np.allclose(y[:, 5:], y2[:, 5:])


def test_depthwise_conv_is_per_channel():
    layer = layers.DepthwiseConv1D(2, use_bias=False)
    x = random_input((1, 5, 3))
    layer(x)
    y = ops.convert_to_numpy(layer(x))
    (kernel,) = layer.get_weights()  # (2, 3, 1)
    for c in range(3):
        ref = _np_conv1d(x[..., c : c + 1], kernel[:, c : c + 1, :], 0.0)
        np.testing.assert_allclose(y[..., c : c + 1], ref, atol=1e-5)


def test_config_round_trip_from_keras_config(oracle):
    klayer = oracle.layers.Conv2DTranspose(
        3, (2, 3), strides=2, padding="same", output_padding=1, activation="relu", name="ct"
    )
    config = klayer.get_config()
    ours = layers.Conv2DTranspose.from_config(config)
    assert ours.kernel_size == (2, 3)
    assert ours.output_padding == (1, 1)
    assert ours.get_config()["activation"] == "relu"


def test_conv_wrong_rank_raises_with_layer_name_and_shape():
    layer = layers.Conv2D(2, 3, name="my_conv")
    with pytest.raises(ValueError, match=r"my_conv.*expected ndim=4.*found ndim=3.*\(2, 5, 5\)"):
        layer(np.zeros((2, 5, 5), "float32"))
    with pytest.raises(ValueError, match=r"my_conv.*ndim=4"):
        layer(kerasx.Input(shape=(5, 5, 2, 1)))


def test_conv_wrong_channels_after_build():
    layer = layers.SeparableConv1D(2, 3, name="sep")
    layer(np.zeros((1, 6, 4), "float32"))
    with pytest.raises(ValueError, match=r"sep.*axis -1.*value 4.*\(1, 6, 5\)"):
        layer(np.zeros((1, 6, 5), "float32"))


def test_conv_input_too_small_raises():
    with pytest.raises(ValueError, match=r"tiny.*zero or negative.*\(1, 2, 2, 1\)"):
        layers.Conv2D(2, 3, name="tiny")(np.zeros((1, 2, 2, 1), "float32"))


def test_bad_arguments():
    with pytest.raises(ValueError, match="filters"):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="groups"):
        layers.Conv2D(3, 3, groups=2)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.Conv1D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="output_padding"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="depth_multiplier"):
        layers.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="groups"):
        layers.Conv1D(4, 3, groups=2)(np.zeros((1, 5, 3), "float32"))


def _assert_same_weights(ours, theirs):
    """Same variable paths, shapes and order as Keras (what .keras files rely on)."""
    assert [(w.path, tuple(w.shape)) for w in ours.weights] == [
        (w.path, tuple(w.shape)) for w in theirs.weights
    ]


def test_keras_saved_cnn_loads_with_identical_predictions(tmp_path, oracle):
    keras = oracle
    x = random_input((3, 10, 10, 3), seed=3)
    inp = keras.Input((10, 10, 3))
    h = keras.layers.Conv2D(4, 3, activation="relu", padding="same")(inp)
    h = keras.layers.MaxPooling2D()(h)
    h = keras.layers.Conv2D(5, 3, strides=2, groups=1)(h)
    h = keras.layers.Flatten()(h)
    out = keras.layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inp, out)
    path = tmp_path / "cnn.keras"
    model.save(path)
    expected = keras.ops.convert_to_numpy(model(x))
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), expected, atol=1e-5)
    _assert_same_weights(loaded, model)
    _assert_same_weights(loaded, model)


def test_keras_saved_separable_transpose_model_loads(tmp_path, oracle):
    keras = oracle
    x = random_input((2, 6, 6, 2), seed=4)
    inp = keras.Input((6, 6, 2))
    h = keras.layers.SeparableConv2D(4, 3, padding="same", depth_multiplier=2)(inp)
    h = keras.layers.DepthwiseConv2D(3, activation="relu")(h)
    h = keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same")(h)
    h = keras.layers.Conv2DTranspose(2, 2, strides=2, output_padding=1)(h)
    out = keras.layers.GlobalAveragePooling2D()(h)
    model = keras.Model(inp, out)
    path = tmp_path / "sep.keras"
    model.save(path)
    expected = keras.ops.convert_to_numpy(model(x))
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), expected, atol=1e-5)
    _assert_same_weights(loaded, model)


def test_keras_saved_conv1d_model_loads(tmp_path, oracle):
    keras = oracle
    x = random_input((2, 12, 3), seed=5)
    inp = keras.Input((12, 3))
    h = keras.layers.Conv1D(4, 3, padding="causal", dilation_rate=2)(inp)
    h = keras.layers.SeparableConv1D(4, 3, padding="same")(h)
    h = keras.layers.DepthwiseConv1D(2, depth_multiplier=2)(h)
    h = keras.layers.Conv1DTranspose(2, 3, strides=2)(h)
    out = keras.layers.GlobalMaxPooling1D()(h)
    model = keras.Model(inp, out)
    path = tmp_path / "c1d.keras"
    model.save(path)
    expected = keras.ops.convert_to_numpy(model(x))
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), expected, atol=1e-5)
    _assert_same_weights(loaded, model)


def test_kerasx_saved_cnn_loads_in_keras(tmp_path, oracle):
    x = random_input((2, 8, 8, 2), seed=6)
    inp = kerasx.Input((8, 8, 2))
    h = layers.Conv2D(3, 3, padding="same", activation="relu")(inp)
    h = layers.SeparableConv2D(4, 3)(h)
    h = layers.Conv2DTranspose(2, 3, strides=2, padding="same")(h)
    out = layers.GlobalAveragePooling2D()(h)
    model = kerasx.Model(inp, out)
    path = tmp_path / "ours.keras"
    model.save(path)
    theirs = oracle.saving.load_model(path)
    np.testing.assert_allclose(
        oracle.ops.convert_to_numpy(theirs(x)), ops.convert_to_numpy(model(x)), atol=1e-5
    )
