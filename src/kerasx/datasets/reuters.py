"""Reuters newswire topics as word-index sequences (``keras.datasets.reuters``)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from kerasx.datasets import _sequences as seq
from kerasx.datasets._safe_load import TF_DATASETS, load_npz
from kerasx.datasets.imdb import _object_array
from kerasx.saving.registry import keras_export
from kerasx.utils.file_utils import get_file

_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"

_LABELS = (
    "cocoa grain veg-oil earn acq wheat copper housing money-supply coffee sugar trade "
    "reserves ship cotton carcass crude nat-gas cpi money-fx interest gnp meal-feed alum "
    "oilseed gold tin strategic-metal livestock retail ipi iron-steel rubber heat jobs lei "
    "bop zinc orange pet-chem dlr gas silver wpi hog lead"
).split()


@keras_export("keras.datasets.reuters.load_data")
def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """``(x_train, y_train), (x_test, y_test)``: object arrays of int lists, int topics.

    All 11,228 wires are shuffled with ``RandomState(seed)`` then split ``test_split``.
    """
    local = get_file(fname=path, origin=f"{TF_DATASETS}reuters.npz", file_hash=_SHA256)
    arrays = load_npz(local)
    xs, labels = arrays["x"], arrays["y"]
    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs, labels = xs[order], labels[order]
    if start_char is not None or index_from:
        xs = seq.shift(xs, start_char, index_from)
    else:
        xs = [list(x) for x in xs]
    if maxlen:
        xs, labels = seq.drop_long(maxlen, xs, labels)
    xs = seq.limit_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    labels = np.asarray(labels)
    return (_object_array(xs[:cut]), labels[:cut]), (_object_array(xs[cut:]), labels[cut:])


@keras_export("keras.datasets.reuters.get_word_index")
def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """Word -> rank mapping (add ``index_from`` to match the loaded sequences)."""
    local = get_file(path, origin=f"{TF_DATASETS}reuters_word_index.json", file_hash=_INDEX_MD5)
    with open(local) as f:
        return json.load(f)


@keras_export("keras.datasets.reuters.get_label_names")
def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, indexed like the labels."""
    return tuple(_LABELS)
