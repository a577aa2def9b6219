"""Recurrent layers (cells, RNN, SimpleRNN, LSTM, GRU, ConvLSTM) against the Keras 3
oracle, NumPy, Keras-saved files and a small training task."""

import numpy as np
import pytest
from tests.conftest import requires_training
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from kerasx import layers, ops

# Right padding in row 0, left padding in row 1, a hole in row 2.
MASK = np.array(
    [[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 1, 0]],
    dtype=bool,
)


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    return ops.convert_to_numpy(x)


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in _flat(v)]
    return [x]


def assert_matches_keras(ours, theirs, x, atol=1e-5, **call_kwargs):
    """Build both layers on ``x``, copy our weights into Keras, compare outputs."""
    out = ours(x, **call_kwargs)
    theirs(x, **call_kwargs)
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    theirs.set_weights(ours.get_weights())
    expected = theirs(x, **call_kwargs)
    got, want = _flat(_np(out)), _flat(expected)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, np.asarray(b), atol=atol, rtol=1e-5)
    return out


# ------------------------------------------------------------------ run_layer_test
CONFIGS = [
    {},
    {"return_sequences": True, "go_backwards": True},
    {"return_state": True, "unroll": True},
]


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(c) or "default")
def test_recurrent_layers_match_keras(name, config):
    n_states = {"SimpleRNN": 1, "LSTM": 2, "GRU": 1}[name]
    out = (3, 5, 4) if config.get("return_sequences") else (3, 4)
    expected = [out] + [(3, 4)] * n_states if config.get("return_state") else out
    run_layer_test(
        getattr(layers, name),
        {"units": 4, **config},
        input_shape=(3, 5, 2),
        expected_output_shape=expected,
        expected_num_trainable_weights=3,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )


@pytest.mark.parametrize(
    "name,config",
    [
        ("SimpleRNN", {"activation": "relu", "use_bias": False}),
        ("LSTM", {"unit_forget_bias": False, "recurrent_activation": "hard_sigmoid"}),
        ("GRU", {"reset_after": False, "use_bias": False, "return_sequences": True}),
    ],
)
def test_recurrent_layer_options_match_keras(name, config):
    run_layer_test(getattr(layers, name), {"units": 3, **config}, input_shape=(2, 4, 3))


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_explicit_mask_matches_keras(name, oracle):
    x = random_input((3, 5, 2))
    for config in (
        {"return_sequences": True, "go_backwards": True},
        {"return_state": True, "unroll": True},
    ):
        ours, theirs = getattr(layers, name)(4, **config), getattr(oracle.layers, name)(4, **config)
        assert_matches_keras(ours, theirs, x, mask=MASK)


def test_zero_output_for_mask_and_previous_output_semantics(oracle):
    x = random_input((3, 5, 2))
    for zero in (False, True):
        ours = layers.LSTM(3, return_sequences=True, zero_output_for_mask=zero)
        theirs = oracle.layers.LSTM(3, return_sequences=True, zero_output_for_mask=zero)
        y = _np(assert_matches_keras(ours, theirs, x, mask=MASK))
        # Row 0 is right-padded: steps 3 and 4 repeat step 2's output, or are zeros.
        want = np.zeros_like(y[0, 2]) if zero else y[0, 2]
        np.testing.assert_allclose(y[0, 3], want, atol=1e-6)
        np.testing.assert_allclose(y[0, 4], want, atol=1e-6)


def test_initial_state_matches_keras(oracle):
    x = random_input((3, 5, 2))
    h0, c0 = random_input((3, 4), seed=1), random_input((3, 4), seed=2)
    ours = layers.LSTM(4, return_state=True, go_backwards=True)
    theirs = oracle.layers.LSTM(4, return_state=True, go_backwards=True)
    assert_matches_keras(ours, theirs, x, initial_state=[h0, c0], mask=MASK)
    assert_matches_keras(
        layers.GRU(4, return_sequences=True),
        oracle.layers.GRU(4, return_sequences=True),
        x,
        initial_state=h0,
    )


