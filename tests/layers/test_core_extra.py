"""Embedding, EinsumDense, Identity, Masking and Lambda against the Keras 3 oracle;
masks flowing downstream; Keras-saved files; Lambda bytecode and safe mode."""

import numpy as np
import pytest
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from conftest import requires_training
from kerasx import layers, ops
from kerasx.saving import serialization

IDS = np.array([[1, 4, 0, 0], [3, 3, 2, 0], [0, 1, 2, 3]], "int32")


# ------------------------------------------------------------------ Embedding
@pytest.mark.parametrize(
    "kwargs,data",
    [
        ({"input_dim": 5, "output_dim": 3}, IDS),
        ({"input_dim": 5, "output_dim": 2, "mask_zero": True}, IDS),
        (
            {"input_dim": 6, "output_dim": 4, "embeddings_initializer": "ones"},
            IDS[:, :2].astype("int64"),
        ),
    ],
)
def test_embedding(kwargs, data):
    layer = run_layer_test(
        layers.Embedding,
        kwargs,
        input_data=data,
        expected_output_shape=(*data.shape, kwargs["output_dim"]),
        expected_num_trainable_weights=1,
        supports_masking=kwargs.get("mask_zero", False),
    )
    table = layer.embeddings.numpy()
    np.testing.assert_allclose(ops.convert_to_numpy(layer(data)), table[data], atol=0)


def test_embedding_mask_and_float_indices():
    layer = layers.Embedding(5, 2, mask_zero=True)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.compute_mask(IDS)), IDS != 0)
    assert layers.Embedding(5, 2).compute_mask(IDS) is None
    y = ops.convert_to_numpy(layer(IDS.astype("float32")))
    np.testing.assert_array_equal(y, layer.embeddings.numpy()[IDS])


def test_embedding_arguments_like_keras(oracle):
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, weights=table)
    assert layer.built
    np.testing.assert_array_equal(layer.get_weights()[0], table)
    with pytest.warns(UserWarning, match="input_length"):
        layers.Embedding(4, 3, input_length=10)
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim"):
        layers.Embedding(3, True)
    theirs = oracle.layers.Embedding(5, 3, mask_zero=True, name="emb")
    ours = layers.Embedding.from_config(theirs.get_config())
    assert ours.get_config() == theirs.get_config()
    theirs(IDS)
    ours(IDS)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights] == ["emb/embeddings"]


def _pooled_text_model(k, extra=None):
    inp = k.Input((4,), dtype="int32")
    h = k.layers.Embedding(5, 3, mask_zero=True)(inp)
    if extra is not None:
        h = extra(k)(h)
    return k.Model(inp, k.layers.GlobalAveragePooling1D()(h))


@pytest.mark.parametrize(
    "extra",
    [
        None,
        lambda k: k.layers.Identity(),
        lambda k: k.layers.ReLU(),
        lambda k: k.layers.LayerNormalization(),
        lambda k: k.layers.Dropout(0.5),
        lambda k: k.layers.Lambda(lambda x: x * 2.0, mask=lambda inputs, mask: mask),
    ],
)
def test_embedding_mask_reaches_downstream_layers(oracle, extra):
    ours, theirs = _pooled_text_model(kerasx, extra), _pooled_text_model(oracle, extra)
    theirs.set_weights(ours.get_weights())
    y = ops.convert_to_numpy(ours(IDS))
    np.testing.assert_allclose(y, oracle.ops.convert_to_numpy(theirs(IDS)), atol=1e-5)
    # Padding really is left out of the average.
    if extra is None:
        table = ours.layers[1].embeddings.numpy()
        expected = [table[row[row != 0]].mean(0) for row in IDS]
        np.testing.assert_allclose(y, np.stack(expected), atol=1e-6)


# ---------------------------------------------------------------- EinsumDense
EINSUM_CASES = [
    ({"equation": "ab,bc->ac", "output_shape": 3, "bias_axes": "c"}, (2, 4), (2, 3)),
    ({"equation": "abc,cd->abd", "output_shape": (3, 5), "bias_axes": "d"}, (2, 3, 4), (2, 3, 5)),
    (
        {"equation": "abc,cde->abde", "output_shape": (3, 2, 4), "bias_axes": "de"},
        (2, 3, 4),
        (2, 3, 2, 4),
    ),
    (
        {"equation": "abc,cde->abde", "output_shape": (None, 2, 4), "bias_axes": "e"},
        (2, 3, 4),
        (2, 3, 2, 4),
    ),
    (
        {"equation": "...b,bc->...c", "output_shape": 5, "bias_axes": "c", "activation": "relu"},
        (2, 3, 4),
        (2, 3, 5),
    ),
    ({"equation": "abcd,cde->abe", "output_shape": (2, 3)}, (2, 2, 3, 4), (2, 2, 3)),
    ({"equation": "ab...,bc->ac...", "output_shape": 3, "bias_axes": "c"}, (2, 4, 5), (2, 3, 5)),
]


