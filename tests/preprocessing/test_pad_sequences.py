"""pad_sequences, TimeseriesGenerator, skipgrams: Keras 2 semantics on host NumPy."""

from __future__ import annotations

import importlib
import json
import random

import numpy as np
import pytest

from kerasx.preprocessing import sequence as seq
from kerasx.utils import pad_sequences

SEQS = [[1, 2, 3, 4], [5], [], [6, 7]]


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 3])
def test_pad_sequences_matches_hand_written_and_keras(oracle, padding, truncating, maxlen):
    out = pad_sequences(SEQS, maxlen=maxlen, padding=padding, truncating=truncating, value=-1)
    width = maxlen or 4
    expected = np.full((4, width), -1, dtype="int32")
    for i, s in enumerate(SEQS):
        kept = (s[-width:] if truncating == "pre" else s[:width]) if s else []
        if kept:
            if padding == "post":
                expected[i, : len(kept)] = kept
            else:
                expected[i, width - len(kept) :] = kept
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.int32
    ref = oracle.utils.pad_sequences(
        SEQS, maxlen=maxlen, padding=padding, truncating=truncating, value=-1
    )
    np.testing.assert_array_equal(out, ref)


def test_pad_sequences_dtype_value_and_item_shapes(oracle):
    out = pad_sequences([[0.5, 1.5], [2.5]], dtype="float32", value=9.0)
    np.testing.assert_array_equal(out, np.array([[0.5, 1.5], [9.0, 2.5]], "float32"))
    vecs = [np.ones((3, 2)), np.zeros((1, 2))]
    out = pad_sequences(vecs, maxlen=2, padding="post", dtype="float32")
    assert out.shape == (2, 2, 2)
    np.testing.assert_array_equal(
        out, oracle.utils.pad_sequences(vecs, maxlen=2, padding="post", dtype="float32")
    )
    words = pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert words.tolist() == [["a", "b"], ["<pad>", "c"]]
    # dtype is honoured even when it truncates values, like Keras.
    assert pad_sequences([[1.7]], dtype="int32").tolist() == [[1]]


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match="not understood"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="not understood"):
        pad_sequences([[1]], truncating="middle")
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match="different from expected shape"):
        pad_sequences([np.ones((2, 2)), np.ones((2, 3))])
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)


def test_timeseries_generator_windows_and_targets():
    data = np.arange(20).reshape(10, 2)
    targets = np.arange(10) * 10
    gen = seq.TimeseriesGenerator(data, targets, length=3, sampling_rate=1, stride=2, batch_size=2)
    # Target rows 3, 5, 7, 9 in batches of two.
    assert len(gen) == 2
    x, y = gen[0]
    np.testing.assert_array_equal(y, [30, 50])
    np.testing.assert_array_equal(x, np.stack([data[0:3], data[2:5]]))
    x, y = gen[1]
    np.testing.assert_array_equal(y, [70, 90])
    rev = seq.TimeseriesGenerator(
        data, targets, length=4, sampling_rate=2, reverse=True, batch_size=8
    )
    x, y = rev[0]
    np.testing.assert_array_equal(x[0], data[0:4:2][::-1])
    np.testing.assert_array_equal(y, targets[4:])
    cfg = json.loads(gen.to_json())
    assert cfg["class_name"] == "TimeseriesGenerator"
    assert cfg["config"]["start_index"] == 3 and json.loads(cfg["config"]["data"])[1] == [2, 3]
    with pytest.raises(ValueError, match="same length"):
        seq.TimeseriesGenerator(data, targets[:5], length=2)
    with pytest.raises(ValueError, match="disallowed"):
        seq.TimeseriesGenerator(data, targets, length=10)


def test_timeseries_generator_matches_keras_legacy():
    legacy = importlib.import_module("keras.src.legacy.preprocessing.sequence")
    data = np.random.rand(17, 3)
    targets = np.random.rand(17)
    kw = dict(length=5, sampling_rate=2, stride=3, start_index=1, end_index=15, batch_size=2)
    ours, ref = (
        seq.TimeseriesGenerator(data, targets, **kw),
        legacy.TimeseriesGenerator(data, targets, **kw),
    )
    assert len(ours) == len(ref)
    for i in range(len(ref)):
        for a, b in zip(ours[i], ref[i]):
            np.testing.assert_array_equal(a, b)


def test_skipgrams_and_sampling_table():
    legacy = importlib.import_module("keras.src.legacy.preprocessing.sequence")
    np.testing.assert_allclose(seq.make_sampling_table(12), legacy.make_sampling_table(12))
    couples, labels = seq.skipgrams(
        [1, 2, 0, 3], vocabulary_size=5, window_size=1, shuffle=False, negative_samples=0
    )
    assert couples == [[1, 2], [2, 1]] and labels == [1, 1]
    random.seed(0)
    ours = seq.skipgrams([1, 2, 3, 4, 2], 6, window_size=2, categorical=True, seed=5)
    random.seed(0)
    ref = legacy.skipgrams([1, 2, 3, 4, 2], 6, window_size=2, categorical=True, seed=5)
    assert ours == (ref[0], ref[1])
