"""Hashing, StringLookup, IntegerLookup and TextVectorization against Keras 3 and TF.

The kerasx layers run on the host without TensorFlow; here real Keras 3 (the oracle,
on JAX) and TensorFlow's own hash ops are the references for every output.
"""

from __future__ import annotations

import json
import random
import zipfile

import numpy as np
import pytest
from tests.layer_test_utils import run_layer_test

import kerasx
from kerasx import layers, ops
from kerasx.layers.preprocessing import _farmhash

DOCS = ["The cat sat on the mat.", "the DOG ate my homework!", "A cat, a dog", "Über café  cat"]
QUERY = np.array([["the cat ate"], ["unknown words: the dog, dog!"]])
STR_X = np.array([["a", "b", "zz"], ["c", "", "a"]])
INT_X = np.array([[1, 5, 9, 12], [0, 3, 3, -4]])
ADAPT_DATA = np.array(["b", "a", "c", "b", "d", "a", "e", "b", "c", "f"])


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _knp(keras, x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _conf(layer):
    """A layer's config without its auto-generated name (counters differ per library)."""
    return {k: v for k, v in layer.get_config().items() if k != "name"}


def _assert_same(ours, theirs, keras):
    a, b = _np(ours), _knp(keras, theirs)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a.astype("float64"), b.astype("float64"), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------- hashes vs TF
def test_fingerprint64_and_siphash_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    rng = random.Random(0)
    strings = [bytes(rng.randrange(256) for _ in range(n)) for n in range(0, 140)]
    strings += [b"x" * n for n in (255, 256, 257, 1000)] + ["héllo wörld".encode()]
    for buckets in (2**63 - 1, 1_000_003, 7):
        want = tf.strings.to_hash_bucket_fast(tf.constant(strings), buckets).numpy()
        got = [_farmhash.fingerprint64(s) % buckets for s in strings]
        assert list(want) == got
        for key in ([0, 0], [1, 2], [2**62 + 5, 12345]):
            want = tf.strings.to_hash_bucket_strong(tf.constant(strings), buckets, key=key)
            got = [_farmhash.siphash24(key, s) % buckets for s in strings]
            assert list(want.numpy()) == got


# ----------------------------------------------------------------------- Hashing
@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_bins": 7},
        {"num_bins": 7, "salt": 133},
        {"num_bins": 7, "mask_value": ""},
        {"num_bins": 5, "output_mode": "one_hot"},
        {"num_bins": 5, "output_mode": "multi_hot", "salt": [3, 4]},
        {"num_bins": 5, "output_mode": "count"},
    ],
)
def test_hashing_strings_match_keras(oracle, kwargs):
    x = np.array([["hello"], ["world"], ["kerasx"], [""]])
    if kwargs.get("output_mode") in ("multi_hot", "count"):
        x = np.array([["hello", "world", "hello"], ["", "a", "b"]])
    ours, theirs = layers.Hashing(**kwargs), oracle.layers.Hashing(**kwargs)
    _assert_same(ours(x), theirs(x), oracle)
    assert _conf(ours) == _conf(theirs)
    assert layers.Hashing.from_config(ours.get_config()).get_config() == ours.get_config()


def test_hashing_numbers_match_keras(oracle):
    run_layer_test(
        layers.Hashing,
        {"num_bins": 11},
        input_data=np.array([[1, -5, 123456789012], [0, 7, 2]], dtype="int64"),
        expected_output_shape=(2, 3),
    )
    xf = np.array([[1.5, -5.7, 3.0]], dtype="float32")
    kw = {"num_bins": 11, "mask_value": 3.0}
    _assert_same(layers.Hashing(**kw)(xf), oracle.layers.Hashing(**kw)(xf), oracle)


def test_hashing_bad_arguments():
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=3, salt="x")
    with pytest.raises(ValueError, match="output_mode"):
        layers.Hashing(num_bins=3, output_mode="bad")


