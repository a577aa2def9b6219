"""Bidirectional and TimeDistributed against the Keras 3 oracle and Keras-saved files."""

import numpy as np
import pytest
from tests.layer_test_utils import random_input, run_layer_test

import kerasx
from kerasx import layers, ops

MASK = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1], [1, 0, 1, 1, 0]], dtype=bool)
TOKENS = np.array([[3, 4, 1, 0, 0], [0, 0, 2, 5, 9], [7, 0, 3, 3, 0]], dtype="int32")


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    return ops.convert_to_numpy(x)


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [leaf for v in x for leaf in _flat(v)]
    return [x]


def assert_matches_keras(ours, theirs, x, **call_kwargs):
    out = ours(x, **call_kwargs)
    theirs(x, **call_kwargs)
    theirs.set_weights(ours.get_weights())
    got, want = _flat(_np(out)), _flat(theirs(x, **call_kwargs))
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, np.asarray(b), atol=1e-5, rtol=1e-5)
    return out


# ------------------------------------------------------------------ Bidirectional
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes_match_keras(merge_mode, oracle):
    x = random_input((3, 5, 2))
    ours = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=merge_mode)
    theirs = oracle.layers.Bidirectional(
        oracle.layers.LSTM(3, return_sequences=True), merge_mode=merge_mode
    )
    out = assert_matches_keras(ours, theirs, x, mask=MASK)
    width = 6 if merge_mode == "concat" else 3
    shapes = [tuple(t.shape) for t in _flat(out)]
    assert shapes == ([(3, 5, 3)] * 2 if merge_mode is None else [(3, 5, width)])


@pytest.mark.parametrize(
    "inner",
    [
        lambda L: L.GRU(3),
        lambda L: L.SimpleRNN(2, return_state=True),
        lambda L: L.LSTM(2, return_state=True, return_sequences=True),
    ],
    ids=["gru-last", "simple-state", "lstm-seq-state"],
)
def test_bidirectional_variants_match_keras(inner, oracle):
    x = random_input((3, 5, 2))
    ours, theirs = (
        layers.Bidirectional(inner(layers)),
        oracle.layers.Bidirectional(inner(oracle.layers)),
    )
    assert_matches_keras(ours, theirs, x, mask=MASK)


def test_bidirectional_layer_checks_and_attributes(oracle):
    layer = run_layer_test(
        layers.Bidirectional,
        {"layer": layers.GRU(3, return_sequences=True), "merge_mode": "sum"},
        input_shape=(2, 4, 3),
        expected_output_shape=(2, 4, 3),
        expected_num_trainable_weights=6,
        supports_masking=True,
        oracle=False,
    )
    assert layer.forward_layer.name.startswith("forward_")
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    ours = layers.Bidirectional(layers.LSTM(3, name="rec"), name="bi")
    theirs = oracle.layers.Bidirectional(oracle.layers.LSTM(3, name="rec"), name="bi")
    ours(kerasx.KerasTensor((2, 4, 3))), theirs(oracle.KerasTensor((2, 4, 3)))
    assert [(w.path, tuple(w.shape)) for w in ours.weights] == [
        (w.path, tuple(w.shape)) for w in theirs.weights
    ]
    kconf, conf = theirs.get_config(), ours.get_config()
    assert set(kconf) <= set(conf)
    assert conf["layer"]["config"]["name"] == kconf["layer"]["config"]["name"] == "forward_rec"
    assert conf["backward_layer"]["config"]["go_backwards"] is True
    clone = layers.Bidirectional.from_config(conf)
    assert clone.get_config() == conf
    from_keras = layers.Bidirectional.from_config(kconf)
    assert from_keras.merge_mode == "concat" and from_keras.backward_layer.name == "backward_rec"


