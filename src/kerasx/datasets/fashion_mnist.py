"""Fashion-MNIST clothing images (``keras.datasets.fashion_mnist``).

Stored upstream as the four gzipped IDX files of the original release; Keras does not
hash-check them, and neither does this loader, to keep the same cache contents.
"""

from __future__ import annotations

import gzip
import os
from typing import Any

import numpy as np

from kerasx.datasets._safe_load import TF_DATASETS
from kerasx.saving.registry import keras_export
from kerasx.utils.file_utils import get_file

_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


def _idx(path: str, header: int) -> np.ndarray:
    """Payload of a gzipped IDX file (``header`` bytes of magic + dimensions skipped)."""
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header)


@keras_export("keras.datasets.fashion_mnist.load_data")
def load_data() -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """``(x_train, y_train), (x_test, y_test)``: uint8 (N, 28, 28) images, uint8 labels."""
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(name, origin=TF_DATASETS + name, cache_subdir=subdir) for name in _FILES]
    y_train = _idx(paths[0], 8)
    x_train = _idx(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _idx(paths[2], 8)
    x_test = _idx(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