# ------------------------------------------------------------------ cells and RNN
@pytest.mark.parametrize("name", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_cell_single_step_matches_keras(name, oracle):
    ours = getattr(layers, name)(3)
    theirs = getattr(oracle.layers, name)(3)
    x = random_input((2, 4))
    sizes = ours.state_size if isinstance(ours.state_size, list) else [ours.state_size]
    states = [random_input((2, s), seed=i + 1) for i, s in enumerate(sizes)]
    out, new = ours(x, states)
    theirs(x, states)
    theirs.set_weights(ours.get_weights())
    k_out, k_new = theirs(x, states)
    np.testing.assert_allclose(_np(out), np.asarray(k_out), atol=1e-5)
    for a, b in zip(_flat(_np(new)), _flat(k_new)):
        np.testing.assert_allclose(a, np.asarray(b), atol=1e-5)
    assert ours.get_config().keys() >= theirs.get_config().keys()
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


@pytest.mark.parametrize("cell", ["LSTMCell", "GRUCell", "SimpleRNNCell"])
def test_rnn_with_cell_matches_keras(cell, oracle):
    x = random_input((3, 5, 2))
    ours = layers.RNN(getattr(layers, cell)(4), return_sequences=True, return_state=True)
    theirs = oracle.layers.RNN(
        getattr(oracle.layers, cell)(4), return_sequences=True, return_state=True
    )
    assert_matches_keras(ours, theirs, x, mask=MASK)


def test_rnn_layer_checks():
    run_layer_test(
        layers.RNN,
        {"cell": layers.LSTMCell(4), "go_backwards": True},
        input_shape=(3, 5, 2),
        expected_output_shape=(3, 4),
        oracle=False,
    )


def test_stacked_cells_match_keras(oracle):
    x = random_input((3, 5, 2))
    K = oracle.layers
    ours = layers.RNN(
        [layers.LSTMCell(4), layers.GRUCell(3), layers.SimpleRNNCell(2)], return_sequences=True
    )
    theirs = K.RNN([K.LSTMCell(4), K.GRUCell(3), K.SimpleRNNCell(2)], return_sequences=True)
    assert_matches_keras(ours, theirs, x, mask=MASK)
    assert isinstance(ours.cell, layers.StackedRNNCells)
    ours_s = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_state=True)
    theirs_s = K.RNN([K.LSTMCell(4), K.GRUCell(3)], return_state=True)
    out = assert_matches_keras(ours_s, theirs_s, x)
    assert [tuple(t.shape) for t in _flat(out)] == [(3, 3), (3, 4), (3, 4), (3, 3)]
    config = ours.get_config()
    clone = layers.RNN.from_config(config)
    assert clone.get_config() == config
    assert [c["class_name"] for c in config["cell"]["config"]["cells"]] == [
        "LSTMCell",
        "GRUCell",
        "SimpleRNNCell",
    ]


def _minimal_cell(lib):
    """A user-written cell (the RNN's generic per-step path) in either library."""

    class MinimalCell(lib.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="rk")

        def call(self, inputs, states):
            out = lib.ops.tanh(
                lib.ops.matmul(inputs, self.kernel)
                + lib.ops.matmul(states[0], self.recurrent_kernel)
            )
            return out, [out]

    return MinimalCell(3)


def test_custom_cell_and_initial_state_from_graph_match_keras(oracle):
    x = random_input((3, 5, 2))
    ours = layers.RNN(_minimal_cell(kerasx), return_sequences=True, go_backwards=True)
    theirs = oracle.layers.RNN(_minimal_cell(oracle), return_sequences=True, go_backwards=True)
    assert_matches_keras(ours, theirs, x, mask=MASK)

    def seq2seq(lib):
        enc, dec = lib.Input((5, 2)), lib.Input((4, 3))
        _, h, c = lib.layers.LSTM(3, return_state=True)(enc)
        out = lib.layers.LSTM(3, return_sequences=True)(dec, initial_state=[h, c])
        return lib.Model([enc, dec], out)

    ours_m, theirs_m = seq2seq(kerasx), seq2seq(oracle)
    theirs_m.set_weights(ours_m.get_weights())
    xd = random_input((3, 4, 3), seed=5)
    np.testing.assert_allclose(_np(ours_m([x, xd])), np.asarray(theirs_m([x, xd])), atol=1e-5)


def test_weight_paths_order_and_shapes_match_keras(oracle):
    x = random_input((2, 3, 5))
    for name, kwargs in [
        ("LSTM", {}),
        ("GRU", {}),
        ("GRU", {"reset_after": False}),
        ("SimpleRNN", {}),
    ]:
        ours = getattr(layers, name)(4, name="rec", **kwargs)
        theirs = getattr(oracle.layers, name)(4, name="rec", **kwargs)
        ours(kerasx.KerasTensor(x.shape)), theirs(oracle.KerasTensor(x.shape))
        assert [(w.path, tuple(w.shape)) for w in ours.weights] == [
            (w.path, tuple(w.shape)) for w in theirs.weights
        ]
        assert ours.cell is not None and ours.cell.name == theirs.cell.name


def test_lstm_unit_forget_bias_initialization():
    layer = layers.LSTM(3)
    layer(kerasx.KerasTensor((1, 2, 2)))
    bias = _np(layer.cell.bias)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(3), np.ones(3), np.zeros(6)])