# ---------------------------------------------------------------------- lookups
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"mask_token": ""},
        {"num_oov_indices": 3},
        {"num_oov_indices": 3, "salt": 7},
        {"output_mode": "multi_hot"},
        {"output_mode": "count", "mask_token": ""},
        {"output_mode": "one_hot", "num_oov_indices": 2},
        {"output_mode": "multi_hot", "max_tokens": 6, "pad_to_max_tokens": True},
    ],
)
def test_string_lookup_matches_keras(oracle, kwargs):
    vocab = ["a", "b", "c"]
    ours = layers.StringLookup(vocabulary=vocab, **kwargs)
    theirs = oracle.layers.StringLookup(vocabulary=vocab, **kwargs)
    x = STR_X[:, :1] if kwargs.get("output_mode") == "one_hot" else STR_X
    _assert_same(ours(x), theirs(x), oracle)
    assert ours.get_vocabulary() == theirs.get_vocabulary()
    assert ours.vocabulary_size() == theirs.vocabulary_size()
    assert _conf(ours) == _conf(theirs)
    clone = layers.StringLookup.from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()
    _assert_same(clone(x), theirs(x), oracle)


def test_string_lookup_invert_and_inputs(oracle):
    tf = pytest.importorskip("tensorflow")
    kw = {"vocabulary": ["a", "b"], "invert": True, "mask_token": "M"}
    idx = np.array([[0, 1, 2, 3, 4]])
    ours = layers.StringLookup(**kw)(idx)
    theirs = oracle.layers.StringLookup(**kw)(tf.constant(idx)).numpy().astype(str)
    assert np.array_equal(np.asarray(ours).astype(str), theirs)
    # lists, bytes and TF string tensors give the same indices as NumPy str arrays
    layer = layers.StringLookup(vocabulary=["a", "b"])
    want = _np(layer(np.array(["a", "b", "q"])))
    assert np.array_equal(_np(layer(["a", "b", "q"])), want)
    assert np.array_equal(_np(layer(np.array([b"a", b"b", b"q"]))), want)
    assert np.array_equal(_np(layer(tf.constant(["a", "b", "q"]))), want)
    assert list(want) == [1, 2, 0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"max_tokens": 4},
        {"output_mode": "tf_idf"},
        {"mask_token": "", "num_oov_indices": 2},
    ],
)
def test_string_lookup_adapt_matches_keras(oracle, kwargs):
    ours, theirs = layers.StringLookup(**kwargs), oracle.layers.StringLookup(**kwargs)
    ours.adapt(ADAPT_DATA)
    theirs.adapt(ADAPT_DATA)
    # frequency order, ties broken like Keras (token descending)
    assert ours.get_vocabulary() == [str(v) for v in theirs.get_vocabulary()]
    _assert_same(ours(STR_X), theirs(STR_X), oracle)


def test_adapt_from_batches_matches_keras(oracle):
    tf = pytest.importorskip("tensorflow")
    ds = tf.data.Dataset.from_tensor_slices(ADAPT_DATA).batch(3)
    ours, theirs = layers.StringLookup(), oracle.layers.StringLookup()
    ours.adapt(ds)
    theirs.adapt(ds)
    assert ours.get_vocabulary() == [str(v) for v in theirs.get_vocabulary()]
    gen_layer = layers.StringLookup()
    gen_layer.adapt(iter([ADAPT_DATA[:4], ADAPT_DATA[4:]]))
    assert gen_layer.get_vocabulary() == ours.get_vocabulary()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"mask_token": 0},
        {"num_oov_indices": 3},
        {"num_oov_indices": 3, "oov_method": "farmhash"},
        {"num_oov_indices": 3, "oov_method": "farmhash", "salt": [1, 2]},
        {"output_mode": "count"},
    ],
)
def test_integer_lookup_matches_keras(oracle, kwargs):
    run_layer_test(
        layers.IntegerLookup,
        {"vocabulary": [5, 3, 1], **kwargs},
        input_data=INT_X,
        check_symbolic=kwargs.get("output_mode") is None,
    )
    ours = layers.IntegerLookup(vocabulary=[5, 3, 1], **kwargs)
    assert _conf(ours) == _conf(oracle.layers.IntegerLookup(vocabulary=[5, 3, 1], **kwargs))


