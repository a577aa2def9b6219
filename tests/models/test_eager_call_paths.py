"""Eager ``model(x)``: the Functional plan, the compiled path for repeated calls (JAX,
TensorFlow) and the fused PyTorch LSTM give the same numbers as NumPy maths, and every
case the compiled path must not take stays eager."""

from __future__ import annotations

import numpy as np
import pytest

import kerasx as keras
from conftest import BACKEND, requires_training
from kerasx import _backend

COMPILES = bool(_backend.B.compile_eager_calls)
CALLS = 5  # more than WARMUP_CALLS, so the compiled path is taken where it applies


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _mlp_reference(model, x):
    h = x
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            w, b = (v.numpy() for v in layer.weights)
            h = h @ w + b
            if layer.activation is keras.activations.relu:
                h = np.maximum(h, 0)
    return h


def _mlp():
    return keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(3),
        ]
    )


def test_repeated_calls_equal_numpy_and_compile_where_supported():
    model = _mlp()
    x = np.random.rand(4, 6).astype("float32")
    want = _mlp_reference(model, x)
    for _ in range(CALLS):
        np.testing.assert_allclose(_np(model(x)), want, rtol=1e-5, atol=1e-6)
    cc = getattr(model, "_compiled_call", None)
    assert (cc is not None and cc.fn is not None) == COMPILES
    # New weights are seen by the compiled function (it reads the variables each call).
    model.set_weights([w * 0.5 for w in model.get_weights()])
    np.testing.assert_allclose(_np(model(x)), _mlp_reference(model, x), rtol=1e-5, atol=1e-6)
    # Another batch size is another signature: eager first, compiled later, same maths.
    x2 = np.random.rand(7, 6).astype("float32")
    for _ in range(CALLS):
        np.testing.assert_allclose(_np(model(x2)), _mlp_reference(model, x2), rtol=1e-5, atol=1e-6)


@requires_training
def test_training_true_stays_eager_and_applies_dropout():
    model = _mlp()
    x = np.ones((64, 6), "float32")
    inference = _np(model(x))
    outs = [_np(model(x, training=True)) for _ in range(CALLS)]
    assert not np.allclose(outs[0], inference)
    assert not np.allclose(outs[0], outs[1])  # a new dropout mask per call


def test_user_layers_and_lambda_run_their_python_every_call():
    calls = []

    class Count(keras.layers.Layer):
        def call(self, x):
            calls.append(1)
            return x * 2.0

    seen = []

    def note(x):
        seen.append(1)
        return x + 1.0

    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Lambda(note)(Count()(inp)))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    before_calls, before_seen = len(calls), len(seen)
    for _ in range(CALLS):
        np.testing.assert_allclose(_np(model(x)), x * 2 + 1)
    assert len(calls) - before_calls == CALLS
    assert len(seen) - before_seen == CALLS


def test_activity_regularizer_losses_reported_every_call():
    inp = keras.Input((3,))
    out = keras.layers.Dense(
        2, kernel_initializer="ones", activity_regularizer=keras.regularizers.L2(0.1)
    )(inp)
    model = keras.Model(inp, out)
    x = np.ones((2, 3), "float32")
    for _ in range(CALLS):
        model(x)
        assert len(model.losses) == 1
        # Dense output is 3 everywhere: 0.1 * sum(9 * 4 entries) / batch 2.
        np.testing.assert_allclose(_np(model.losses[0]), 0.1 * 36 / 2, rtol=1e-5)


def test_weight_regularizers_do_not_block_compilation():
    """Weight penalties are not call losses: the model compiles where supported and
    ``losses`` still reports the penalty of the current weights."""
    inp = keras.Input((3,))
    dense = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.5))
    model = keras.Model(inp, dense(inp))
    x = np.random.rand(4, 3).astype("float32")
    w, b = (v.numpy() for v in dense.weights)
    for _ in range(CALLS):
        np.testing.assert_allclose(_np(model(x)), x @ w + b, rtol=1e-5, atol=1e-6)
    cc = getattr(model, "_compiled_call", None)
    assert (cc is not None and cc.fn is not None and not cc.disabled) == COMPILES
    assert len(model.losses) == 1
    np.testing.assert_allclose(_np(model.losses[0]), 0.5 * np.sum(w**2), rtol=1e-5)


