"""Regression metrics: mean errors, RMSE, cosine similarity, log-cosh and R^2."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.metrics import error_functions as ef
from kerasx.metrics._utils import (
    broadcast_like,
    count_entries,
    ndim,
    squeeze_or_expand_to_same_rank,
)
from kerasx.metrics.base import Metric
from kerasx.metrics.reduction_metrics import Mean, MeanMetricWrapper
from kerasx.saving.registry import keras_export


class _NameDtypeConfig:
    """Mixin: configs hold only ``name`` and ``dtype`` (the function is implied)."""

    name: str
    dtype: str

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.MeanSquaredError")
class MeanSquaredError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean of ``(y_true - y_pred) ** 2``."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(fn=ef.mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.MeanAbsoluteError")
class MeanAbsoluteError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean of ``|y_true - y_pred|``."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(ef.mean_absolute_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.MeanAbsolutePercentageError")
class MeanAbsolutePercentageError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean of ``100 * |y_true - y_pred| / |y_true|``."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(ef.mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.MeanSquaredLogarithmicError")
class MeanSquaredLogarithmicError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean of ``(log(1 + y_true) - log(1 + y_pred)) ** 2``."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(ef.mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.RootMeanSquaredError")
class RootMeanSquaredError(Mean):
    """Square root of the mean squared error over all samples seen."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(ops.square(ops.subtract(y_pred, y_true)), sample_weight=sample_weight)

    def result(self) -> Any:
        return ops.sqrt(super().result())


@keras_export("keras.metrics.CosineSimilarity")
class CosineSimilarity(_NameDtypeConfig, MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions along ``axis``."""

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(ef.cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"


@keras_export("keras.metrics.LogCoshError")
class LogCoshError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean of ``log(cosh(y_pred - y_true))``."""

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(ef.log_cosh, name, dtype=dtype)
        self._direction = "down"


@keras_export("keras.metrics.R2Score")
class R2Score(Metric):
    """Coefficient of determination, ``1 - SS_res / SS_tot``, per output then aggregated.

    Args:
        class_aggregation: ``"uniform_average"``, ``"variance_weighted_average"`` or
            None (one score per output).
        num_regressors: number of independent variables; > 0 gives the adjusted R^2.
    """

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {valid}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                f"Invalid value for argument `num_regressors`. Expected a value >= 0. Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape: tuple[Any, ...], y_pred_shape: tuple[Any, ...]) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim), with output_dim "
                f"fully defined (not None). Received input shapes: y_pred.shape={y_pred_shape} "
                f"and y_true.shape={y_true_shape}."
            )
        n = y_pred_shape[-1]
        self.squared_sum = self.add_variable(name="squared_sum", shape=(n,), initializer="zeros")
        self.sum = self.add_variable(name="sum", shape=(n,), initializer="zeros")
        self.total_mse = self.add_variable(name="residual", shape=(n,), initializer="zeros")
        self.count = self.add_variable(name="count", shape=(n,), initializer="zeros")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(ops.shape(y_true), ops.shape(y_pred))
        if sample_weight is None:
            sample_weight = 1
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
        if ndim(sample_weight) == 1:
            sample_weight = ops.expand_dims(sample_weight, axis=1)
        sample_weight = broadcast_like(sample_weight, y_true)
        weighted = ops.multiply(y_true, sample_weight)
        self.sum.assign(ops.add(self.sum, ops.sum(weighted, axis=0)))
        self.squared_sum.assign(
            ops.add(self.squared_sum, ops.sum(ops.multiply(y_true, weighted), axis=0))
        )
        residual = ops.multiply(ops.square(ops.subtract(y_true, y_pred)), sample_weight)
        self.total_mse.assign(ops.add(self.total_mse, ops.sum(residual, axis=0)))
        self.count.assign(ops.add(self.count, ops.sum(sample_weight, axis=0)))
        # Keras counts every entry of y_true here (samples x outputs).
        self.num_samples.assign(
            ops.add(self.num_samples, count_entries(y_true, self.num_samples.dtype))
        )

    def result(self) -> Any:
        total_sum = self.sum.value
        mean = ops.divide(total_sum, self.count.value)
        total = ops.subtract(self.squared_sum.value, ops.multiply(total_sum, mean))
        raw = ops.subtract(1.0, ops.divide(self.total_mse.value, total))
        raw = ops.where(ops.isinf(raw), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.divide(ops.sum(ops.multiply(total, raw)), ops.sum(total))
        else:
            score = raw
        if self.num_regressors != 0:
            # Adjusted R^2 needs n - p - 1 > 0; otherwise keep the plain score.
            n = ops.cast(self.num_samples.value, "float32")
            p = float(self.num_regressors)
            den = ops.subtract(ops.subtract(n, p), 1.0)
            safe_den = ops.where(ops.greater(den, 0.0), den, ops.ones_like(den))
            adjusted = ops.subtract(
                1.0,
                ops.divide(ops.multiply(ops.subtract(1.0, score), ops.subtract(n, 1.0)), safe_den),
            )
            score = ops.where(ops.greater(den, 0.0), adjusted, score)
        return score

    def reset_state(self) -> None:
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self) -> dict[str, Any]:
        config = {
            "name": self.name,
            "dtype": self.dtype,
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
        return {**super().get_config(), **config}
