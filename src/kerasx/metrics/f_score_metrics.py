"""F-scores: the (weighted) harmonic mean of precision and recall, per class or averaged."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import epsilon
from kerasx.metrics.base import Metric
from kerasx.saving.registry import keras_export


@keras_export("keras.metrics.FBetaScore")
class FBetaScore(Metric):
    """``(1 + beta^2) * P * R / (beta^2 * P + R)`` over multi-label / one-hot data.

    Args:
        average: None (one score per class), ``"micro"`` (global counts), ``"macro"``
            (unweighted class mean) or ``"weighted"`` (class mean weighted by support).
        beta: weight of recall relative to precision (a float > 0).
        threshold: predictions above it are positive; None marks the arg-max of each
            sample as the positive class.
    """

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        threshold: float | None = None,
        name: str = "fbeta_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                f"Invalid `average` argument value. Expected one of: {{None, 'micro', 'macro', 'weighted'}}. Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    f"Invalid `threshold` argument value. It should be a Python float. Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    f"Invalid `threshold` argument value. It should verify 0 < threshold <= 1. Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape: tuple[Any, ...], y_pred_shape: tuple[Any, ...]) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim), with output_dim "
                f"fully defined (not None). Received input shapes: y_pred.shape={y_pred_shape} and "
                f"y_true.shape={y_true_shape}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in (
            "true_positives",
            "false_positives",
            "false_negatives",
            "intermediate_weights",
        ):
            setattr(
                self,
                name,
                self.add_variable(name=name, shape=shape, initializer="zeros", dtype=self.dtype),
            )
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        if not self._built:
            self._build(ops.shape(y_true), ops.shape(y_pred))
        if self.threshold is None:
            top = ops.max(y_pred, axis=-1, keepdims=True)
            y_pred = ops.logical_and(
                ops.greater_equal(y_pred, top), ops.greater(ops.abs(y_pred), 1e-9)
            )
        else:
            y_pred = ops.greater(y_pred, self.threshold)
        y_pred = ops.cast(y_pred, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.expand_dims(
                ops.cast(ops.convert_to_tensor(sample_weight), self.dtype), 1
            )

        def weighted_sum(values: Any) -> Any:
            if sample_weight is not None:
                values = ops.multiply(values, sample_weight)
            return ops.sum(values, axis=self.axis)

        not_pred = ops.subtract(1.0, y_pred)
        not_true = ops.subtract(1.0, y_true)
        self.true_positives.assign(
            ops.add(self.true_positives, weighted_sum(ops.multiply(y_pred, y_true)))
        )
        self.false_positives.assign(
            ops.add(self.false_positives, weighted_sum(ops.multiply(y_pred, not_true)))
        )
        self.false_negatives.assign(
            ops.add(self.false_negatives, weighted_sum(ops.multiply(not_pred, y_true)))
        )
        self.intermediate_weights.assign(ops.add(self.intermediate_weights, weighted_sum(y_true)))

    def result(self) -> Any:
        eps = epsilon()
        tp = self.true_positives.value
        precision = ops.divide(tp, ops.add(ops.add(tp, self.false_positives.value), eps))
        recall = ops.divide(tp, ops.add(ops.add(tp, self.false_negatives.value), eps))
        b2 = self.beta**2
        harmonic = ops.divide(
            ops.multiply(precision, recall),
            ops.add(ops.add(ops.multiply(b2, precision), recall), eps),
        )
        score = ops.multiply(harmonic, 1.0 + b2)
        if self.average == "weighted":
            support = self.intermediate_weights.value
            weights = ops.divide(support, ops.add(ops.sum(support), eps))
            score = ops.sum(ops.multiply(score, weights))
        elif self.average is not None:
            score = ops.mean(score)
        return score

    def get_config(self) -> dict[str, Any]:
        config = {
            "name": self.name,
            "dtype": self.dtype,
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }
        return {**super().get_config(), **config}

    def reset_state(self) -> None:
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))


@keras_export("keras.metrics.F1Score")
class F1Score(FBetaScore):
    """Harmonic mean of precision and recall (``FBetaScore`` with ``beta=1``)."""

    def __init__(
        self,
        average: str | None = None,
        threshold: float | None = None,
        name: str = "f1_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config