def test_stateful_rnn_carries_state_across_calls():
    """A stateful LSTM assigns variables on every call: the compiled path must not drop
    those assignments (JAX detects them while tracing and stays eager)."""
    keras.utils.set_random_seed(3)
    inp = keras.Input(batch_shape=(2, 4, 3))
    model = keras.Model(inp, keras.layers.LSTM(5, stateful=True)(inp))
    x = np.random.rand(2, 4, 3).astype("float32")
    outs = [_np(model(x)) for _ in range(CALLS)]
    cell = model.layers[1].cell
    k, rk, b = (v.numpy() for v in (cell.kernel, cell.recurrent_kernel, cell.bias))
    h = np.zeros((2, 5), "float32")
    c = np.zeros((2, 5), "float32")

    def sig(z):
        return 1 / (1 + np.exp(-z))

    for call in range(CALLS):
        for t in range(4):
            z = x[:, t] @ k + h @ rk + b
            i, f, g, o = np.split(z, 4, axis=-1)
            c = sig(f) * c + sig(i) * np.tanh(g)
            h = sig(o) * np.tanh(c)
        np.testing.assert_allclose(outs[call], h, rtol=1e-4, atol=1e-5)


def test_run_eagerly_model_is_never_compiled():
    model = _mlp()
    model.compile(loss="mse", run_eagerly=True)
    x = np.random.rand(2, 6).astype("float32")
    for _ in range(CALLS):
        model(x)
    cc = getattr(model, "_compiled_call", None)
    assert cc is None or cc.fn is None


def test_masks_flow_through_repeated_calls():
    keras.utils.set_random_seed(1)
    inp = keras.Input((5,), dtype="int32")
    emb = keras.layers.Embedding(10, 4, mask_zero=True)(inp)
    pooled = keras.layers.GlobalAveragePooling1D()(emb)
    model = keras.Model(inp, pooled)
    x = np.array([[1, 2, 0, 0, 0], [3, 0, 0, 0, 0]], "int32")
    table = model.layers[1].embeddings.numpy()
    want = np.stack([table[[1, 2]].mean(0), table[[3]].mean(0)])
    for _ in range(CALLS):
        np.testing.assert_allclose(_np(model(x)), want, rtol=1e-5, atol=1e-6)


def test_wrong_input_shape_names_the_layer():
    model = _mlp()
    with pytest.raises(ValueError, match="dense"):
        model(np.ones((2, 5), "float32"))


@requires_training
def test_gradients_through_compiled_calls_match_numpy():
    """model(x) under each framework's gradient API, after the compiled path engaged."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, use_bias=False)])
    x = np.random.rand(3, 4).astype("float32")
    for _ in range(CALLS):
        model(x)
    kernel = model.layers[0].kernel

    def loss_fn(values):
        out, _ = model.stateless_call(values, [], x)
        return keras.ops.sum(out)

    if BACKEND == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(x))
        grad = tape.gradient(loss, kernel.value if False else model.trainable_variables)[0]
    elif BACKEND == "torch":
        loss = model(x).sum()
        loss.backward()
        grad = kernel.value.grad
    else:
        import jax

        grad = jax.grad(lambda v: loss_fn(v))([kernel.value])[0]
    np.testing.assert_allclose(_np(grad), x.sum(0)[:, None], rtol=1e-5)


@requires_training
def test_lstm_equal_numpy_in_training_and_inference():
    """The LSTM layer (fused on PyTorch) equals NumPy maths forwards, backwards in time,
    with sequences and states, and its gradients flow."""
    keras.utils.set_random_seed(5)
    layer = keras.layers.LSTM(4, return_sequences=True, return_state=True, go_backwards=True)
    x = np.random.rand(2, 6, 3).astype("float32")
    seq, h_out, c_out = (_np(t) for t in layer(x))
    k, rk, b = (
        v.numpy() for v in (layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias)
    )
    h = np.zeros((2, 4), "float32")
    c = np.zeros((2, 4), "float32")
    want = []
    for t in reversed(range(6)):
        z = x[:, t] @ k + h @ rk + b
        i, f, g, o = np.split(z, 4, axis=-1)
        c = 1 / (1 + np.exp(-f)) * c + 1 / (1 + np.exp(-i)) * np.tanh(g)
        h = 1 / (1 + np.exp(-o)) * np.tanh(c)
        want.append(h)
    np.testing.assert_allclose(seq, np.stack(want, 1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h_out, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c_out, c, rtol=1e-5, atol=1e-6)
    model = keras.Sequential([keras.Input((6, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    model.fit(x, np.ones((2, 1), "float32"), epochs=1, verbose=0)
    assert all(not np.allclose(a, w) for a, w in zip(before, model.get_weights()))
