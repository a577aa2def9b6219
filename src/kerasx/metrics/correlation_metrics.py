"""Correlation metrics between labels and predictions along an axis: Pearson's r and
Lin's concordance correlation coefficient, averaged over samples."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import epsilon
from kerasx.metrics.error_functions import _pair
from kerasx.metrics.reduction_metrics import MeanMetricWrapper
from kerasx.saving.registry import keras_export


@keras_export("keras.metrics.pearson_correlation")
def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Pearson correlation coefficient along ``axis``."""
    y_true, y_pred = _pair(y_true, y_pred)
    t = ops.subtract(y_true, ops.mean(y_true, axis=axis, keepdims=True))
    p = ops.subtract(y_pred, ops.mean(y_pred, axis=axis, keepdims=True))
    t = ops.divide(t, ops.std(t, axis=axis, keepdims=True))
    p = ops.divide(p, ops.std(p, axis=axis, keepdims=True))
    return ops.mean(ops.multiply(t, p), axis=axis)


@keras_export("keras.metrics.concordance_correlation")
def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Concordance correlation coefficient along ``axis``.

    The covariance term centres ``y_true`` on the *prediction* mean, exactly as
    Keras 3 does, so that values agree with Keras.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    true_var = ops.var(ops.subtract(y_true, true_mean), axis=axis, keepdims=True)
    pred_var = ops.var(ops.subtract(y_pred, pred_mean), axis=axis, keepdims=True)
    covar = ops.multiply(ops.subtract(y_true, pred_mean), ops.subtract(y_pred, pred_mean))
    norm = ops.add(ops.add(true_var, pred_var), ops.square(ops.subtract(true_mean, pred_mean)))
    return ops.mean(ops.divide(ops.multiply(2.0, covar), ops.add(norm, epsilon())), axis=axis)


@keras_export("keras.metrics.PearsonCorrelation")
class PearsonCorrelation(MeanMetricWrapper):
    """Mean Pearson correlation between labels and predictions along ``axis``."""

    def __init__(
        self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1
    ) -> None:
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


@keras_export("keras.metrics.ConcordanceCorrelation")
class ConcordanceCorrelation(MeanMetricWrapper):
    """Mean concordance correlation between labels and predictions along ``axis``."""

    def __init__(
        self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1
    ) -> None:
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
