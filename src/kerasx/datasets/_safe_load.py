"""Loading dataset files without letting them run code.

IMDB and Reuters ship ragged word-index sequences as ``dtype=object`` arrays, which
NumPy can only store as pickles, and CIFAR ships pickled dicts.  ``np.load(...,
allow_pickle=True)`` / ``pickle.load`` would let a tampered download execute arbitrary
code, so these files are read with an unpickler that can build NumPy arrays and plain
containers and nothing else.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from typing import Any

import numpy as np

# The only globals an object-array or CIFAR pickle needs (numpy 1.x and 2.x spellings).
_ALLOWED = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
    }
)


class SafeUnpickler(pickle.Unpickler):
    """Unpickler that refuses every global outside NumPy array reconstruction."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` from a dataset file: only NumPy arrays are "
            "allowed. The file may be corrupted or malicious; delete it from the cache."
        )


def safe_pickle_load(fileobj: Any, encoding: str = "ASCII") -> Any:
    """``pickle.load`` restricted to NumPy arrays and builtin containers."""
    return SafeUnpickler(fileobj, encoding=encoding).load()


def _read_npy(buffer: io.BytesIO) -> np.ndarray:
    try:
        return np.lib.format.read_array(buffer, allow_pickle=False)
    except ValueError:
        buffer.seek(0)
        major, _ = np.lib.format.read_magic(buffer)
        if major == 1:
            np.lib.format.read_array_header_1_0(buffer)
        elif major in (2, 3):
            # 3.0 differs from 2.0 only in the header's text encoding, not its layout.
            np.lib.format.read_array_header_2_0(buffer)
        else:
            raise ValueError(f"Unsupported .npy format version {major}.") from None
        return safe_pickle_load(buffer, encoding="latin1")


def load_npz(path: str) -> dict[str, np.ndarray]:
    """Every ``.npy`` member of an ``.npz`` file, object arrays included, safely."""
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays


def shuffle_split(
    x: Any, y: Any, test_split: float, seed: int
) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """Shuffle with ``RandomState(seed)`` then cut ``(1 - test_split)`` for training.

    Matches Keras's order of operations so the same seed gives the same split.
    """
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def check_test_split(test_split: float) -> None:
    if not 0 <= test_split < 1:
        raise ValueError(
            f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1 "
            "(exclusive of 1)."
        )


TF_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
