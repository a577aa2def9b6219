"""MNIST handwritten digits (``keras.datasets.mnist``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.datasets._safe_load import TF_DATASETS
from kerasx.saving.registry import keras_export
from kerasx.utils.file_utils import get_file

_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


@keras_export("keras.datasets.mnist.load_data")
def load_data(path: str = "mnist.npz") -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28) and uint8 labels.

    Downloaded once into the kerasx cache (``datasets/<path>``) and checked by sha256.
    """
    local = get_file(fname=path, origin=f"{TF_DATASETS}mnist.npz", file_hash=_SHA256)
    with np.load(local, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
