"""Regularization layers: identity at inference (vs the Keras 3 oracle), the right
noise statistics in training, configs, and activity penalties."""

import math

import numpy as np
import pytest
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from conftest import requires_training
from kerasx import layers, ops

CASES = [
    (layers.SpatialDropout1D, {"rate": 0.5}, (2, 3, 4)),
    (layers.SpatialDropout2D, {"rate": 0.3, "data_format": "channels_first"}, (2, 3, 4, 2)),
    (layers.SpatialDropout3D, {"rate": 0.2, "seed": 3}, (2, 3, 2, 2, 4)),
    (layers.GaussianNoise, {"stddev": 0.5, "seed": 1}, (4, 3)),
    (layers.GaussianDropout, {"rate": 0.4}, (4, 3)),
    (layers.AlphaDropout, {"rate": 0.3, "noise_shape": (None, 1, 4)}, (2, 3, 4)),
    (layers.ActivityRegularization, {"l1": 0.1, "l2": 0.01}, (4, 3)),
]


@pytest.mark.parametrize("cls,kwargs,shape", CASES)
def test_inference_is_identity_and_matches_keras(cls, kwargs, shape):
    layer = run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=shape,
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )
    x = random_input(shape, seed=1)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)
    if layer._call_sig.has_training:
        np.testing.assert_array_equal(ops.convert_to_numpy(layer(x, training=False)), x)


@pytest.mark.parametrize(
    "cls,kwargs,shape,channel_axis",
    [
        (layers.SpatialDropout1D, {}, (64, 5, 32), 2),
        (layers.SpatialDropout2D, {}, (64, 3, 3, 32), 3),
        (layers.SpatialDropout2D, {"data_format": "channels_first"}, (64, 32, 3, 3), 1),
        (layers.SpatialDropout3D, {}, (32, 2, 2, 2, 32), 4),
    ],
)
def test_spatial_dropout_drops_whole_channels(cls, kwargs, shape, channel_axis):
    rate = 0.4
    layer = cls(rate, seed=5, **kwargs)
    y = ops.convert_to_numpy(layer(np.ones(shape, "float32"), training=True))
    values = np.unique(y)
    assert len(values) == 2 and values[0] == 0.0
    np.testing.assert_allclose(values[1], 1 / (1 - rate), rtol=1e-6)
    spatial = tuple(a for a in range(1, len(shape)) if a != channel_axis)
    per_map = y.min(axis=spatial) == y.max(axis=spatial)
    assert per_map.all(), "a feature map was only partly dropped"
    assert abs((y == 0).mean() - rate) < 0.06


def test_spatial_dropout_config_matches_keras_exactly(oracle):
    for name, kwargs in [
        ("SpatialDropout1D", {"rate": 0.2, "seed": 4}),
        ("SpatialDropout2D", {"rate": 0.2, "data_format": "channels_first"}),
        ("SpatialDropout3D", {"rate": 0.1}),
    ]:
        ours = getattr(layers, name)(name="sd", **kwargs)
        theirs = getattr(oracle.layers, name)(name="sd", **kwargs)
        assert ours.get_config() == theirs.get_config()
        assert (
            getattr(layers, name).from_config(theirs.get_config()).get_config() == ours.get_config()
        )


def test_spatial_dropout_rank_is_checked():
    with pytest.raises(ValueError, match=r"my_sd.*ndim=4"):
        layers.SpatialDropout2D(0.5, name="my_sd")(np.ones((2, 3, 4), "float32"))


def test_gaussian_noise_statistics():
    x = np.full((200, 100), 2.0, "float32")
    y = ops.convert_to_numpy(layers.GaussianNoise(0.3, seed=2)(x, training=True))
    noise = y - x
    assert abs(noise.mean()) < 0.01
    assert abs(noise.std() - 0.3) < 0.01


def test_gaussian_dropout_statistics():
    rate = 0.2
    y = ops.convert_to_numpy(
        layers.GaussianDropout(rate, seed=3)(np.ones((200, 100), "float32"), training=True)
    )
    assert abs(y.mean() - 1.0) < 0.01
    assert abs(y.std() - math.sqrt(rate / (1 - rate))) < 0.01


