"""Host-side helpers shared by the lookup, hashing and text layers.

These layers handle strings, which no accelerator backend stores, so their work happens
on the host in NumPy and plain Python: inputs of any kind (lists, NumPy arrays, backend
tensors, and TensorFlow tensors or datasets, recognised by duck typing so TensorFlow is
never imported) are brought to NumPy here, and only the numeric results go back to the
active backend through :func:`kerasx.ops.convert_to_tensor`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from kerasx import _backend, ops
from kerasx.backends.common import settings
from kerasx.engine.keras_tensor import KerasTensor


def is_batch_container(data: Any) -> bool:
    """True for one in-memory batch (array-like), False for an iterable of batches."""
    if isinstance(data, (list, tuple, np.ndarray, str, bytes)):
        return True
    if _backend.B.is_tensor(data) or _is_tf_tensor(data):
        return True
    return not hasattr(data, "__iter__")


def _is_tf_tensor(x: Any) -> bool:
    mod = type(x).__module__ or ""
    return mod.startswith("tensorflow") and hasattr(x, "numpy") and hasattr(x, "shape")


def iterate_batches(data: Any, steps: int | None) -> Iterator[Any]:
    """Batches of an iterable (``tf.data.Dataset``, generator, PyDataset...), up to ``steps``."""
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        yield batch


def to_numpy(x: Any) -> np.ndarray:
    """Any array-like (including TF, torch, JAX tensors and Variables) as a NumPy array."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, KerasTensor):
        raise ValueError("A symbolic KerasTensor has no value to preprocess.")
    if _is_tf_tensor(x):
        if type(x).__name__ in ("RaggedTensor", "SparseTensor"):
            raise ValueError(
                f"{type(x).__name__} inputs are not supported by kerasx preprocessing layers; "
                "pass dense arrays (pad ragged data first)."
            )
        return np.asarray(x.numpy())
    if _backend.B.is_tensor(x) or hasattr(x, "numpy"):
        return np.asarray(ops.convert_to_numpy(x))
    try:
        return np.asarray(x)
    except ValueError as e:
        raise ValueError(
            "Inputs of unequal lengths (ragged) are not supported; pad them to a common "
            f"length first. Received: {x!r:.200}"
        ) from e


def to_text_array(x: Any, encoding: str = "utf-8") -> np.ndarray:
    """Inputs as an object array of Python ``str`` (bytes are decoded with ``encoding``)."""
    arr = to_numpy(x)
    out = np.empty(arr.shape, dtype=object)
    flat_in = arr.reshape(-1)
    flat_out = out.reshape(-1)
    for i, v in enumerate(flat_in):
        if isinstance(v, (bytes, np.bytes_)):
            flat_out[i] = bytes(v).decode(encoding)
        else:
            flat_out[i] = str(v)
    return out


def to_int_array(x: Any) -> np.ndarray:
    """Integer inputs as an int64 NumPy array (floats must hold whole numbers)."""
    arr = to_numpy(x)
    if arr.dtype.kind in "iub":
        return arr.astype(np.int64)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.floor(arr)):
            raise ValueError(f"Expected integer inputs, received non-integer values: {arr!r:.200}")
        return arr.astype(np.int64)
    if arr.dtype.kind == "O" and all(isinstance(v, (int, np.integer)) for v in arr.reshape(-1)):
        return arr.astype(np.int64)
    raise ValueError(f"Expected integer inputs, received dtype {arr.dtype}.")


def encode_categorical(indices: np.ndarray, output_mode: str, depth: int, dtype: str) -> np.ndarray:
    """One-hot / multi-hot / count encoding of integer ``indices`` in NumPy.

    Indices outside ``[0, depth)`` (the mask sentinel) are dropped.  ``one_hot``
    encodes each element (squeezing a trailing axis of 1); ``multi_hot`` and
    ``count`` reduce the last axis, a rank-1 input being one sample.
    """
    idx = np.asarray(indices, dtype=np.int64)
    if idx.ndim == 0:
        idx = idx[None]
    if output_mode == "one_hot":
        if idx.ndim > 1 and idx.shape[-1] == 1:
            idx = idx[..., 0]
        valid = (idx >= 0) & (idx < depth)
        out = (idx[..., None] == np.arange(depth)) & valid[..., None]
        return out.astype(dtype)
    lead = idx.shape[:-1]
    flat = idx.reshape(-1, idx.shape[-1])
    out = np.zeros((flat.shape[0], depth), dtype=np.float64)
    for row, values in enumerate(flat):
        values = values[(values >= 0) & (values < depth)]
        np.add.at(out[row], values, 1.0)
    if output_mode == "multi_hot":
        out = np.minimum(out, 1.0)
    return out.reshape(*lead, depth).astype(dtype)


def encode_rows(rows: list[list[int]], output_mode: str, depth: int, dtype: str) -> np.ndarray:
    """``multi_hot`` / ``count`` encoding of variable-length rows of indices."""
    out = np.zeros((len(rows), depth), dtype=np.float64)
    for r, values in enumerate(rows):
        for v in values:
            if 0 <= v < depth:
                out[r, v] += 1.0
    if output_mode == "multi_hot":
        out = np.minimum(out, 1.0)
    return out.astype(dtype)


def to_backend(x: np.ndarray, dtype: str) -> Any:
    """A host result as a tensor of the active backend."""
    return ops.convert_to_tensor(np.ascontiguousarray(x), dtype=dtype)


def floatx() -> str:
    return settings.floatx()
