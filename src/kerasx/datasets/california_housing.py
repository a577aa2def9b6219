"""California housing prices regression data (``keras.datasets.california_housing``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.datasets._safe_load import TF_DATASETS, check_test_split, shuffle_split
from kerasx.saving.registry import keras_export
from kerasx.utils.file_utils import get_file

_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


@keras_export("keras.datasets.california_housing.load_data")
def load_data(
    version: str = "large",
    path: str = "california_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """``(x_train, y_train), (x_test, y_test)``: (N, 8) features and (N,) prices.

    ``version="small"`` keeps the first 600 districts (a stand-in for boston_housing).
    """
    check_test_split(test_split)
    local = get_file(path, origin=f"{TF_DATASETS}california_housing.npz", file_hash=_SHA256)
    with np.load(local, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError(
            f"Argument `version` must be one of 'small', 'large'. Received: version={version}"
        )
    return shuffle_split(x, y, test_split, seed)
