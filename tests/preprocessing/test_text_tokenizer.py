"""Tokenizer and text helpers: Keras 2 numbering and matrices, checked by hand and
against Keras 3's legacy implementation."""

from __future__ import annotations

import hashlib
import importlib

import numpy as np
import pytest

from kerasx.preprocessing import text

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "cat, dog; CAT?"]


@pytest.fixture
def legacy(oracle):
    return importlib.import_module("keras.src.legacy.preprocessing.text")


def test_text_to_word_sequence_filters_lower_split():
    assert text.text_to_word_sequence("Hello, World!  again") == ["hello", "world", "again"]
    assert text.text_to_word_sequence("A-b c", filters="", lower=False) == ["A-b", "c"]
    assert text.text_to_word_sequence("x|y|z!", split="|") == ["x", "y", "z"]


def test_tokenizer_word_index_by_frequency_then_first_seen():
    tok = text.Tokenizer()
    tok.fit_on_texts(TEXTS)
    # the: 3, cat: 3 (the seen first), dog: 2, then single words in first-seen order.
    assert list(tok.word_index)[:3] == ["the", "cat", "dog"]
    assert tok.word_index["the"] == 1 and tok.word_index["homework"] == 9
    assert tok.word_counts["cat"] == 3 and tok.word_docs["cat"] == 2
    assert tok.document_count == 3
    assert tok.index_word[2] == "cat"
    assert tok.texts_to_sequences(["the cat", "unknown dog"]) == [[1, 2], [3]]
    assert tok.sequences_to_texts([[1, 2, 3]]) == ["the cat dog"]


def test_num_words_and_oov_token():
    tok = text.Tokenizer(num_words=3, oov_token="<oov>")
    tok.fit_on_texts(TEXTS)
    assert tok.word_index["<oov>"] == 1 and tok.word_index["the"] == 2
    # only indices < 3 survive; everything else (rare or unknown) becomes <oov>.
    assert tok.texts_to_sequences(["the cat dog zebra"]) == [[2, 1, 1, 1]]
    assert tok.sequences_to_texts([[2, 3, 7]]) == ["the <oov> <oov>"]
    plain = text.Tokenizer(num_words=3)
    plain.fit_on_texts(TEXTS)
    assert plain.texts_to_sequences(["the cat dog zebra"]) == [[1, 2]]


def test_char_level_and_list_inputs():
    tok = text.Tokenizer(char_level=True)
    tok.fit_on_texts(["abca", "Bb"])
    assert tok.word_index == {"b": 1, "a": 2, "c": 3}
    tok2 = text.Tokenizer()
    tok2.fit_on_texts([["Hello", "x"], ["x"]])
    assert tok2.word_index == {"x": 1, "hello": 2}


@pytest.mark.parametrize("mode", ["binary", "count", "freq", "tfidf"])
def test_texts_to_matrix_modes(mode, legacy):
    tok = text.Tokenizer(num_words=6)
    tok.fit_on_texts(TEXTS)
    probe = ["the the cat", "dog homework", ""]
    got = tok.texts_to_matrix(probe, mode=mode)
    seqs = tok.texts_to_sequences(probe)
    expected = np.zeros((3, 6))
    for row, s in enumerate(seqs):
        for j in set(s):
            c = s.count(j)
            expected[row, j] = {
                "binary": 1,
                "count": c,
                "freq": c / len(s) if s else 0,
                "tfidf": (1 + np.log(c)) * np.log(1 + 3 / (1 + tok.index_docs[j])),
            }[mode]
    np.testing.assert_allclose(got, expected)
    ref = legacy.Tokenizer(num_words=6)
    ref.fit_on_texts(TEXTS)
    np.testing.assert_allclose(got, ref.texts_to_matrix(probe, mode=mode))


def test_matrix_errors():
    with pytest.raises(ValueError, match="num_words"):
        text.Tokenizer().texts_to_matrix(["a"])
    tok = text.Tokenizer(num_words=4)
    with pytest.raises(ValueError, match="tfidf"):
        tok.sequences_to_matrix([[1]], mode="tfidf")
    with pytest.raises(ValueError, match="Unknown vectorization mode"):
        tok.sequences_to_matrix([[1]], mode="bogus")
    with pytest.raises(TypeError, match="Unrecognized"):
        text.Tokenizer(foo=1)


def test_json_round_trip_and_keras_compat(legacy):
    tok = text.Tokenizer(num_words=5, oov_token="?")
    tok.fit_on_texts(TEXTS)
    back = text.tokenizer_from_json(tok.to_json())
    assert back.word_index == tok.word_index and back.index_word == tok.index_word
    assert back.texts_to_sequences(TEXTS) == tok.texts_to_sequences(TEXTS)
    assert back.get_config() == tok.get_config()
    # Files written by Keras load here, and the other way round.
    ref = legacy.Tokenizer(num_words=5, oov_token="?")
    ref.fit_on_texts(TEXTS)
    assert tok.get_config() == ref.get_config()
    assert text.tokenizer_from_json(ref.to_json()).texts_to_sequences(
        TEXTS
    ) == ref.texts_to_sequences(TEXTS)
    assert legacy.tokenizer_from_json(tok.to_json()).word_index == tok.word_index


def test_hashing_trick_and_one_hot(legacy):
    words = text.text_to_word_sequence("Apple banana apple")
    md5 = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 9 + 1 for w in words]
    assert text.hashing_trick("Apple banana apple", 10, hash_function="md5") == md5
    assert text.hashing_trick("a b", 10, hash_function=len) == [2, 2]
    got = text.one_hot("Apple banana apple", 7)
    assert got == legacy.one_hot("Apple banana apple", 7)  # same process, same hash()
    assert got[0] == got[2] and all(1 <= i <= 6 for i in got)