def test_alpha_dropout_keeps_mean_and_variance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 100)).astype("float32")
    rate = 0.3
    y = ops.convert_to_numpy(layers.AlphaDropout(rate, seed=4)(x, training=True))
    assert abs(y.mean()) < 0.02
    assert abs(y.var() - 1.0) < 0.03
    # Dropped values all land on one point: a * (-alpha * scale) + b.
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    dropped = np.isclose(y, a * alpha_p - a * alpha_p * rate, atol=1e-5)
    assert abs(dropped.mean() - rate) < 0.02
    kept = ~dropped
    np.testing.assert_allclose(y[kept], a * x[kept] - a * alpha_p * rate, atol=1e-5)


def test_alpha_dropout_noise_shape_shares_the_mask():
    layer = layers.AlphaDropout(0.5, noise_shape=(None, 1, 6), seed=1)
    y = ops.convert_to_numpy(layer(np.ones((8, 5, 6), "float32"), training=True))
    assert (y.min(axis=1) == y.max(axis=1)).all()


def test_seeded_layers_are_reproducible_and_advance():
    x = np.ones((4, 50), "float32")
    a = layers.GaussianNoise(0.5, seed=11)
    b = layers.GaussianNoise(0.5, seed=11)
    first = ops.convert_to_numpy(a(x, training=True))
    np.testing.assert_array_equal(first, ops.convert_to_numpy(b(x, training=True)))
    second = ops.convert_to_numpy(a(x, training=True))
    assert not np.allclose(first, second)


def test_zero_rate_layers_are_identity_in_training():
    x = random_input((3, 4))
    for layer in (
        layers.GaussianNoise(0.0),
        layers.GaussianDropout(0.0),
        layers.AlphaDropout(0.0),
        layers.SpatialDropout1D(0.0),
    ):
        xin = x if not isinstance(layer, layers.SpatialDropout1D) else x[None]
        np.testing.assert_array_equal(ops.convert_to_numpy(layer(xin, training=True)), xin)


def test_training_flag_reaches_the_layer_through_a_model():
    inp = kerasx.Input((30,))
    out = layers.GaussianDropout(0.5, seed=1)(inp)
    model = kerasx.Model(inp, out)
    x = np.ones((10, 30), "float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(model(x)), x)
    assert not np.allclose(ops.convert_to_numpy(model(x, training=True)), x)


def test_activity_regularization_adds_penalty():
    x = random_input((4, 3), seed=2)
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    layer(x)
    assert len(layer.losses) == 1
    penalty = 0.1 * np.abs(x).sum() + 0.01 * np.square(x).sum()
    value = float(ops.convert_to_numpy(layer.losses[0]))
    # Keras 3 divides activity penalties by the batch size (4 here).
    assert np.isclose(value, penalty / 4, rtol=1e-5)
    assert "activity_regularizer" not in layer.get_config()
    assert layers.ActivityRegularization.from_config(layer.get_config()).l1 == 0.1


def test_activity_penalty_is_per_sample_like_keras(oracle):
    x = random_input((4, 3), seed=2)
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    layer(x)
    theirs = oracle.layers.ActivityRegularization(l1=0.1, l2=0.01)
    theirs(x)
    np.testing.assert_allclose(
        ops.convert_to_numpy(layer.losses[0]),
        oracle.ops.convert_to_numpy(theirs.losses[0]),
        rtol=1e-5,
    )


@requires_training
def test_noise_layers_train_in_compiled_steps():
    x = random_input((16, 4), seed=3)
    y = random_input((16, 2), seed=4)
    inp = kerasx.Input((4,))
    h = layers.GaussianNoise(0.1, seed=1)(inp)
    h = layers.Dense(6)(h)
    h = layers.AlphaDropout(0.1, seed=2)(h)
    h = layers.ActivityRegularization(l2=0.01)(h)
    h = layers.Reshape((3, 2))(h)
    h = layers.SpatialDropout1D(0.2, seed=3)(h)
    h = layers.Flatten()(h)
    out = layers.Dense(2)(layers.GaussianDropout(0.1, seed=4)(h))
    model = kerasx.Model(inp, out)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    # Inference through the compiled predict path is deterministic.
    p1 = ops.convert_to_numpy(model.predict(x, verbose=0))
    np.testing.assert_allclose(p1, ops.convert_to_numpy(model.predict(x, verbose=0)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="rate"):
        layers.GaussianDropout(1.5)
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(-0.1)
    with pytest.raises(ValueError, match="rate"):
        layers.AlphaDropout(2.0)
    with pytest.raises(TypeError):
        layers.SpatialDropout1D(0.5, trainable=False)