def test_config_from_keras_config(oracle):
    for klayer in (
        oracle.layers.LSTM(5, return_sequences=True, dropout=0.1, seed=3),
        oracle.layers.GRU(2, reset_after=False, go_backwards=True),
        oracle.layers.SimpleRNN(3, activation="relu"),
    ):
        ours = getattr(layers, type(klayer).__name__).from_config(klayer.get_config())
        assert ours.get_config().keys() >= klayer.get_config().keys()
        for key in ("units", "return_sequences", "go_backwards", "dropout", "activation"):
            assert ours.get_config()[key] == klayer.get_config()[key]


def test_bad_input_rank_names_layer():
    layer = layers.LSTM(3, name="my_lstm")
    with pytest.raises(ValueError, match=r"my_lstm.*ndim=3.*ndim=2"):
        layer(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="unroll"):
        layers.GRU(2, unroll=True).call(kerasx.KerasTensor((1, None, 3)))


# ------------------------------------------------------------------ dropout, state
def test_dropout_masks_fixed_across_time_and_off_in_inference():
    units = 6
    layer = layers.SimpleRNN(
        units,
        activation="linear",
        use_bias=False,
        kernel_initializer="identity",
        recurrent_initializer="zeros",
        dropout=0.5,
        return_sequences=True,
        seed=7,
    )
    x = np.ones((16, 5, units), "float32")
    np.testing.assert_allclose(_np(layer(x)), x, atol=1e-6)
    y = _np(layer(x, training=True))
    assert set(np.unique(np.round(y, 4))).issubset({0.0, 2.0})
    for t in range(1, 5):  # the same units are dropped at every step
        np.testing.assert_array_equal(y[:, t], y[:, 0])
    assert 0.2 < (y == 0).mean() < 0.8
    assert layer.cell._dropout_mask is None  # cleared after the sequence
    y2 = _np(layer(x, training=True))
    assert not np.array_equal(y, y2)  # a new mask per call


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_recurrent_dropout_training_is_finite_and_differs(name):
    layer = getattr(layers, name)(
        4, dropout=0.3, recurrent_dropout=0.3, seed=1, return_sequences=True
    )
    x = random_input((4, 6, 3))
    a, b = _np(layer(x)), _np(layer(x, training=True))
    assert np.isfinite(b).all() and not np.allclose(a, b)
    np.testing.assert_allclose(_np(layer(x)), a)  # inference is deterministic


def test_stateful_matches_keras_across_calls(oracle):
    x1, x2 = random_input((2, 4, 3), seed=1), random_input((2, 4, 3), seed=2)
    ours = layers.GRU(3, stateful=True)
    theirs = oracle.layers.GRU(3, stateful=True)
    ours(x1), theirs(x1)
    theirs.set_weights(ours.get_weights())
    ours.reset_state(), theirs.reset_state()
    for x in (x1, x2):
        np.testing.assert_allclose(_np(ours(x)), np.asarray(theirs(x)), atol=1e-5)
    assert len(ours.weights) == 3 and ours.states is not None
    ours.reset_state()
    assert not np.abs(_np(ours.states[0])).any()
    with pytest.raises(ValueError, match="batch size"):
        ours(random_input((3, 4, 3)))


# ------------------------------------------------------------------ masks in models
def _embedding_model(lib, recurrent):
    inp = lib.Input((5,), dtype="int32")
    h = lib.layers.Embedding(10, 4, mask_zero=True)(inp)
    h = recurrent(lib)(h)
    out = lib.layers.Dense(2)(h)
    return lib.Model(inp, out)


TOKENS = np.array([[3, 4, 1, 0, 0], [0, 0, 2, 5, 9], [7, 0, 3, 3, 0]], dtype="int32")


@pytest.mark.parametrize(
    "recurrent",
    [
        lambda lib: lib.layers.LSTM(3, return_sequences=True),
        lambda lib: lib.layers.GRU(3, go_backwards=True),
        lambda lib: lib.layers.SimpleRNN(3),
    ],
    ids=["lstm-seq", "gru-backwards", "simple"],
)
def test_embedding_mask_zero_in_functional_model_matches_keras(recurrent, oracle):
    ours, theirs = _embedding_model(kerasx, recurrent), _embedding_model(oracle, recurrent)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(_np(ours(TOKENS)), np.asarray(theirs(TOKENS)), atol=1e-5)
    # The mask matters: unmasked padding would change the result.
    h = ours.layers[1](TOKENS)
    plain = ours.layers[2](h)
    masked = ours.layers[2](h, mask=TOKENS != 0)
    assert not np.allclose(_np(plain), _np(masked))


