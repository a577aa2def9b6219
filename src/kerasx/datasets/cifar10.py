"""CIFAR-10 small colour images in 10 classes (``keras.datasets.cifar10``)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from kerasx.datasets.cifar import finish, load_batch
from kerasx.saving.registry import keras_export
from kerasx.utils.file_utils import get_file

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


@keras_export("keras.datasets.cifar10.load_data")
def load_data() -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 32, 32, 3) with
    channels_last (else (N, 3, 32, 32)) and uint8 labels of shape (N, 1)."""
    root = get_file(
        fname="cifar-10-batches-py-target", origin=_ORIGIN, extract=True, file_hash=_SHA256
    )
    folder = os.path.join(root, "cifar-10-batches-py")
    xs, ys = [], []
    for i in range(1, 6):
        x, y = load_batch(os.path.join(folder, f"data_batch_{i}"))
        xs.append(x.astype("uint8"))
        ys.append(np.asarray(y, dtype="uint8"))
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    return finish(np.concatenate(xs), np.concatenate(ys), x_test, np.asarray(y_test))