def test_integer_lookup_adapt_and_invert(oracle):
    data = np.array([7, 7, 3, 9, 3, 7, 12, 1, 1])
    ours, theirs = layers.IntegerLookup(), oracle.layers.IntegerLookup()
    ours.adapt(data)
    theirs.adapt(data)
    assert ours.get_vocabulary() == [int(v) for v in theirs.get_vocabulary()]
    _assert_same(ours(INT_X), theirs(INT_X), oracle)
    kw = {"vocabulary": [5, 3, 1], "invert": True, "mask_token": 0}
    idx = np.array([[0, 1, 2, 3, 4, 9]])
    _assert_same(layers.IntegerLookup(**kw)(idx), oracle.layers.IntegerLookup(**kw)(idx), oracle)


def test_lookup_errors():
    with pytest.raises(ValueError, match="repeated"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array(["b"]))
    with pytest.raises(ValueError, match="invert"):
        layers.StringLookup(invert=True, output_mode="count")
    with pytest.raises(RuntimeError, match="vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(np.array(["a"]))
    with pytest.raises(ValueError, match="Cannot adapt"):
        layers.StringLookup(vocabulary=["a"]).adapt(np.array(["a"]))


# ------------------------------------------------------------ TextVectorization
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"output_sequence_length": 4},
        {"max_tokens": 6, "output_mode": "multi_hot"},
        {"output_mode": "count", "ngrams": 2},
        {"output_mode": "tf_idf"},
        {"split": "character", "output_sequence_length": 10},
        {"standardize": "lower", "ngrams": (1, 3)},
        {"standardize": None, "split": None, "output_mode": "one_hot"},
    ],
)
def test_text_vectorization_matches_keras(oracle, kwargs):
    ours = layers.TextVectorization(**kwargs)
    theirs = oracle.layers.TextVectorization(**kwargs)
    ours.adapt(DOCS)
    theirs.adapt(DOCS)
    assert ours.get_vocabulary() == [str(v) for v in theirs.get_vocabulary()]
    query = QUERY if kwargs.get("split", "x") is not None else np.array([["A cat, a dog"], ["no"]])
    _assert_same(ours(query), theirs(query), oracle)
    config = ours.get_config()
    assert _conf(ours) == _conf(theirs)
    # An adapted vocabulary is not in the config (it travels as an asset), so only a
    # clone of the reported vocabulary size is compared after setting the vocabulary.
    clone = layers.TextVectorization.from_config(config)
    assert {k: v for k, v in clone.get_config().items() if k != "vocabulary_size"} == {
        k: v for k, v in config.items() if k != "vocabulary_size"
    }


def test_text_vectorization_given_vocabulary_and_symbolic(oracle):
    kw = {"vocabulary": ["the", "cat", "dog"], "output_sequence_length": 5}
    ours, theirs = layers.TextVectorization(**kw), oracle.layers.TextVectorization(**kw)
    _assert_same(ours(QUERY), theirs(QUERY), oracle)
    _assert_same(ours(QUERY[:, 0]), theirs(QUERY[:, 0]), oracle)
    ours.set_vocabulary(["dog", "cat"])
    theirs.set_vocabulary(["dog", "cat"])
    _assert_same(ours(QUERY), theirs(QUERY), oracle)
    inp = kerasx.Input(shape=(1,), dtype="string")
    out = layers.TextVectorization(**kw)(inp)
    assert tuple(out.shape) == (None, 5)
    inp = kerasx.Input(shape=(1,), dtype="string")
    out = layers.TextVectorization(vocabulary=["a", "b"], output_mode="count")(inp)
    assert tuple(out.shape) == (None, 3)  # the eager shape (Keras 3 says (None, 1, 3))


# ----------------------------------------------------------------- .keras files
def _keras_model(keras):
    text = keras.Input(shape=(1,), dtype="string", name="text")
    cats = keras.Input(shape=(2,), dtype="string", name="cats")
    tv = keras.layers.TextVectorization(
        vocabulary=["the", "cat", "dog"], output_sequence_length=5, name="tv"
    )
    sl = keras.layers.StringLookup(vocabulary=["x", "y"], output_mode="multi_hot", name="sl")
    return keras.Model([text, cats], [tv(text), sl(cats)]), tv, sl


def test_keras_saved_model_loads_in_kerasx_and_back(oracle, tmp_path):
    model, tv, sl = _keras_model(oracle)
    path = str(tmp_path / "k.keras")
    model.save(path)
    cats = np.array([["x", "z"], ["y", "y"]])
    loaded = kerasx.saving.load_model(path)
    _assert_same(loaded.get_layer("tv")(QUERY), tv(QUERY), oracle)
    _assert_same(loaded.get_layer("sl")(cats), sl(cats), oracle)
    back = str(tmp_path / "x.keras")
    loaded.save(back)
    again = oracle.saving.load_model(back)
    _assert_same(loaded.get_layer("tv")(QUERY), again.get_layer("tv")(QUERY), oracle)


