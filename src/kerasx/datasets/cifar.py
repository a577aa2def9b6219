"""Reading the pickled batches of the CIFAR-10/100 "python version" archives."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.backends.common.settings import image_data_format
from kerasx.datasets._safe_load import safe_pickle_load


def load_batch(fpath: str, label_key: str = "labels") -> tuple[np.ndarray, Any]:
    """``(data, labels)`` of one batch file: data as uint8 (N, 3, 32, 32)."""
    with open(fpath, "rb") as f:
        raw = safe_pickle_load(f, encoding="bytes")
    batch = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in raw.items()}
    data = np.asarray(batch["data"])
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def finish(x_train: Any, y_train: Any, x_test: Any, y_test: Any) -> tuple[tuple[Any, Any], ...]:
    """Labels as (N, 1) columns; images moved to channels_last when that is the setting."""
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))
