"""Normalization layers against the Keras 3 oracle and NumPy; BatchNormalization's
training behaviour (moving statistics, frozen layers, masks, compiled steps)."""

import numpy as np
import pytest
from tests.layer_test_utils import copy_weights_to_keras, random_input, run_layer_test

import kerasx
from conftest import requires_training
from kerasx import layers, ops

CASES = [
    # (class, kwargs, input shape, call kwargs, trainable, non-trainable)
    (layers.BatchNormalization, {}, (4, 3), {}, 2, 2),
    (layers.BatchNormalization, {}, (4, 3), {"training": True}, 2, 2),
    (
        layers.BatchNormalization,
        {"axis": 1, "momentum": 0.8},
        (3, 2, 4, 4),
        {"training": True},
        2,
        2,
    ),
    (
        layers.BatchNormalization,
        {"center": False, "scale": False},
        (4, 5, 3),
        {"training": True},
        0,
        2,
    ),
    (layers.BatchNormalization, {"scale": False, "epsilon": 0.1}, (4, 3), {}, 1, 2),
    (
        layers.BatchNormalization,
        {"renorm": True, "renorm_clipping": {"rmax": 2.0, "rmin": 0.5, "dmax": 1.0}},
        (6, 3),
        {"training": True},
        2,
        5,
    ),
    (layers.LayerNormalization, {}, (3, 5), {}, 2, 0),
    (layers.LayerNormalization, {"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4, 2), {}, 2, 0),
    (layers.LayerNormalization, {"axis": (-2, -1), "center": False}, (2, 3, 4), {}, 1, 0),
    (layers.LayerNormalization, {"axis": 1, "scale": False}, (2, 3, 4), {}, 1, 0),
    (layers.GroupNormalization, {"groups": 2}, (2, 5, 4), {}, 2, 0),
    (layers.GroupNormalization, {"groups": -1}, (2, 3, 3, 3), {}, 2, 0),
    (layers.GroupNormalization, {"groups": 1, "axis": 1, "center": False}, (2, 4, 3, 3), {}, 1, 0),
    (layers.GroupNormalization, {"groups": 3, "axis": 1}, (2, 6, 5), {}, 2, 0),
    (layers.UnitNormalization, {}, (3, 4), {}, 0, 0),
    (layers.UnitNormalization, {"axis": [1, 2]}, (2, 3, 4), {}, 0, 0),
    (layers.RMSNormalization, {}, (3, 5), {}, 1, 0),
    (layers.RMSNormalization, {"axis": [1, 2], "epsilon": 1e-3}, (2, 3, 4), {}, 1, 0),
]


@pytest.mark.parametrize("cls,kwargs,shape,call_kwargs,n_train,n_non_train", CASES)
def test_normalization_layers(cls, kwargs, shape, call_kwargs, n_train, n_non_train):
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        call_kwargs=call_kwargs,
        expected_output_shape=shape,
        expected_num_trainable_weights=n_train,
        expected_num_non_trainable_weights=n_non_train,
        supports_masking=cls is not layers.RMSNormalization,
    )


@pytest.mark.parametrize(
    "cls,kwargs,shape",
    [
        (layers.BatchNormalization, {"renorm": True}, (2, 3)),
        (layers.LayerNormalization, {"axis": [1, 2]}, (2, 3, 4)),
        (layers.GroupNormalization, {"groups": 2}, (2, 4)),
        (layers.RMSNormalization, {}, (2, 4)),
    ],
)
def test_weight_paths_and_shapes_match_keras(oracle, cls, kwargs, shape):
    ours = cls(name="norm", **kwargs)
    theirs = getattr(oracle.layers, cls.__name__)(name="norm", **kwargs)
    x = random_input(shape)
    ours(x)
    theirs(x)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert [w.trainable for w in ours.weights] == [w.trainable for w in theirs.weights]


def _pair(oracle, kwargs, x, mask=None):
    """A kerasx and a Keras BatchNormalization with identical (non-trivial) weights."""
    ours = layers.BatchNormalization(**kwargs)
    theirs = oracle.layers.BatchNormalization(**kwargs)
    ours(x)
    theirs(x)
    rng = np.random.default_rng(7)
    ours.set_weights([rng.uniform(0.5, 1.5, w.shape).astype("float32") for w in ours.weights])
    copy_weights_to_keras(ours, theirs)
    return ours, theirs


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"axis": 1, "momentum": 0.5}, {"renorm": True, "renorm_clipping": {"rmax": 1.2}}],
)
def test_batchnorm_training_call_updates_moving_stats_like_keras(oracle, kwargs):
    x = random_input((8, 3, 4), seed=1, low=-2, high=3)
    ours, theirs = _pair(oracle, kwargs, x)
    for step in range(2):
        xs = x * (step + 1)
        y = ops.convert_to_numpy(ours(xs, training=True))
        ky = oracle.ops.convert_to_numpy(theirs(xs, training=True))
        np.testing.assert_allclose(y, ky, atol=1e-5, rtol=1e-5)
        for a, b in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-5)
    # ...and inference afterwards uses the updated moving statistics.
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours(x)), oracle.ops.convert_to_numpy(theirs(x)), atol=1e-5
    )


