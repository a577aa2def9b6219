"""Hinge metrics for maximum-margin classifiers, averaged over samples."""

from __future__ import annotations

from typing import Any

from kerasx.metrics import error_functions as ef
from kerasx.metrics.reduction_metrics import MeanMetricWrapper
from kerasx.saving.registry import keras_export


@keras_export("keras.metrics.Hinge")
class Hinge(MeanMetricWrapper):
    """Mean of ``max(1 - y_true * y_pred, 0)``; 0/1 labels are mapped to -1/1."""

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(fn=ef.hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.SquaredHinge")
class SquaredHinge(MeanMetricWrapper):
    """Mean of ``max(1 - y_true * y_pred, 0) ** 2``; 0/1 labels are mapped to -1/1."""

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(fn=ef.squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.CategoricalHinge")
class CategoricalHinge(MeanMetricWrapper):
    """Mean of ``max(max_wrong - true_score + 1, 0)`` for one-hot labels."""

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(fn=ef.categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}