@pytest.mark.parametrize("kwargs,shape,out_shape", EINSUM_CASES)
def test_einsum_dense(kwargs, shape, out_shape):
    run_layer_test(
        layers.EinsumDense,
        kwargs,
        input_shape=shape,
        expected_output_shape=out_shape,
        expected_num_trainable_weights=2 if kwargs.get("bias_axes") else 1,
    )


def test_einsum_dense_shapes_and_paths_match_keras(oracle):
    for kwargs, shape, _ in EINSUM_CASES:
        ours = layers.EinsumDense(name="ed", **kwargs)
        theirs = oracle.layers.EinsumDense(name="ed", **kwargs)
        x = random_input(shape)
        ours(x)
        theirs(x)
        assert [(w.path, tuple(w.shape)) for w in ours.weights] == [
            (w.path, tuple(w.shape)) for w in theirs.weights
        ], kwargs


def test_einsum_dense_kernel_fans_use_einsum_axes():
    layer = layers.EinsumDense(
        "abc,cde->abde", output_shape=(3, 64, 64), kernel_initializer="he_normal"
    )
    layer(np.zeros((1, 3, 256), "float32"))
    # fan_in is the contracted axis (256), not 256*64 as a generic 3-D kernel would give.
    std = layer.kernel.numpy().std()
    assert abs(std - np.sqrt(2.0 / 256)) < 0.01


def test_einsum_dense_bad_equations():
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        layers.EinsumDense("ab->b", output_shape=2)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="Bias dimension 'z'"):
        layers.EinsumDense("ab,bc->ac", output_shape=2, bias_axes="z")(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="did not have a match"):
        layers.EinsumDense("ab,bcz->ac", output_shape=2)(np.zeros((2, 3), "float32"))


# ------------------------------------------------------------ Identity/Masking
def test_identity():
    run_layer_test(layers.Identity, {}, input_shape=(2, 3), expected_output_shape=(2, 3))
    x = {"a": np.ones((2, 3), "float32"), "b": np.zeros((2,), "int32")}
    out = layers.Identity()(x)
    np.testing.assert_array_equal(ops.convert_to_numpy(out["a"]), x["a"])
    sym = layers.Identity()(kerasx.Input((3,), dtype="int32"))
    assert sym.dtype == "int32" and sym.shape == (None, 3)


def test_masking():
    x = random_input((2, 4, 3), seed=1)
    x[0, 1] = 0.0
    x[1, 3] = 0.0
    x[1, 2, 0] = 0.0  # a single zero feature does not mask the step
    layer = run_layer_test(
        layers.Masking, {}, input_data=x, expected_output_shape=(2, 4, 3), supports_masking=True
    )
    expected = np.array([[1, 0, 1, 1], [1, 1, 1, 0]], bool)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.compute_mask(x)), expected)
    y = random_input((2, 4, 3), seed=2)
    y[0, 2] = -1.0
    out = ops.convert_to_numpy(layers.Masking(mask_value=-1.0)(y))
    np.testing.assert_array_equal(out[0, 2], np.zeros(3))
    np.testing.assert_array_equal(out[1], y[1])


def test_masking_mask_reaches_downstream_like_keras(oracle):
    x = random_input((2, 5, 3), seed=3)
    x[0, 3:] = 0.0
    x[1, 1] = 0.0

    def build(k):
        inp = k.Input((5, 3))
        h = k.layers.Masking()(inp)
        h = k.layers.Dense(2)(h)
        h = k.layers.BatchNormalization()(h)
        return k.Model(inp, k.layers.GlobalAveragePooling1D()(h))

    ours, theirs = build(kerasx), build(oracle)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(ours(x)), oracle.ops.convert_to_numpy(theirs(x)), atol=1e-5
    )


# --------------------------------------------------------------------- Lambda
@kerasx.saving.register_keras_serializable(package="test_core_extra")
def double_plus_one(x, offset=1.0):
    return x * 2.0 + offset


def halve(x):
    return x * 0.5


def test_lambda_named_function():
    run_layer_test(
        layers.Lambda,
        {"function": double_plus_one, "arguments": {"offset": 3.0}},
        input_shape=(2, 3),
        expected_output_shape=(2, 3),
        expected_output=random_input((2, 3)) * 2.0 + 3.0,
        supports_masking=False,
    )


