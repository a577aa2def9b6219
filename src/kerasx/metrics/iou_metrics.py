"""Intersection-over-union metrics for segmentation: ``IoU``, ``MeanIoU``, ``BinaryIoU``,
``OneHotIoU`` and ``OneHotMeanIoU``.

They accumulate a class confusion matrix; IoU of class ``c`` is
``TP_c / (TP_c + FP_c + FN_c)``, averaged over the requested classes that occurred.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import epsilon
from kerasx.metrics._confusion import confusion_matrix
from kerasx.metrics._utils import broadcast_like, ndim
from kerasx.metrics.base import Metric
from kerasx.saving.registry import keras_export


class _IoUBase(Metric):
    """Accumulates the ``(num_classes, num_classes)`` confusion matrix."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(name=name, dtype=dtype or "int")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            name="total_confusion_matrix",
            shape=(num_classes, num_classes),
            initializer="zeros",
            dtype=self.dtype,
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        if ndim(y_pred) > 1:
            y_pred = ops.reshape(y_pred, (-1,))
        if ndim(y_true) > 1:
            y_true = ops.reshape(y_true, (-1,))
        if sample_weight is None:
            sample_weight = 1
        elif "float" in str(getattr(sample_weight, "dtype", "")) and "int" in self.dtype:
            warnings.warn(
                "You are passing weight as `float`, but dtype is `int`. This may result in an "
                "incorrect weight due to type casting Consider using integer weights.",
                stacklevel=2,
            )
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
        if ndim(sample_weight) > 1:
            sample_weight = ops.reshape(sample_weight, (-1,))
        sample_weight = broadcast_like(sample_weight, y_true)
        # Labels or predictions outside [0, num_classes), and ignored labels, count nowhere.
        in_range = ops.logical_and(
            ops.logical_and(ops.greater_equal(y_true, 0), ops.less(y_true, self.num_classes)),
            ops.logical_and(ops.greater_equal(y_pred, 0), ops.less(y_pred, self.num_classes)),
        )
        if self.ignore_class is not None:
            in_range = ops.logical_and(
                in_range, ops.not_equal(y_true, ops.cast(self.ignore_class, self.dtype))
            )
        zero = ops.zeros((), dtype=self.dtype)
        y_true = ops.where(in_range, y_true, zero)
        y_pred = ops.where(in_range, y_pred, zero)
        sample_weight = ops.cast(ops.where(in_range, sample_weight, zero), self.dtype)
        current = confusion_matrix(
            y_true, y_pred, self.num_classes, weights=sample_weight, dtype=self.dtype
        )
        return self.total_cm.assign(ops.add(self.total_cm, current))

    def reset_state(self) -> None:
        self.total_cm.assign(ops.zeros(self.total_cm.shape, dtype=self.total_cm.dtype))


@keras_export("keras.metrics.IoU")
class IoU(_IoUBase):
    """Mean intersection-over-union over ``target_class_ids``.

    Args:
        num_classes: number of classes.
        target_class_ids: class ids whose IoU is averaged.
        ignore_class: label id excluded from the statistics.
        sparse_y_true, sparse_y_pred: whether labels / predictions are class ids (else
            one-hot or scores, reduced with arg-max over ``axis``).
        axis: class axis of dense inputs.
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            name=name,
            num_classes=num_classes,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
            dtype=dtype,
        )
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is [0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self) -> Any:
        total = self.total_cm.value
        predicted = ops.cast(ops.sum(total, axis=0), self.dtype)
        actual = ops.cast(ops.sum(total, axis=1), self.dtype)
        tp = ops.cast(ops.diagonal(total), self.dtype)
        union = ops.subtract(ops.add(predicted, actual), tp)
        ids = ops.convert_to_tensor(self.target_class_ids, dtype="int32")
        tp = ops.cast(ops.take(tp, ids, axis=-1), "float32")
        union = ops.cast(ops.take(union, ids, axis=-1), "float32")
        valid = ops.greater(union, 1e-9)
        num_valid = ops.sum(ops.cast(valid, "float32"))
        iou = ops.divide(tp, ops.add(union, epsilon()))
        iou = ops.where(valid, iou, ops.zeros_like(iou))
        return ops.divide(ops.sum(iou, axis=self.axis), ops.add(num_valid, epsilon()))

    def get_config(self) -> dict[str, Any]:
        config = {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
        return {**super().get_config(), **config}


@keras_export("keras.metrics.BinaryIoU")
class BinaryIoU(IoU):
    """IoU for binary labels and probability-like predictions (``>= threshold`` is 1)."""

    def __init__(
        self,
        target_class_ids: Sequence[int] = (0, 1),
        threshold: float = 0.5,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), "float32")
        y_pred = ops.cast(ops.greater_equal(y_pred, self.threshold), self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


@keras_export("keras.metrics.MeanIoU")
class MeanIoU(IoU):
    """IoU averaged over all ``num_classes`` classes."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(
            name=name,
            num_classes=num_classes,
            target_class_ids=list(range(num_classes)),
            axis=axis,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


@keras_export("keras.metrics.OneHotIoU")
class OneHotIoU(IoU):
    """IoU over ``target_class_ids`` for one-hot labels (predictions: scores by default)."""

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


@keras_export("keras.metrics.OneHotMeanIoU")
class OneHotMeanIoU(MeanIoU):
    """IoU averaged over all classes, for one-hot labels (predictions: scores by default)."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            axis=axis,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