def test_batchnorm_masked_training_matches_keras(oracle):
    x = random_input((3, 5, 2), seed=2)
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 0, 0, 0], [1, 1, 1, 1, 1]], bool)
    ours, theirs = _pair(oracle, {"momentum": 0.5}, x)
    y = ops.convert_to_numpy(ours(x, training=True, mask=mask))
    ky = oracle.ops.convert_to_numpy(theirs(x, training=True, mask=mask))
    np.testing.assert_allclose(y, ky, atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    # The statistics really ignore masked steps: equal to those of the kept rows.
    kept = x[mask]
    fresh = layers.BatchNormalization(momentum=0.0)
    fresh(x, training=True, mask=mask)
    np.testing.assert_allclose(fresh.moving_mean.numpy(), kept.mean(0), atol=1e-5)
    np.testing.assert_allclose(fresh.moving_variance.numpy(), kept.var(0), atol=1e-5)


def test_batchnorm_mask_of_wrong_rank_raises():
    layer = layers.BatchNormalization()
    with pytest.raises(ValueError, match="one dimension less"):
        layer(np.ones((2, 3, 4), "float32"), training=True, mask=np.ones((2, 3, 4), bool))


def test_batchnorm_inference_uses_moving_stats_numpy():
    layer = layers.BatchNormalization(epsilon=1e-3)
    x = random_input((5, 3), seed=3)
    layer(x)
    g, b, m, v = (
        np.array([1.5, 0.5, 2.0]),
        np.array([0.1, -0.2, 0.3]),
        x.mean(0) + 0.1,
        x.var(0) + 0.2,
    )
    layer.set_weights([w.astype("float32") for w in (g, b, m, v)])
    expected = (x - m) / np.sqrt(v + 1e-3) * g + b
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), expected, atol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x, training=False)), expected, atol=1e-5)


def test_batchnorm_frozen_layer_runs_in_inference_mode(oracle):
    x = random_input((6, 4), seed=4, low=0, high=5)
    ours, theirs = _pair(oracle, {}, x)
    ours.trainable = False
    theirs.trainable = False
    before = [w.copy() for w in ours.get_weights()]
    y = ops.convert_to_numpy(ours(x, training=True))
    np.testing.assert_allclose(y, ops.convert_to_numpy(ours(x, training=False)), atol=1e-6)
    np.testing.assert_allclose(y, oracle.ops.convert_to_numpy(theirs(x, training=True)), atol=1e-5)
    for a, b in zip(before, ours.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert ours.trainable_weights == []
    assert len(ours.non_trainable_weights) == 4


def test_batchnorm_stateless_call_returns_updated_statistics():
    x = random_input((8, 3), seed=5, low=1, high=4)
    layer = layers.BatchNormalization(momentum=0.5)
    layer(x)
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]
    out, new_nt = layer.stateless_call(trainable, non_trainable, x, training=True)
    # The layer's own variables are untouched; the update comes back as values.
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3, "float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(new_nt[0]), 0.5 * x.mean(0), atol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(new_nt[1]), 0.5 + 0.5 * x.var(0), atol=1e-5)
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(ops.convert_to_numpy(out), expected, atol=1e-4)
    _, same_nt = layer.stateless_call(trainable, non_trainable, x, training=False)
    np.testing.assert_array_equal(ops.convert_to_numpy(same_nt[0]), np.zeros(3, "float32"))


@requires_training
def test_batchnorm_moving_stats_after_fit_match_keras(oracle):
    x = random_input((16, 4), seed=6, low=-1, high=3)
    y = random_input((16, 2), seed=7)

    def build(k):
        inp = k.Input((4,))
        h = k.layers.BatchNormalization(momentum=0.7)(inp)
        out = k.layers.Dense(2, kernel_initializer="ones")(h)
        return k.Model(inp, out)

    ours, theirs = build(kerasx), build(oracle)
    theirs.set_weights(ours.get_weights())
    ours.compile(optimizer=kerasx.optimizers.SGD(0.1), loss="mse")
    theirs.compile(optimizer=oracle.optimizers.SGD(0.1), loss="mse")
    ours.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    theirs.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5, rtol=1e-5)
    assert not np.allclose(ours.layers[1].moving_mean.numpy(), 0.0)
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours.predict(x, verbose=0)),
        oracle.ops.convert_to_numpy(theirs.predict(x, verbose=0)),
        atol=1e-5,
    )


def test_batchnorm_passes_mask_through_functional_model(oracle):
    ids = np.array([[3, 1, 0, 0], [2, 2, 2, 0]], "int32")

    def build(k):
        inp = k.Input((4,), dtype="int32")
        h = k.layers.Embedding(5, 3, mask_zero=True, embeddings_initializer="ones")(inp)
        h = k.layers.BatchNormalization()(h)
        out = k.layers.GlobalAveragePooling1D()(h)
        return k.Model(inp, out)

    ours, theirs = build(kerasx), build(oracle)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours(ids)), oracle.ops.convert_to_numpy(theirs(ids)), atol=1e-5
    )


