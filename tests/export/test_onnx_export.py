"""ONNX export: onnxruntime must reproduce kerasx predictions at any batch size.

onnxruntime is an independent implementation of every operator, so agreement with
``model.predict`` (atol 1e-5) checks both the graph translation and kerasx.  Every
model runs at two batch sizes to prove the batch dimension is dynamic.
"""

from __future__ import annotations

import numpy as np
import pytest

import kerasx as keras
from kerasx import layers as L

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

BATCHES = (2, 5)


def _randomize(model: keras.Model, seed: int = 0) -> None:
    """Non-trivial weights everywhere (biases and BN statistics included)."""
    rng = np.random.default_rng(seed)
    values = []
    for v in model.weights:
        w = rng.normal(0.0, 0.5, size=v.shape).astype(v.dtype)
        if "variance" in v.path:
            w = np.abs(w) + 0.5
        values.append(w)
    model.set_weights(values)


def _session(model: keras.Model, tmp_path, **kwargs) -> ort.InferenceSession:
    path = str(tmp_path / "model.onnx")
    model.export(path, format="onnx", verbose=False, **kwargs)
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"])


def _check(model: keras.Model, sess: ort.InferenceSession, make_inputs) -> None:
    names = [i.name for i in sess.get_inputs()]
    for n in BATCHES:
        xs = make_inputs(n)
        got = sess.run(None, dict(zip(names, xs)))
        want = model.predict(xs if len(xs) > 1 else xs[0], verbose=0, batch_size=n)
        want = want if isinstance(want, list) else [want]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == (n, *np.asarray(w).shape[1:])
            np.testing.assert_allclose(g, np.asarray(w), atol=1e-5, rtol=1e-5)


def _floats(*shape):
    return lambda n: [np.random.uniform(-2, 2, size=(n, *shape)).astype("float32")]


def test_mlp_with_activations(tmp_path):
    inp = keras.Input((6,), name="features")
    x = L.Rescaling(0.5, offset=0.25)(inp)
    x = L.PReLU()(L.Dense(8)(x))
    parts = [
        L.Dense(4, activation=act)(x)
        for act in ("tanh", "sigmoid", "gelu", "elu", "selu", "softplus", "swish", "linear")
    ]
    x = L.Concatenate()(parts)
    x = L.Dropout(0.5)(x)
    x = L.GaussianNoise(0.3)(x)
    x = L.LayerNormalization()(x)
    x = L.ReLU(max_value=1.5, negative_slope=0.1)(x)
    x = L.LeakyReLU(negative_slope=0.2)(L.Dense(6)(x))
    x = L.ELU(alpha=0.7)(x)
    x = L.Activation("hard_sigmoid")(x)
    x = L.Dense(3)(x)
    out = L.Softmax()(x)
    model = keras.Model(inp, out)
    _randomize(model)
    _check(model, _session(model, tmp_path), _floats(6))


def test_tiny_dense_matches_numpy(tmp_path):
    """Independent of kerasx: the exported Dense equals the NumPy formula."""
    model = keras.Sequential([keras.Input((6,)), L.Dense(3, activation="tanh")])
    _randomize(model, seed=3)
    kernel, bias = model.get_weights()
    sess = _session(model, tmp_path)
    x = np.random.uniform(-1, 1, size=(5, 6)).astype("float32")
    (got,) = sess.run(None, {sess.get_inputs()[0].name: x})
    np.testing.assert_allclose(got, np.tanh(x @ kernel + bias), atol=1e-5)


def test_cnn_2d(tmp_path):
    inp = keras.Input((8, 8, 3))
    x = L.Conv2D(4, 3, padding="same", strides=2, activation="relu")(inp)
    x = L.BatchNormalization()(x)
    x = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2)(x)
    x = L.ZeroPadding2D(((1, 0), (0, 1)))(x)
    x = L.SeparableConv2D(3, 2, padding="same", activation="relu")(x)
    x = L.Cropping2D(((1, 0), (0, 0)))(L.ZeroPadding2D(((1, 0), (0, 0)))(x))
    x = L.Conv2D(4, 2, dilation_rate=2, padding="same")(x)
    x = L.MaxPooling2D(2, padding="same")(x)
    x = L.UpSampling2D(2)(x)
    x = L.AveragePooling2D(3, strides=2, padding="same")(x)
    pooled = L.Concatenate()([L.GlobalAveragePooling2D()(x), L.GlobalMaxPooling2D()(x)])
    flat = L.Flatten()(L.Permute((2, 1, 3))(x))
    y = L.Reshape((2, -1))(flat)
    y = L.Flatten()(y)
    out = L.Dense(3, activation="softmax")(L.Concatenate()([pooled, y]))
    model = keras.Model(inp, out)
    _randomize(model, seed=1)
    _check(model, _session(model, tmp_path), _floats(8, 8, 3))