def test_keras_saved_embedding_lstm_model_loads_with_identical_predictions(tmp_path, oracle):
    keras = oracle
    inp = keras.Input((5,), dtype="int32")
    h = keras.layers.Embedding(10, 4, mask_zero=True)(inp)
    h = keras.layers.LSTM(6, return_sequences=True)(h)
    h = keras.layers.LSTM(3)(h)
    out = keras.layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inp, out)
    path = tmp_path / "lstm.keras"
    model.save(path)
    expected = np.asarray(model(TOKENS))
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(_np(loaded(TOKENS)), expected, atol=1e-5)
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(a.numpy(), np.asarray(b))
    # ... and back: a kerasx-saved file loads in Keras with the same predictions.
    back = tmp_path / "back.keras"
    loaded.save(back)
    np.testing.assert_allclose(
        np.asarray(keras.saving.load_model(back)(TOKENS)), expected, atol=1e-5
    )


# ------------------------------------------------------------------ ConvLSTM
@pytest.mark.parametrize(
    "name,kwargs,shape",
    [
        ("ConvLSTM1D", {"filters": 2, "kernel_size": 3, "return_sequences": True}, (2, 3, 6, 2)),
        (
            "ConvLSTM2D",
            {"filters": 3, "kernel_size": 2, "strides": 2, "return_state": True},
            (2, 3, 6, 6, 1),
        ),
        ("ConvLSTM3D", {"filters": 2, "kernel_size": 2, "go_backwards": True}, (1, 2, 3, 3, 3, 1)),
    ],
)
def test_conv_lstm_matches_keras(name, kwargs, shape):
    run_layer_test(
        getattr(layers, name),
        kwargs,
        input_shape=shape,
        expected_num_trainable_weights=3,
        supports_masking=True,
    )


def test_conv_lstm_channels_first_mask_and_keras_file(tmp_path, oracle):
    x = random_input((2, 3, 2, 5, 5))
    kwargs = {"filters": 2, "kernel_size": 3, "data_format": "channels_first"}
    ours = layers.ConvLSTM2D(return_sequences=True, **kwargs)
    assert_matches_keras(ours, oracle.layers.ConvLSTM2D(return_sequences=True, **kwargs), x)
    # (Keras' JAX backend cannot mask ConvLSTM; check the semantics directly.)
    y = _np(ours(x))
    y_masked = _np(ours(x, mask=np.array([[1, 1, 0], [1, 1, 1]], bool)))
    np.testing.assert_allclose(y_masked[:, :2], y[:, :2], atol=1e-6)
    np.testing.assert_allclose(y_masked[0, 2], y_masked[0, 1], atol=1e-6)
    np.testing.assert_allclose(y_masked[1], y[1], atol=1e-6)
    inp = oracle.Input((3, 6, 6, 1))
    out = oracle.layers.ConvLSTM2D(2, 3, padding="same")(inp)
    model = oracle.Model(inp, oracle.layers.GlobalAveragePooling2D()(out))
    model.save(tmp_path / "conv_lstm.keras")
    xi = random_input((2, 3, 6, 6, 1))
    loaded = kerasx.saving.load_model(tmp_path / "conv_lstm.keras")
    np.testing.assert_allclose(_np(loaded(xi)), np.asarray(model(xi)), atol=1e-5)


# ------------------------------------------------------------------ training
@requires_training
def test_lstm_learns_to_remember_the_first_step():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 8, 1)).astype("float32")
    y = (x[:, 0, 0] > 0).astype("float32")[:, None]
    kerasx.utils.set_random_seed(0)
    model = kerasx.Sequential(
        [kerasx.Input((8, 1)), layers.LSTM(12), layers.Dense(1, activation="sigmoid")]
    )
    model.compile(
        optimizer=kerasx.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"]
    )
    model.fit(x, y, epochs=12, batch_size=64, verbose=0)
    _, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9, f"accuracy {acc}"


@requires_training
def test_fit_with_dropout_mask_and_bidirectional_runs_compiled():
    rng = np.random.default_rng(1)
    tokens = rng.integers(0, 6, size=(64, 7)).astype("int32")
    y = (tokens[:, 0] > 2).astype("float32")[:, None]
    inp = kerasx.Input((7,), dtype="int32")
    h = layers.Embedding(6, 4, mask_zero=True)(inp)
    h = layers.Bidirectional(
        layers.GRU(4, dropout=0.2, recurrent_dropout=0.2, return_sequences=True)
    )(h)
    h = layers.LSTM(4, dropout=0.1)(h)
    model = kerasx.Model(inp, layers.Dense(1)(h))
    model.compile(optimizer="adam", loss="mse")
    before = [w.numpy().copy() for w in model.trainable_weights]
    history = model.fit(tokens, y, epochs=2, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert any(not np.allclose(a, w.numpy()) for a, w in zip(before, model.trainable_weights))
