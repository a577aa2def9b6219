"""CIFAR-100 small colour images in 100 fine / 20 coarse classes
(``keras.datasets.cifar100``)."""

from __future__ import annotations

import os
from typing import Any

from kerasx.datasets.cifar import finish, load_batch
from kerasx.saving.registry import keras_export
from kerasx.utils.file_utils import get_file

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


@keras_export("keras.datasets.cifar100.load_data")
def load_data(label_mode: str = "fine") -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """Images as in cifar10; labels (N, 1) from the ``"fine"`` or ``"coarse"`` set."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.'
        )
    root = get_file(
        fname="cifar-100-python-target", origin=_ORIGIN, extract=True, file_hash=_SHA256
    )
    folder = os.path.join(root, "cifar-100-python")
    key = f"{label_mode}_labels"
    x_train, y_train = load_batch(os.path.join(folder, "train"), label_key=key)
    x_test, y_test = load_batch(os.path.join(folder, "test"), label_key=key)
    return finish(x_train, y_train, x_test, y_test)