def test_layer_normalization_matches_numpy():
    x = random_input((2, 3, 4), seed=8)
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=1e-3)
    layer(x)
    rng = np.random.default_rng(0)
    gamma, beta = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    layer.set_weights([gamma.astype("float32"), beta.astype("float32")])
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma + beta
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), expected, atol=1e-5)


def test_layer_normalization_rms_scaling_config_loads(oracle):
    with pytest.warns(UserWarning, match="deprecated"):
        theirs = oracle.layers.LayerNormalization(rms_scaling=True)
    x = random_input((2, 5), seed=9)
    theirs(x)
    with pytest.warns(UserWarning, match="deprecated"):
        ours = layers.LayerNormalization.from_config(theirs.get_config())
    ours(x)
    assert len(ours.weights) == 1
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours(x)), oracle.ops.convert_to_numpy(theirs(x)), atol=1e-5
    )


def test_group_normalization_instance_mode_matches_numpy():
    x = random_input((2, 3, 4), seed=10)
    layer = layers.GroupNormalization(groups=-1, epsilon=1e-3)
    y = ops.convert_to_numpy(layer(x))
    assert layer.get_config()["groups"] == 4
    mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), atol=1e-5)


def test_unit_normalization_gives_unit_norms():
    x = random_input((3, 5), seed=11)
    y = ops.convert_to_numpy(layers.UnitNormalization()(x))
    np.testing.assert_allclose(np.linalg.norm(y, axis=-1), np.ones(3), atol=1e-5)


def test_rms_normalization_matches_numpy():
    x = random_input((3, 5), seed=12)
    y = ops.convert_to_numpy(layers.RMSNormalization(epsilon=1e-6)(x))
    np.testing.assert_allclose(y, x / np.sqrt((x**2).mean(-1, keepdims=True) + 1e-6), atol=1e-5)


def test_normalization_configs_from_keras_load(oracle):
    for name, kwargs in [
        ("BatchNormalization", {"axis": 1, "renorm": True, "renorm_clipping": {"dmax": 2.0}}),
        ("LayerNormalization", {"axis": [1, 2], "center": False}),
        ("GroupNormalization", {"groups": 4, "epsilon": 1e-4}),
        ("UnitNormalization", {"axis": [1]}),
        ("RMSNormalization", {"epsilon": 1e-4}),
    ]:
        config = getattr(oracle.layers, name)(**kwargs).get_config()
        ours = getattr(layers, name).from_config(config)
        assert ours.get_config() == config


def test_bad_inputs_and_arguments():
    layer = layers.BatchNormalization(name="my_bn")
    layer(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"my_bn.*\(2, 4\)"):
        layer(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=3)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="multiple"):
        layers.GroupNormalization(groups=3)(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="cannot be more"):
        layers.GroupNormalization(groups=8)(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="renorm_clipping"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"bad": 1.0})
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="x")
    if kerasx.config.backend() != "tensorflow":
        with pytest.raises(ValueError, match="synchronized"):
            layers.BatchNormalization(synchronized=True)


@requires_training
def test_normalization_layers_train_in_compiled_steps(oracle):
    x = random_input((16, 4, 6), seed=13)
    y = random_input((16, 2), seed=14)

    def build(k):
        inp = k.Input((4, 6))
        h = k.layers.LayerNormalization(axis=[1, 2])(inp)
        h = k.layers.GroupNormalization(groups=3)(h)
        h = k.layers.RMSNormalization()(h)
        h = k.layers.UnitNormalization()(h)
        h = k.layers.BatchNormalization(axis=1, renorm=True)(h)
        h = k.layers.Flatten()(h)
        return k.Model(inp, k.layers.Dense(2)(h))

    ours, theirs = build(kerasx), build(oracle)
    theirs.set_weights(ours.get_weights())
    ours.compile(optimizer=kerasx.optimizers.SGD(0.05), loss="mse")
    theirs.compile(optimizer=oracle.optimizers.SGD(0.05), loss="mse")
    ours.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    theirs.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize(
    "cls,kwargs",
    [
        (layers.BatchNormalization, {}),
        (layers.LayerNormalization, {}),
        (layers.GroupNormalization, {"groups": 3}),
        (layers.RMSNormalization, {}),
    ],
)
def test_mixed_precision_matches_keras(oracle, cls, kwargs):
    x = random_input((4, 3, 6), seed=15, low=-3, high=3)
    ours = cls(dtype="mixed_float16", **kwargs)
    theirs = getattr(oracle.layers, cls.__name__)(dtype="mixed_float16", **kwargs)
    ours(x)
    theirs(x)
    copy_weights_to_keras(ours, theirs)
    y = ops.convert_to_numpy(ours(x, training=True) if ours._call_sig.has_training else ours(x))
    ky = oracle.ops.convert_to_numpy(theirs(x, training=True))
    assert y.dtype == ky.dtype == np.float16
    assert [str(w.dtype) for w in ours.weights] == [str(w.dtype) for w in theirs.weights]
    np.testing.assert_allclose(y.astype("float32"), ky.astype("float32"), atol=2e-3)
