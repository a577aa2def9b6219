"""Turn whatever ``adapt()`` receives into host NumPy batches.

Adapting computes statistics once, outside any model, so it runs on the host with NumPy
on every backend.  Datasets are recognised by duck typing (a ``tf.data.Dataset`` has
``element_spec`` and ``as_numpy_iterator``; a ``PyDataset`` has ``__getitem__`` and
``__len__``), so TensorFlow is never imported here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from kerasx import _backend


def _to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x
    if _backend.B.is_tensor(x):
        return np.asarray(_backend.B.convert_to_numpy(x))
    if hasattr(x, "numpy"):  # tf / torch eager tensors of another framework
        return np.asarray(x.numpy())
    return np.asarray(x)


def _features(batch: Any) -> Any:
    """``(x, y[, sample_weight])`` batches contribute only ``x``."""
    return batch[0] if isinstance(batch, tuple) else batch


def is_tf_dataset(data: Any) -> bool:
    return hasattr(data, "element_spec") and hasattr(data, "as_numpy_iterator")


def is_py_dataset(data: Any) -> bool:
    return (
        hasattr(data, "__getitem__")
        and hasattr(data, "__len__")
        and not isinstance(data, (list, tuple, np.ndarray, str, bytes))
        and not _backend.B.is_tensor(data)
        and hasattr(data, "num_batches")
    )


def is_array(data: Any) -> bool:
    return isinstance(data, np.ndarray) or _backend.B.is_tensor(data)


def iterate_batches(data: Any, steps: int | None = None) -> tuple[bool, Iterator[np.ndarray]]:
    """``(is_single_array, iterator of NumPy batches)`` for ``data``.

    Arrays and tensors are one batch; datasets, PyDatasets, lists and generators yield
    one batch per element (the element must have a ``shape``, as in Keras 3).
    """
    if is_array(data):
        return True, iter([_to_numpy(data)])
    if is_tf_dataset(data):
        source: Any = data.take(steps) if steps is not None else data
        return False, (_to_numpy(_features(b)) for b in source.as_numpy_iterator())
    if is_py_dataset(data):
        n = len(data) if steps is None else min(steps, len(data))
        return False, (_to_numpy(_features(data[i])) for i in range(n))
    if hasattr(data, "__iter__"):
        it = iter(data)
        if steps is not None:
            it = itertools.islice(it, steps)
        return False, _checked(it)
    raise TypeError(
        f"Unsupported data type: {type(data)}. `adapt` supports NumPy arrays, backend tensors, "
        "`tf.data.Dataset`, `keras.utils.PyDataset` and iterables of batches (list, generator)."
    )


def _checked(it: Iterator[Any]) -> Iterator[np.ndarray]:
    for batch in it:
        batch = _features(batch)
        if not hasattr(batch, "shape"):
            raise TypeError(
                "adapt() expects an iterable that yields arrays or tensors with a `.shape` "
                f"attribute (e.g. numpy arrays or backend tensors). Got an element of type "
                f"{type(batch).__name__}."
            )
        yield _to_numpy(batch)


def dataset_rank_one(data: Any) -> bool:
    """Whether a tf.data.Dataset yields rank-1 elements (Keras batches those by 128)."""
    spec = data.element_spec
    spec = spec[0] if isinstance(spec, tuple) else spec
    return len(tuple(spec.shape)) == 1
