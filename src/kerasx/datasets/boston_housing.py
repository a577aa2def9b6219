"""Boston housing prices regression data (``keras.datasets.boston_housing``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.datasets._safe_load import TF_DATASETS, check_test_split, shuffle_split
from kerasx.saving.registry import keras_export
from kerasx.utils.file_utils import get_file

_SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


@keras_export("keras.datasets.boston_housing.load_data")
def load_data(
    path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113
) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """``(x_train, y_train), (x_test, y_test)``: (N, 13) features and (N,) prices."""
    check_test_split(test_split)
    local = get_file(path, origin=f"{TF_DATASETS}boston_housing.npz", file_hash=_SHA256)
    with np.load(local, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffle_split(x, y, test_split, seed)
