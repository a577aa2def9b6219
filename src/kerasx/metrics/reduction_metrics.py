"""Running sums and (weighted) means: ``Sum``, ``Mean`` and ``MeanMetricWrapper``.

``MeanMetricWrapper`` turns any per-sample function ``fn(y_true, y_pred)`` into a
metric that averages it over every sample seen, which is how most Keras metrics
(accuracies, errors, cross-entropies) are built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kerasx import ops
from kerasx.metrics._utils import (
    broadcast_like,
    count_rows,
    get_mask,
    merge_mask_into_weight,
    ndim,
    squeeze_or_expand_to_same_rank,
)
from kerasx.metrics.base import Metric
from kerasx.saving import serialization
from kerasx.saving.registry import keras_export


def reduce_to_samplewise_values(
    values: Any, sample_weight: Any, reduce_fn: Callable[..., Any], dtype: str
) -> tuple[Any, Any]:
    """Weight ``values`` and reduce both to one entry per sample.

    Values of higher rank than the weights are first reduced down to the weights' rank;
    the weights are broadcast to the values, so that summing them counts samples.
    """
    mask = get_mask(values)
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        sample_weight = merge_mask_into_weight(sample_weight, mask, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_rank, v_rank = ndim(sample_weight), ndim(values)
        if v_rank > w_rank:
            values = reduce_fn(values, axis=tuple(range(w_rank, v_rank)))
        sample_weight = broadcast_like(sample_weight, values)
        values = ops.multiply(values, sample_weight)
        if w_rank > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, w_rank)))
    v_rank = ndim(values)
    if v_rank > 1:
        values = reduce_fn(values, axis=tuple(range(1, v_rank)))
    return values, sample_weight


@keras_export("keras.metrics.Sum")
class Sum(Metric):
    """The (weighted) sum of every value seen.

    Args:
        name: metric name.
        dtype: dtype of the result.
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="total"
        )

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, _ = reduce_to_samplewise_values(
            values, sample_weight, reduce_fn=ops.sum, dtype=self.dtype
        )
        self.total.assign_add(ops.sum(values))

    def reset_state(self) -> None:
        self.total.assign(ops.zeros((), dtype=self.total.dtype))

    def result(self) -> Any:
        return ops.cast(self.total, self.dtype)


@keras_export("keras.metrics.Mean")
class Mean(Metric):
    """The (weighted) mean of every value seen: ``sum(w * v) / sum(w)``.

    Args:
        name: metric name.
        dtype: dtype of the result.
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="total"
        )
        self.count = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="count"
        )

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, reduce_fn=ops.mean, dtype=self.dtype
        )
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        elif ndim(values) >= 1:
            num_samples = count_rows(values, self.dtype)
        else:
            num_samples = ops.ones((), dtype=self.dtype)
        self.count.assign_add(ops.cast(num_samples, self.dtype))

    def reset_state(self) -> None:
        self.total.assign(ops.zeros((), dtype=self.total.dtype))
        self.count.assign(ops.zeros((), dtype=self.count.dtype))

    def result(self) -> Any:
        return ops.divide_no_nan(self.total, ops.cast(self.count, self.dtype))


@keras_export("keras.metrics.MeanMetricWrapper")
class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    Args:
        fn: per-sample metric function ``fn(y_true, y_pred, **kwargs)``.
        name: metric name.
        dtype: dtype of the result.
        **kwargs: keyword arguments passed to ``fn``.
    """

    def __init__(
        self, fn: Callable[..., Any], name: str | None = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if _is_loss(fn):
            self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        mask = get_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = merge_mask_into_weight(sample_weight, mask, self.dtype)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = {"fn": serialization.serialize_keras_object(self._fn)}
        config.update(serialization.serialize_keras_object(self._fn_kwargs))
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MeanMetricWrapper:
        config = dict(config)
        if "fn" in config:
            config["fn"] = serialization.deserialize_keras_object(
                config["fn"], printable_module_name="metric function"
            )
        return cls(**config)


def _is_loss(fn: Any) -> bool:
    """True for the per-sample error functions and ``kerasx.losses`` objects (minimised)."""
    from kerasx.metrics import error_functions
    from kerasx.saving.registry import builtin_path

    if getattr(fn, "__module__", None) == error_functions.__name__:
        return True
    path = builtin_path(fn) or builtin_path(type(fn))
    return bool(path and path[0] == "keras.losses")