def test_lambda_output_shapes_masks_and_training():
    layer = layers.Lambda(lambda x: ops.concatenate([x, x], axis=-1))
    assert layer.compute_output_shape((None, 3)) == (None, 6)
    sym = layer(kerasx.Input((3,)))
    assert sym.shape == (None, 6)
    fixed = layers.Lambda(lambda x: ops.reshape(x, (-1, 3, 2)), output_shape=(3, 2))
    assert fixed.compute_output_shape((None, 6)) == (None, 3, 2)
    fn_shape = layers.Lambda(lambda x: x[:, :2], output_shape=lambda s: (s[0], 2))
    assert fn_shape(kerasx.Input((5,))).shape == (None, 2)
    masked = layers.Lambda(lambda x: x, mask=lambda inputs, mask: ops.not_equal(inputs, 0))
    assert masked.supports_masking
    np.testing.assert_array_equal(
        ops.convert_to_numpy(masked.compute_mask(np.array([[0.0, 1.0]]), None)), [[False, True]]
    )

    def with_training(x, training=None):
        return x + 1.0 if training else x

    layer = layers.Lambda(with_training)
    x = np.zeros((1, 2), "float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x, training=True)), x + 1.0)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)


def test_lambda_config_uses_keras_bytecode_format(oracle):
    fn = lambda x: x * 3.0  # noqa: E731 - a lambda is the point of the test
    ours = layers.Lambda(fn, output_shape=lambda s: s, name="lam").get_config()
    theirs = oracle.layers.Lambda(fn, output_shape=lambda s: s, name="lam").get_config()
    assert ours["function"] == theirs["function"]
    assert ours["function"]["class_name"] == "__lambda__"
    assert set(ours["function"]["config"]) == {"code", "defaults", "closure"}
    assert ours["output_shape"]["class_name"] == "__lambda__"
    assert set(theirs) <= set(ours)
    named = layers.Lambda(halve).get_config()["function"]
    assert named == oracle.layers.Lambda(halve).get_config()["function"]
    assert named["config"] == "halve"


def test_lambda_bytecode_refused_in_safe_mode(monkeypatch):
    scale = 4.0
    config = layers.Lambda(lambda x, k=2.0: x * k * scale).get_config()
    with pytest.raises(ValueError, match=r"safe_mode=False.*enable_unsafe_deserialization"):
        layers.Lambda.from_config(config)
    with pytest.raises(ValueError, match="safe_mode=False"):
        serialization.deserialize_keras_object(
            serialization.serialize_keras_object(layers.Lambda(lambda x: x))
        )
    loaded = layers.Lambda.from_config(config, safe_mode=False)
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), x * 8.0)
    via_api = serialization.deserialize_keras_object(
        serialization.serialize_keras_object(layers.Lambda(lambda x: x - 1.0)), safe_mode=False
    )
    np.testing.assert_allclose(ops.convert_to_numpy(via_api(x)), x - 1.0)
    monkeypatch.setitem(kerasx.config._state, "unsafe_deserialization", False)
    kerasx.config.enable_unsafe_deserialization()
    np.testing.assert_allclose(ops.convert_to_numpy(layers.Lambda.from_config(config)(x)), x * 8.0)


def test_lambda_registered_function_loads_in_safe_mode():
    @kerasx.saving.register_keras_serializable(package="test_core_extra")
    def triple(x):
        return x * 3.0

    config = serialization.serialize_keras_object(layers.Lambda(triple))
    loaded = serialization.deserialize_keras_object(config)
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(loaded(x)), x * 3.0)
    relu_layer = serialization.deserialize_keras_object(
        serialization.serialize_keras_object(layers.Lambda(kerasx.activations.relu))
    )
    np.testing.assert_allclose(ops.convert_to_numpy(relu_layer(-x)), 0 * x)


def _lambda_model():
    inp = kerasx.Input((3,))
    h = layers.Dense(2)(inp)
    out = layers.Lambda(lambda t: t * 2.0 + 1.0)(h)
    return kerasx.Model(inp, out)


def test_kerasx_saved_lambda_model_refused_in_safe_mode(tmp_path):
    model = _lambda_model()
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        kerasx.saving.load_model(path)


def test_kerasx_saved_lambda_model_loads_with_safe_mode_off(tmp_path):
    model = _lambda_model()
    path = tmp_path / "lambda.keras"
    model.save(path)
    x = random_input((2, 3))
    loaded = kerasx.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded(x)), ops.convert_to_numpy(model(x)), atol=1e-6
    )