def test_cnn_1d(tmp_path):
    inp = keras.Input((10, 2))
    x = L.Conv1D(3, 3, padding="causal", dilation_rate=2, activation="tanh")(inp)
    x = L.Cropping1D((1, 1))(x)
    x = L.Conv1D(4, 2, strides=2, padding="valid")(x)
    x = L.AveragePooling1D(2, padding="same")(x)
    x = L.MaxPooling1D(2, strides=1)(x)
    out = L.GlobalMaxPooling1D()(x)
    model = keras.Model(inp, out)
    _randomize(model, seed=2)
    _check(model, _session(model, tmp_path), _floats(10, 2))


def test_multi_input_merges_embedding_and_nested(tmp_path):
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    tokens = keras.Input((3,), dtype="int32", name="tokens")
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, L.Dense(4, activation="sigmoid")(inner_in), name="inner")
    seq = keras.Sequential([keras.Input((4,)), L.Dense(4), L.BatchNormalization()], name="seq")
    ea, eb = inner(a), seq(b)
    merged = [
        L.Add()([ea, eb]),
        L.Subtract()([ea, eb]),
        L.Multiply()([ea, eb, a]),
        L.Average()([ea, eb]),
        L.Maximum()([ea, eb]),
        L.Minimum()([ea, eb]),
    ]
    emb = L.Flatten()(L.Embedding(7, 2)(tokens))
    out1 = L.Dense(2)(L.Concatenate()([*merged, emb]))
    out2 = L.Dense(1)(ea)
    model = keras.Model([a, b, tokens], [out1, out2])
    _randomize(model, seed=4)

    def inputs(n):
        return [
            np.random.uniform(-1, 1, size=(n, 4)).astype("float32"),
            np.random.uniform(-1, 1, size=(n, 4)).astype("float32"),
            np.random.randint(0, 7, size=(n, 3)).astype("int32"),
        ]

    sess = _session(model, tmp_path)
    assert [i.name for i in sess.get_inputs()] == ["a", "b", "tokens"]
    _check(model, sess, inputs)


def test_batch_axis_is_symbolic(tmp_path):
    model = keras.Sequential([keras.Input((6,)), L.Dense(2)])
    path = str(tmp_path / "m.onnx")
    keras.export.export_model(model, path, format="onnx", verbose=False)
    proto = onnx.load(path)
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and dims[1].dim_value == 6
    assert proto.opset_import[0].version >= 17


def test_unsupported_layer_names_class_and_supported_list(tmp_path):
    inp = keras.Input((4, 4, 2))
    model = keras.Model(inp, L.Conv2DTranspose(2, 2)(inp))
    with pytest.raises(ValueError, match="Conv2DTranspose") as err:
        model.export(str(tmp_path / "m.onnx"), format="onnx", verbose=False)
    assert "Dense" in str(err.value) and "Conv2D" in str(err.value)


def test_mask_zero_embedding_refused(tmp_path):
    inp = keras.Input((3,), dtype="int32")
    model = keras.Model(inp, L.Embedding(5, 2, mask_zero=True)(inp))
    with pytest.raises(ValueError, match="mask_zero"):
        model.export(str(tmp_path / "m.onnx"), format="onnx", verbose=False)


def test_subclassed_model_refused(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = L.Dense(2)

        def call(self, x):
            return self.d(x)

    net = Net()
    net(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="subclassed"):
        net.export(str(tmp_path / "m.onnx"), format="onnx", verbose=False)


def test_unknown_format_refused(tmp_path):
    model = keras.Sequential([keras.Input((6,)), L.Dense(2)])
    with pytest.raises(ValueError, match="format"):
        model.export(str(tmp_path / "m"), format="caffe")
