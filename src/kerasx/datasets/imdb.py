"""IMDB movie-review sentiment as word-index sequences (``keras.datasets.imdb``)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from kerasx.datasets import _sequences as seq
from kerasx.datasets._safe_load import TF_DATASETS, load_npz
from kerasx.saving.registry import keras_export
from kerasx.utils.file_utils import get_file

_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


@keras_export("keras.datasets.imdb.load_data")
def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    **kwargs: Any,
) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """``(x_train, y_train), (x_test, y_test)``: object arrays of int lists and 0/1 labels.

    Train and test are shuffled separately with ``RandomState(seed)``; the vocabulary cut
    (``num_words``, ``skip_top``) is applied to both as in Keras.
    """
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    local = get_file(fname=path, origin=f"{TF_DATASETS}imdb.npz", file_hash=_SHA256)
    arrays = load_npz(local)
    rng = np.random.RandomState(seed)
    parts = []
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        order = np.arange(len(x))
        rng.shuffle(order)
        parts.append((seq.shift(x[order], start_char, index_from), y[order]))
    (x_train, y_train), (x_test, y_test) = parts
    if maxlen:
        x_train, y_train = seq.drop_long(maxlen, x_train, y_train)
        x_test, y_test = seq.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence "
                "was kept. Increase maxlen."
            )
    xs = seq.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    n = len(x_train)
    return (
        (_object_array(xs[:n]), labels[:n]),
        (_object_array(xs[n:]), labels[n:]),
    )


def _object_array(lists: list[list[int]]) -> np.ndarray:
    """A 1-D object array of lists (``np.array`` would make a 2-D int array when the
    sequences happen to have equal lengths)."""
    out = np.empty(len(lists), dtype="object")
    for i, x in enumerate(lists):
        out[i] = x
    return out


@keras_export("keras.datasets.imdb.get_word_index")
def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """Word -> rank mapping (add ``index_from`` to match the loaded sequences)."""
    local = get_file(path, origin=f"{TF_DATASETS}imdb_word_index.json", file_hash=_INDEX_MD5)
    with open(local) as f:
        return json.load(f)
