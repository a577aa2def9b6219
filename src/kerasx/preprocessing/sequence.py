"""``keras.preprocessing.sequence``: padding, sliding windows and skip-grams on the host.

These helpers prepare token or time-series data before it reaches a model, so they work
on plain NumPy arrays and never touch the active backend: the same script runs on jax,
torch, tensorflow or numpy without TensorFlow installed.
"""

from __future__ import annotations

import json
import random as _pyrandom
from collections.abc import Sequence as _Seq
from typing import Any

import numpy as np

from kerasx.saving.registry import keras_export
from kerasx.utils.py_dataset import PyDataset


def _is_text_dtype(dtype: Any) -> bool:
    if dtype is object:
        return True
    try:
        kind = np.dtype(dtype).kind
    except TypeError:
        return False
    return kind in ("U", "S", "O")


@keras_export("keras.utils.pad_sequences", "keras.preprocessing.sequence.pad_sequences")
def pad_sequences(
    sequences: Any,
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """Stack variable-length sequences into one ``(num_samples, maxlen, ...)`` array.

    Sequences longer than ``maxlen`` lose items at the start (``truncating="pre"``) or the
    end (``"post"``); shorter ones are filled with ``value`` before (``padding="pre"``) or
    after (``"post"``) their items.  Items may themselves be arrays; their shape is taken
    from the first non-empty sequence and every other one must agree.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    lengths = []
    item_shape: tuple[int, ...] | None = None
    for seq in sequences:
        try:
            n = len(seq)
        except TypeError as err:
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {seq}"
            ) from err
        lengths.append(n)
        if item_shape is None and n:
            item_shape = np.asarray(seq).shape[1:]
    item_shape = item_shape or ()
    if maxlen is None:
        maxlen = int(max(lengths)) if lengths else 0
    if isinstance(value, str) and not _is_text_dtype(dtype):
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
            "You should set `dtype=object` for variable length strings."
        )
    out = np.full((len(lengths), maxlen, *item_shape), value, dtype=dtype)
    if maxlen == 0:
        return out
    for row, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {row} is "
                f"different from expected shape {item_shape}"
            )
        if padding == "post":
            out[row, : len(kept)] = kept
        else:
            out[row, maxlen - len(kept) :] = kept
    return out


@keras_export("keras.preprocessing.sequence.TimeseriesGenerator")
class TimeseriesGenerator(PyDataset):
    """Batches of ``(window, target)`` pairs cut from one long series.

    Sample ``i`` ends just before row ``r = start_index + length + i * stride``: it holds
    ``data[r - length : r : sampling_rate]`` and its target is ``targets[r]``.  Being a
    :class:`PyDataset`, it can be passed straight to ``fit``/``evaluate``/``predict``.
    """

    def __init__(
        self,
        data: Any,
        targets: Any,
        length: int,
        sampling_rate: int = 1,
        stride: int = 1,
        start_index: int = 0,
        end_index: int | None = None,
        shuffle: bool = False,
        reverse: bool = False,
        batch_size: int = 128,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if len(data) != len(targets):
            raise ValueError(
                "Data and targets have to be of same length. Data length is "
                f"{len(data)} while target length is {len(targets)}"
            )
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        # Keras stores the first usable *target* row here, not the argument itself.
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError(
                f"`start_index+length={self.start_index} > end_index={self.end_index}` is "
                "disallowed, as no part of the sequence would be left to be used as current step."
            )

    def __len__(self) -> int:
        step = self.batch_size * self.stride
        return (self.end_index - self.start_index + step) // step

    def _rows(self, index: int) -> np.ndarray:
        if self.shuffle:
            return np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        first = self.start_index + self.batch_size * self.stride * index
        last = min(first + self.batch_size * self.stride, self.end_index + 1)
        return np.arange(first, last, self.stride)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self._rows(index)
        windows = np.array([self.data[r - self.length : r : self.sampling_rate] for r in rows])
        targets = np.array([self.targets[r] for r in rows])
        if self.reverse:
            windows = windows[:, ::-1, ...]
        return windows, targets

    def get_config(self) -> dict[str, Any]:
        """JSON-friendly settings; data and targets are stored as JSON strings."""

        def dump(value: Any, what: str) -> str:
            if isinstance(value, np.ndarray):
                value = value.tolist()
            try:
                return json.dumps(value)
            except TypeError as err:
                raise TypeError(f"{what} not JSON Serializable: {value}") from err

        return {
            "workers": self.workers,
            "use_multiprocessing": self.use_multiprocessing,
            "max_queue_size": self.max_queue_size,
            "data": dump(self.data, "Data"),
            "targets": dump(self.targets, "Targets"),
            "length": self.length,
            "sampling_rate": self.sampling_rate,
            "stride": self.stride,
            "start_index": self.start_index,
            "end_index": self.end_index,
            "shuffle": self.shuffle,
            "reverse": self.reverse,
            "batch_size": self.batch_size,
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(
            {"class_name": type(self).__name__, "config": self.get_config()}, **kwargs
        )


@keras_export("keras.preprocessing.sequence.make_sampling_table")
def make_sampling_table(size: int, sampling_factor: float = 1e-5) -> np.ndarray:
    """Keep-probabilities for word ranks under a Zipf law (word2vec-style subsampling).

    Entry ``i`` is the probability of keeping the ``i``-th most frequent word; frequent
    words get small values so ``skipgrams`` drops them more often.
    """
    euler_gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inverse_freq = rank * (np.log(rank) + euler_gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inverse_freq
    return np.minimum(1.0, f / np.sqrt(f))


@keras_export("keras.preprocessing.sequence.skipgrams")
def skipgrams(
    sequence: _Seq[int],
    vocabulary_size: int,
    window_size: int = 4,
    negative_samples: float = 1.0,
    shuffle: bool = True,
    categorical: bool = False,
    sampling_table: Any = None,
    seed: int | None = None,
) -> tuple[list[list[int]], list[Any]]:
    """Word pairs for skip-gram training: neighbours (label 1) and random words (label 0).

    Index 0 is treated as padding and never paired.  Randomness uses Python's ``random``
    module, so ``random.seed`` (or ``keras.utils.set_random_seed``) makes it repeatable.
    """
    couples: list[list[int]] = []
    labels: list[Any] = []
    positive = [0, 1] if categorical else 1
    negative = [1, 0] if categorical else 0
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < _pyrandom.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j == i or not sequence[j]:
                continue
            couples.append([wi, sequence[j]])
            labels.append(positive)
    if negative_samples > 0:
        n_neg = int(len(labels) * negative_samples)
        centres = [c[0] for c in couples]
        _pyrandom.shuffle(centres)
        couples += [
            [centres[k % len(centres)], _pyrandom.randint(1, vocabulary_size - 1)]
            for k in range(n_neg)
        ]
        labels += [negative] * n_neg
    if shuffle:
        if seed is None:
            seed = _pyrandom.randint(0, int(10e6))
        _pyrandom.seed(seed)
        _pyrandom.shuffle(couples)
        _pyrandom.seed(seed)
        _pyrandom.shuffle(labels)
    return couples, labels


__all__ = [
    "TimeseriesGenerator",
    "make_sampling_table",
    "pad_sequences",
    "skipgrams",
]