def test_keras_saved_lambda_model_loads_with_safe_mode_off(tmp_path, oracle):
    keras = oracle
    inp = keras.Input((3,))
    out = keras.layers.Lambda(lambda t: t * 2.0 - 0.5)(keras.layers.Dense(2)(inp))
    model = keras.Model(inp, out)
    path = tmp_path / "keras_lambda.keras"
    model.save(path)
    x = random_input((2, 3))
    with pytest.raises(ValueError, match="safe_mode=False"):
        kerasx.saving.load_model(path)
    loaded = kerasx.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)), atol=1e-5
    )


# ---------------------------------------------------------------- saved files
def _keras_text_model(keras, mask_zero):
    inp = keras.Input((6,), dtype="int32")
    h = keras.layers.Embedding(20, 8, mask_zero=mask_zero)(inp)
    h = keras.layers.BatchNormalization(momentum=0.5)(h)
    h = keras.layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d")(h)
    h = keras.layers.GlobalAveragePooling1D()(h)
    h = keras.layers.BatchNormalization(center=False)(h)
    out = keras.layers.Dense(2)(keras.layers.PReLU()(h))
    model = keras.Model(inp, out)
    ids = np.random.default_rng(0).integers(0, 20, size=(32, 6)).astype("int32")
    ids[:, 4:] = 0
    target = np.random.default_rng(1).normal(size=(32, 2)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    model.fit(ids, target, batch_size=8, epochs=1, verbose=0)  # non-trivial moving stats
    return model, ids


def _check_loaded(model, loaded, ids, keras):
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded(ids)), keras.ops.convert_to_numpy(model(ids)), atol=1e-5
    )
    np.testing.assert_allclose(
        ops.convert_to_numpy(loaded.predict(ids, verbose=0)),
        keras.ops.convert_to_numpy(model.predict(ids, verbose=0)),
        atol=1e-5,
    )
    assert [w.path for w in loaded.weights] == [w.path for w in model.weights]
    bn = next(layer for layer in loaded.layers if isinstance(layer, layers.BatchNormalization))
    assert not np.allclose(bn.moving_mean.numpy(), 0.0)


def test_keras_saved_model_with_batchnorm_and_embedding_loads(tmp_path, oracle):
    model, ids = _keras_text_model(oracle, mask_zero=False)
    path = tmp_path / "bn_emb.keras"
    model.save(path)
    _check_loaded(model, kerasx.saving.load_model(path), ids, oracle)


def test_keras_saved_masked_embedding_model_loads(tmp_path, oracle):
    model, ids = _keras_text_model(oracle, mask_zero=True)
    path = tmp_path / "bn_emb_masked.keras"
    model.save(path)
    _check_loaded(model, kerasx.saving.load_model(path), ids, oracle)


def test_kerasx_saved_model_loads_in_keras(tmp_path, oracle):
    inp = kerasx.Input((4,), dtype="int32")
    h = layers.Embedding(10, 6, mask_zero=True)(inp)
    h = layers.LayerNormalization()(h)
    h = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d")(h)
    h = layers.GlobalAveragePooling1D()(h)
    h = layers.BatchNormalization()(h)
    out = layers.Concatenate()([layers.Dense(2)(h), layers.Softmax()(h)])
    model = kerasx.Model(inp, out)
    ids = np.array([[1, 2, 3, 0], [4, 5, 0, 0]], "int32")
    path = tmp_path / "ours.keras"
    model.save(path)
    theirs = oracle.saving.load_model(path)
    np.testing.assert_allclose(
        oracle.ops.convert_to_numpy(theirs(ids)), ops.convert_to_numpy(model(ids)), atol=1e-5
    )


@requires_training
def test_embedding_model_trains():
    ids = np.random.default_rng(0).integers(0, 10, size=(16, 5)).astype("int32")
    y = np.random.default_rng(1).normal(size=(16, 1)).astype("float32")
    inp = kerasx.Input((5,), dtype="int32")
    h = layers.Embedding(10, 4, mask_zero=True)(inp)
    h = layers.GlobalAveragePooling1D()(h)
    model = kerasx.Model(inp, layers.Dense(1)(h))
    model.compile(optimizer=kerasx.optimizers.SGD(0.1), loss="mse")
    before = model.layers[1].embeddings.numpy().copy()
    history = model.fit(ids, y, batch_size=16, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    after = model.layers[1].embeddings.numpy()
    np.testing.assert_array_equal(after[0], before[0])  # padding row gets no gradient
    assert not np.allclose(after[1:], before[1:])