def test_adapted_vocabulary_asset_layout(oracle, tmp_path):
    # Keras stores adapted vocabularies as archive assets; our load_assets reads that file.
    text = oracle.Input(shape=(1,), dtype="string")
    tv = oracle.layers.TextVectorization(output_sequence_length=6, name="tv")
    tv.adapt(DOCS)
    path = str(tmp_path / "adapted.keras")
    oracle.Model(text, tv(text)).save(path)
    with zipfile.ZipFile(path) as zf:
        config = json.loads(zf.read("config.json"))
        asset_dir = tmp_path / "assets"
        member = "assets/layers/text_vectorization/vocabulary.txt"
        asset_dir.mkdir()
        (asset_dir / "vocabulary.txt").write_bytes(zf.read(member))
    tv_config = next(
        c for c in config["config"]["layers"] if c["class_name"] == "TextVectorization"
    )
    ours = layers.TextVectorization.from_config(tv_config["config"])
    ours.load_assets(str(asset_dir))
    assert ours.get_vocabulary() == [str(v) for v in tv.get_vocabulary()]
    _assert_same(ours(QUERY), tv(QUERY), oracle)


def test_adapted_model_round_trip_through_load_model(oracle, tmp_path):
    text = oracle.Input(shape=(1,), dtype="string")
    tv = oracle.layers.TextVectorization(output_sequence_length=6, name="tv")
    tv.adapt(DOCS)
    path = str(tmp_path / "adapted.keras")
    oracle.Model(text, tv(text)).save(path)
    loaded = kerasx.saving.load_model(path)
    _assert_same(loaded.get_layer("tv")(QUERY), tv(QUERY), oracle)
    # and back: kerasx writes the assets where Keras reads them
    again = str(tmp_path / "again.keras")
    loaded.save(again)
    theirs = oracle.saving.load_model(again)
    _assert_same(loaded.get_layer("tv")(QUERY), theirs.get_layer("tv")(QUERY), oracle)


def test_adapted_tf_idf_round_trip_kerasx_and_keras(oracle, tmp_path):
    text = oracle.Input(shape=(1,), dtype="string")
    tv = oracle.layers.TextVectorization(output_mode="tf_idf", name="tv")
    tv.adapt(DOCS)
    path = str(tmp_path / "tfidf.keras")
    oracle.Model(text, tv(text)).save(path)
    loaded = kerasx.saving.load_model(path)
    _assert_same(loaded.get_layer("tv")(QUERY), tv(QUERY), oracle)
    again = str(tmp_path / "tfidf_again.keras")
    loaded.save(again)
    _assert_same(
        loaded.get_layer("tv")(QUERY),
        oracle.saving.load_model(again).get_layer("tv")(QUERY),
        oracle,
    )


def test_vocabulary_file_refused_in_safe_mode(tmp_path):
    from kerasx.saving.serialization import deserialize_keras_object

    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\n")
    config = {
        "module": "keras.layers",
        "class_name": "StringLookup",
        "config": {"name": "sl", "vocabulary": str(vocab)},
        "registered_name": None,
    }
    with pytest.raises(ValueError, match="safe mode"):
        deserialize_keras_object(config, safe_mode=True)
    layer = deserialize_keras_object(config, safe_mode=False)
    assert layer.get_vocabulary() == ["[UNK]", "a", "b"]
    # outside of loading, a user-given file is fine (as in Keras)
    assert layers.StringLookup(vocabulary=str(vocab)).get_vocabulary() == ["[UNK]", "a", "b"]


def test_functional_model_called_on_strings(oracle):
    inp = kerasx.Input(shape=(1,), dtype="string")
    kw = {"vocabulary": ["the", "cat", "dog"], "output_sequence_length": 5}
    model = kerasx.Model(inp, layers.TextVectorization(**kw)(inp))
    _assert_same(model(QUERY), oracle.layers.TextVectorization(**kw)(QUERY), oracle)
