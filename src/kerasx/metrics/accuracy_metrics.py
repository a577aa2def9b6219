"""Accuracy metrics: how often predictions match labels (exact, thresholded, arg-max, top-k)."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import floatx
from kerasx.metrics._utils import ndim, squeeze_or_expand_to_same_rank
from kerasx.metrics.reduction_metrics import MeanMetricWrapper
from kerasx.saving.registry import keras_export


def accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where ``y_true == y_pred`` exactly, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.cast(ops.equal(y_true, y_pred), floatx())


@keras_export("keras.metrics.binary_accuracy")
def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """1.0 where ``y_pred > threshold`` agrees with the binary label, else 0.0."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return ops.cast(ops.equal(y_true, y_pred), floatx())


def _restore_shape(matches: Any, shape: tuple[int, ...] | None) -> Any:
    return matches if shape is None else ops.reshape(matches, shape)


@keras_export("keras.metrics.categorical_accuracy")
def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the arg-max of one-hot ``y_true`` equals the arg-max of ``y_pred``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.argmax(ops.convert_to_tensor(y_true), axis=-1), ops.dtype(y_pred))
    restore = None
    if ndim(y_true) == ndim(y_pred):
        restore = ops.shape(y_true)
        y_true = ops.squeeze(y_true, -1)
    y_pred = ops.cast(ops.argmax(y_pred, axis=-1), ops.dtype(y_true))
    return _restore_shape(ops.cast(ops.equal(y_true, y_pred), floatx()), restore)


@keras_export("keras.metrics.sparse_categorical_accuracy")
def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the integer label equals the arg-max of ``y_pred``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    restore = None
    if ndim(y_true) == ndim(y_pred) and ops.shape(y_true)[-1] == 1:
        restore = ops.shape(y_true)
        y_true = ops.squeeze(y_true, -1)
    y_pred = ops.cast(ops.argmax(y_pred, axis=-1), ops.dtype(y_true))
    matches = _restore_shape(ops.cast(ops.equal(y_true, y_pred), floatx()), restore)
    if ndim(matches) > 1 and ops.shape(matches)[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def _flatten_for_top_k(y_true: Any, y_pred: Any) -> tuple[Any, Any, tuple[int, ...] | None]:
    restore = None
    if ndim(y_pred) > 2:
        y_pred = ops.reshape(y_pred, (-1, ops.shape(y_pred)[-1]))
    if ndim(y_true) > 1:
        restore = ops.shape(y_true)
        y_true = ops.reshape(y_true, (-1,))
    return y_true, y_pred, restore


@keras_export("keras.metrics.top_k_categorical_accuracy")
def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the one-hot target class is among the ``k`` highest predictions."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.argmax(ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred)), axis=-1)
    y_true, y_pred, restore = _flatten_for_top_k(y_true, y_pred)
    matches = ops.cast(ops.in_top_k(ops.cast(y_true, "int32"), y_pred, k=k), floatx())
    return _restore_shape(matches, restore)


@keras_export("keras.metrics.sparse_top_k_categorical_accuracy")
def sparse_top_k_categorical_accuracy(
    y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
) -> Any:
    """1.0 where the integer target is among the ``k`` highest predictions.

    With ``from_sorted_ids=True``, ``y_pred`` holds class ids sorted by score instead
    of scores.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(
        ops.convert_to_tensor(y_true), ops.dtype(y_pred) if from_sorted_ids else "int32"
    )
    y_true, y_pred, restore = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        top = ops.take(y_pred, ops.arange(min(k, ops.shape(y_pred)[-1])), axis=1)
        matches = ops.any(ops.equal(ops.expand_dims(y_true, 1), top), axis=1)
    else:
        matches = ops.in_top_k(y_true, y_pred, k=k)
    return _restore_shape(ops.cast(matches, floatx()), restore)


@keras_export("keras.metrics.Accuracy")
class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.BinaryAccuracy")
class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels.

    Args:
        threshold: predictions above it count as 1.
    """

    def __init__(
        self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5
    ) -> None:
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


@keras_export("keras.metrics.CategoricalAccuracy")
class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class (arg-max) matches the one-hot label."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.SparseCategoricalAccuracy")
class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class (arg-max) matches the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.TopKCategoricalAccuracy")
class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top ``k`` predictions."""

    def __init__(
        self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


@keras_export("keras.metrics.SparseTopKCategoricalAccuracy")
class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the top ``k`` predictions."""

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
