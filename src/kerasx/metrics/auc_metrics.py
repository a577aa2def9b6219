"""``AUC``: area under the ROC or precision-recall curve, approximated by a Riemann sum
over confusion matrices kept at a fixed set of thresholds."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx import ops
from kerasx.backends.common.settings import epsilon
from kerasx.metrics import _confusion as cm
from kerasx.metrics.base import Metric
from kerasx.saving import serialization
from kerasx.saving.registry import keras_export

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = {"interpolation": "interpolation", "majoring": "majoring", "minoring": "minoring"}


def _parse_curve(curve: Any) -> str:
    key = str(getattr(curve, "value", curve))
    if key not in ("ROC", "roc", "PR", "pr", "PRGAIN", "prgain"):
        raise ValueError(
            f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
        )
    return _CURVES[key.lower()]


def _parse_summation(method: Any) -> str:
    key = str(getattr(method, "value", method))
    if key not in (
        "interpolation",
        "Interpolation",
        "majoring",
        "Majoring",
        "minoring",
        "Minoring",
    ):
        raise ValueError(
            f'Invalid AUC summation method value: "{method}". Expected values are ["interpolation", "majoring", "minoring"]'
        )
    return _SUMMATIONS[key.lower()]


@keras_export("keras.metrics.AUC")
class AUC(Metric):
    """Area under the ROC, PR or PR-gain curve.

    Args:
        num_thresholds: number of evenly spaced thresholds (> 1) used to build the curve.
        curve: ``"ROC"``, ``"PR"`` or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (trapezoids; for PR the Davis & Goadrich
            interpolation), ``"minoring"`` or ``"majoring"`` (lower/upper Riemann sums).
        thresholds: explicit thresholds in ``[0, 1]`` (overrides ``num_thresholds``).
        multi_label: one curve per label (columns of ``y_pred``), then averaged.
        num_labels: number of labels when ``multi_label`` (else found at the first update).
        label_weights: per-label weights of the average (multi-label) or of the data.
        from_logits: apply a sigmoid to ``y_pred`` first.
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Any = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(float(t) for t in thresholds)
            self._thresholds_distributed_evenly = cm.is_evenly_distributed([0.0, *thresholds, 1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        # The end points sit just outside [0, 1] so that every prediction is counted.
        self._thresholds = np.array([0.0 - epsilon(), *thresholds, 1.0 + epsilon()])
        self.curve = _parse_curve(curve)
        self.summation_method = _parse_summation(summation_method)
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None
            if label_weights is None
            else ops.convert_to_tensor(np.asarray(label_weights), dtype=self.dtype)
        )
        self._label_weights_config = None if label_weights is None else label_weights
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        """The thresholds, including the two end points just outside ``[0, 1]``."""
        return [float(t) for t in self._thresholds]

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                    f"Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            var_shape: tuple[int, ...] = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(
            shape=var_shape, initializer="zeros", name="true_positives"
        )
        self.false_positives = self.add_variable(
            shape=var_shape, initializer="zeros", name="false_positives"
        )
        self.true_negatives = self.add_variable(
            shape=var_shape, initializer="zeros", name="true_negatives"
        )
        self.false_negatives = self.add_variable(
            shape=var_shape, initializer="zeros", name="false_negatives"
        )
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self._build(ops.shape(y_pred))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        cm.update_confusion_variables(
            {
                cm.TP: self.true_positives,
                cm.TN: self.true_negatives,
                cm.FP: self.false_positives,
                cm.FN: self.false_negatives,
            },
            y_true,
            y_pred,
            self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, per_threshold: Any) -> Any:
        if not self.multi_label:
            return ops.sum(per_threshold)
        by_label = ops.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        lw = ops.cast(self.label_weights, ops.dtype(by_label))
        return ops.divide_no_nan(ops.sum(ops.multiply(by_label, lw)), ops.sum(lw))

    def interpolate_pr_auc(self) -> Any:
        """PR-AUC with precision interpolated between thresholds (Davis & Goadrich, 2006).

        Between consecutive thresholds, TP is linear in the number of predicted
        positives ``P``; integrating precision = TP / P over that segment gives a
        closed form with a logarithm of the ratio of ``P`` at both ends.
        """
        tp = self.true_positives.value
        fp = self.false_positives.value
        fn = self.false_negatives.value
        n = self.num_thresholds
        dtp = ops.subtract(tp[: n - 1], tp[1:])
        p = ops.add(tp, fp)
        dp = ops.subtract(p[: n - 1], p[1:])
        slope = ops.divide_no_nan(dtp, ops.maximum(dp, 0))
        intercept = ops.subtract(tp[1:], ops.multiply(slope, p[1:]))
        both_positive = ops.logical_and(ops.greater(p[: n - 1], 0), ops.greater(p[1:], 0))
        ratio = ops.where(
            both_positive,
            ops.divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0)),
            ops.ones_like(p[1:]),
        )
        increment = ops.divide_no_nan(
            ops.multiply(slope, ops.add(dtp, ops.multiply(intercept, ops.log(ratio)))),
            ops.maximum(ops.add(tp[1:], fn[1:]), 0),
        )
        return self._average_over_labels(increment)

    def result(self) -> Any:
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp = self.true_positives.value
        fp = self.false_positives.value
        tn = self.true_negatives.value
        fn = self.false_negatives.value
        recall = ops.divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == "ROC":
            x = ops.divide_no_nan(fp, ops.add(fp, tn))
            y = recall
        elif self.curve == "PR":
            x = recall
            y = ops.divide_no_nan(tp, ops.add(tp, fp))
        else:  # PRGAIN
            scale = ops.divide_no_nan(ops.add(tp, fn), ops.add(tn, fp))
            recall_gain = ops.subtract(1.0, ops.multiply(scale, ops.divide_no_nan(fn, tp)))
            precision_gain = ops.subtract(1.0, ops.multiply(scale, ops.divide_no_nan(fp, tp)))
            no_tp = ops.equal(tp, 0.0)
            recall_gain = ops.where(no_tp, ops.zeros_like(recall_gain), recall_gain)
            precision_gain = ops.where(no_tp, ops.ones_like(precision_gain), precision_gain)
            x = ops.maximum(recall_gain, 0.0)
            y = precision_gain
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = ops.divide(ops.add(y[: n - 1], y[1:]), 2.0)
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average_over_labels(ops.multiply(ops.subtract(x[: n - 1], x[1:]), heights))

    def reset_state(self) -> None:
        if not self._built:
            return
        shape = (
            (self.num_thresholds, self._num_labels) if self.multi_label else (self.num_thresholds,)
        )
        for v in (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        ):
            v.assign(ops.zeros(shape))

    def get_config(self) -> dict[str, Any]:
        lw = self._label_weights_config
        if lw is not None and not isinstance(lw, (list, tuple, float, int)):
            lw = np.asarray(lw).tolist()
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": lw,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> AUC:
        config = dict(config)
        if isinstance(config.get("label_weights"), dict):  # Keras writes it as a serialized tensor
            config["label_weights"] = serialization.deserialize_keras_object(
                config["label_weights"]
            )
        return cls(**config)
