"""Metrics read off a thresholded confusion matrix: counts, precision, recall and
the "X at fixed Y" operating-point metrics.  AUC lives in :mod:`.auc_metrics`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kerasx import ops
from kerasx.metrics import _confusion as cm
from kerasx.metrics.base import Metric
from kerasx.saving.registry import keras_export


def _first_if_single(values: Any, thresholds: list[float]) -> Any:
    return values[0] if len(thresholds) == 1 else values


class _ConfusionMatrixConditionCount(Metric):
    """Weighted count of one confusion-matrix cell at each threshold."""

    _cell = cm.TP

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = cm.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = cm.is_evenly_distributed(self.thresholds)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        cm.update_confusion_variables(
            {self._cell: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self) -> Any:
        return ops.convert_to_tensor(_first_if_single(self.accumulator.value, self.thresholds))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


@keras_export("keras.metrics.FalsePositives")
class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted number of negatives predicted positive (``y_pred > threshold``)."""

    _cell = cm.FP

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)


@keras_export("keras.metrics.FalseNegatives")
class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted number of positives predicted negative."""

    _cell = cm.FN

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)


@keras_export("keras.metrics.TrueNegatives")
class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted number of negatives predicted negative."""

    _cell = cm.TN

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)


@keras_export("keras.metrics.TruePositives")
class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted number of positives predicted positive."""

    _cell = cm.TP

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)


class _PrecisionRecallBase(Metric):
    """Shared state of Precision and Recall: TP plus one error cell per threshold."""

    _error_cell = cm.FP
    _error_name = "false_positives"

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else cm.NEG_INF
        self.thresholds = cm.parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = cm.is_evenly_distributed(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(
            shape=(n,), initializer="zeros", name="true_positives"
        )
        setattr(
            self,
            self._error_name,
            self.add_variable(shape=(n,), initializer="zeros", name=self._error_name),
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        cm.update_confusion_variables(
            {cm.TP: self.true_positives, self._error_cell: getattr(self, self._error_name)},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self) -> Any:
        tp = self.true_positives.value
        value = ops.divide_no_nan(tp, ops.add(tp, getattr(self, self._error_name).value))
        return _first_if_single(value, self.thresholds)

    def reset_state(self) -> None:
        n = len(self.thresholds)
        self.true_positives.assign(ops.zeros((n,)))
        getattr(self, self._error_name).assign(ops.zeros((n,)))

    def get_config(self) -> dict[str, Any]:
        config = {
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }
        return {**super().get_config(), **config}


@keras_export("keras.metrics.Precision")
class Precision(_PrecisionRecallBase):
    """``TP / (TP + FP)``: how many predicted positives are right.

    Args:
        thresholds: float or list of floats in ``[0, 1]``; one result per threshold.
        top_k: only the ``top_k`` highest-scoring classes of a sample may be positive.
        class_id: compute the metric for this class only.
    """

    _error_cell = cm.FP
    _error_name = "false_positives"

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype
        )


@keras_export("keras.metrics.Recall")
class Recall(_PrecisionRecallBase):
    """``TP / (TP + FN)``: how many actual positives are found.

    Args:
        thresholds: float or list of floats in ``[0, 1]``; one result per threshold.
        top_k: only the ``top_k`` highest-scoring classes of a sample may be positive.
        class_id: compute the metric for this class only.
    """

    _error_cell = cm.FN
    _error_name = "false_negatives"

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            thresholds=thresholds, top_k=top_k, class_id=class_id, name=name, dtype=dtype
        )


class SensitivitySpecificityBase(Metric):
    """Full confusion matrix at ``num_thresholds`` evenly spaced thresholds in ``[0, 1]``.

    Subclasses maximise one rate subject to a floor on another.
    """

    def __init__(
        self,
        value: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(
                f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0, *inner, 1.0]
            self._thresholds_distributed_evenly = True
        n = len(self.thresholds)
        self.true_positives = self.add_variable(
            shape=(n,), initializer="zeros", name="true_positives"
        )
        self.false_positives = self.add_variable(
            shape=(n,), initializer="zeros", name="false_positives"
        )
        self.true_negatives = self.add_variable(
            shape=(n,), initializer="zeros", name="true_negatives"
        )
        self.false_negatives = self.add_variable(
            shape=(n,), initializer="zeros", name="false_negatives"
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        cm.update_confusion_variables(
            {
                cm.TP: self.true_positives,
                cm.TN: self.true_negatives,
                cm.FP: self.false_positives,
                cm.FN: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def reset_state(self) -> None:
        n = len(self.thresholds)
        for v in (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        ):
            v.assign(ops.zeros((n,)))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "class_id": self.class_id}

    # Rates at every threshold.
    def _recall(self) -> Any:
        tp = self.true_positives.value
        return ops.divide_no_nan(tp, ops.add(tp, self.false_negatives.value))

    def _specificity(self) -> Any:
        tn = self.true_negatives.value
        return ops.divide_no_nan(tn, ops.add(tn, self.false_positives.value))

    def _precision(self) -> Any:
        tp = self.true_positives.value
        return ops.divide_no_nan(tp, ops.add(tp, self.false_positives.value))

    def _find_max_under_constraint(
        self, constrained: Any, dependent: Any, predicate: Callable[[Any, Any], Any]
    ) -> Any:
        """Largest ``dependent`` among thresholds where ``predicate(constrained, value)``; 0 if none."""
        feasible = predicate(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, ops.zeros_like(dependent)), initial=0)


def _check_unit_interval(name: str, value: float) -> None:
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: {name}={value}")


@keras_export("keras.metrics.SensitivityAtSpecificity")
class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """Best sensitivity (recall) among thresholds whose specificity is at least ``specificity``."""

    def __init__(
        self,
        specificity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        _check_unit_interval("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(
            specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self) -> Any:
        return self._find_max_under_constraint(
            self._specificity(), self._recall(), ops.greater_equal
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "specificity": self.specificity,
        }


@keras_export("keras.metrics.SpecificityAtSensitivity")
class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """Best specificity among thresholds whose sensitivity is at least ``sensitivity``."""

    def __init__(
        self,
        sensitivity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        _check_unit_interval("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(
            sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self) -> Any:
        return self._find_max_under_constraint(
            self._recall(), self._specificity(), ops.greater_equal
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "sensitivity": self.sensitivity,
        }


@keras_export("keras.metrics.PrecisionAtRecall")
class PrecisionAtRecall(SensitivitySpecificityBase):
    """Best precision among thresholds whose recall is at least ``recall``."""

    def __init__(
        self,
        recall: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        _check_unit_interval("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(
            value=recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self) -> Any:
        return self._find_max_under_constraint(self._recall(), self._precision(), ops.greater_equal)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "recall": self.recall,
        }


@keras_export("keras.metrics.RecallAtPrecision")
class RecallAtPrecision(SensitivitySpecificityBase):
    """Best recall among thresholds whose precision is at least ``precision``."""

    def __init__(
        self,
        precision: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        _check_unit_interval("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(
            value=precision,
            num_thresholds=num_thresholds,
            class_id=class_id,
            name=name,
            dtype=dtype,
        )

    def result(self) -> Any:
        return self._find_max_under_constraint(self._precision(), self._recall(), ops.greater_equal)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "precision": self.precision,
        }