def test_bidirectional_custom_backward_layer_and_errors(oracle):
    x = random_input((2, 4, 3))
    ours = layers.Bidirectional(
        layers.LSTM(2, return_sequences=True),
        backward_layer=layers.GRU(3, return_sequences=True, go_backwards=True),
    )
    theirs = oracle.layers.Bidirectional(
        oracle.layers.LSTM(2, return_sequences=True),
        backward_layer=oracle.layers.GRU(3, return_sequences=True, go_backwards=True),
    )
    out = assert_matches_keras(ours, theirs, x)
    assert tuple(out.shape) == (2, 4, 5)
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="return_sequences"):
        layers.Bidirectional(
            layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True, return_sequences=True)
        )
    with pytest.raises(ValueError, match="merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="Layer"):
        layers.Bidirectional("lstm")


def test_bidirectional_initial_weights_argument():
    src = layers.Bidirectional(layers.SimpleRNN(2))
    x = random_input((1, 3, 2))
    y = _np(src(x))
    copy = layers.Bidirectional(layers.SimpleRNN(2), weights=src.get_weights())
    np.testing.assert_allclose(_np(copy(x)), y, atol=1e-6)


def _bidirectional_model(lib):
    inp = lib.Input((5,), dtype="int32")
    h = lib.layers.Embedding(10, 4, mask_zero=True)(inp)
    h = lib.layers.Bidirectional(lib.layers.GRU(3, return_sequences=True))(h)
    h = lib.layers.Bidirectional(lib.layers.LSTM(2), merge_mode="ave")(h)
    return lib.Model(inp, lib.layers.Dense(2)(h))


def test_bidirectional_with_embedding_mask_in_functional_model(oracle):
    ours, theirs = _bidirectional_model(kerasx), _bidirectional_model(oracle)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(_np(ours(TOKENS)), np.asarray(theirs(TOKENS)), atol=1e-5)


def test_keras_saved_bidirectional_gru_model_loads_with_identical_predictions(tmp_path, oracle):
    keras = oracle
    inp = keras.Input((5,), dtype="int32")
    h = keras.layers.Embedding(10, 4, mask_zero=True)(inp)
    h = keras.layers.Bidirectional(keras.layers.GRU(3))(h)
    model = keras.Model(inp, keras.layers.Dense(2)(h))
    path = tmp_path / "bigru.keras"
    model.save(path)
    expected = np.asarray(model(TOKENS))
    loaded = kerasx.saving.load_model(path)
    np.testing.assert_allclose(_np(loaded(TOKENS)), expected, atol=1e-5)
    bi = loaded.layers[2]
    assert isinstance(bi, layers.Bidirectional) and isinstance(
        bi.forward_layer.cell, layers.GRUCell
    )
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(a.numpy(), np.asarray(b))
    back = tmp_path / "back.keras"
    loaded.save(back)
    np.testing.assert_allclose(
        np.asarray(keras.saving.load_model(back)(TOKENS)), expected, atol=1e-5
    )


# ------------------------------------------------------------------ TimeDistributed
def test_time_distributed_dense_matches_keras(oracle):
    x = random_input((2, 4, 3))
    ours = layers.TimeDistributed(layers.Dense(5, activation="relu"))
    theirs = oracle.layers.TimeDistributed(oracle.layers.Dense(5, activation="relu"))
    assert_matches_keras(ours, theirs, x)
    assert isinstance(ours.layer, layers.Dense)
    layer = run_layer_test(
        layers.TimeDistributed,
        {"layer": layers.Dense(2)},
        input_shape=(2, 4, 3),
        expected_output_shape=(2, 4, 2),
        expected_num_trainable_weights=2,
        supports_masking=True,
        oracle=False,
    )
    kconf = oracle.layers.TimeDistributed(oracle.layers.Dense(2)).get_config()
    assert set(kconf) <= set(layer.get_config())


def test_time_distributed_conv_and_weight_paths(oracle):
    x = random_input((2, 3, 6, 6, 1))
    ours = layers.TimeDistributed(layers.Conv2D(2, 3, name="conv"), name="td")
    theirs = oracle.layers.TimeDistributed(oracle.layers.Conv2D(2, 3, name="conv"), name="td")
    out = assert_matches_keras(ours, theirs, x)
    assert tuple(out.shape) == (2, 3, 4, 4, 2)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    sym = ours(kerasx.KerasTensor((None, 3, 6, 6, 1)))
    assert tuple(sym.shape) == (None, 3, 4, 4, 2)
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        layers.TimeDistributed(layers.Dense(2)).build((2, 3))
    with pytest.raises(ValueError, match="keras.layers.Layer"):
        layers.TimeDistributed("dense")


def test_time_distributed_passes_mask_through_to_lstm(oracle):
    def model(lib):
        inp = lib.Input((5,), dtype="int32")
        h = lib.layers.Embedding(10, 4, mask_zero=True)(inp)
        h = lib.layers.TimeDistributed(lib.layers.Dense(3, activation="tanh"))(h)
        h = lib.layers.LSTM(2, return_sequences=True)(h)
        return lib.Model(inp, lib.layers.TimeDistributed(lib.layers.Dense(1))(h))

    ours, theirs = model(kerasx), model(oracle)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(_np(ours(TOKENS)), np.asarray(theirs(TOKENS)), atol=1e-5)


def test_time_distributed_in_keras_saved_file(tmp_path, oracle):
    keras = oracle
    inp = keras.Input((4, 3))
    h = keras.layers.TimeDistributed(keras.layers.Dense(2))(inp)
    model = keras.Model(inp, keras.layers.SimpleRNN(3)(h))
    model.save(tmp_path / "td.keras")
    x = random_input((2, 4, 3))
    loaded = kerasx.saving.load_model(tmp_path / "td.keras")
    np.testing.assert_allclose(_np(loaded(x)), np.asarray(model(x)), atol=1e-5)
