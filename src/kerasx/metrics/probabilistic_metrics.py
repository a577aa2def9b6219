"""Probabilistic metrics: cross-entropies, KL divergence and Poisson deviance, averaged
over samples."""

from __future__ import annotations

from typing import Any

from kerasx.metrics import error_functions as ef
from kerasx.metrics._utils import get_mask, merge_mask_into_weight
from kerasx.metrics.reduction_metrics import Mean, MeanMetricWrapper
from kerasx.saving.registry import keras_export


@keras_export("keras.metrics.KLDivergence")
class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``."""

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(fn=ef.kl_divergence, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.Poisson")
class Poisson(MeanMetricWrapper):
    """Mean Poisson deviance ``y_pred - y_true * log(y_pred)``."""

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(fn=ef.poisson, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.BinaryCrossentropy")
class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: squeeze labels towards 0.5 by this amount.
    """

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ) -> None:
        super().__init__(
            ef.binary_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


@keras_export("keras.metrics.CategoricalCrossentropy")
class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy for one-hot labels.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: mix labels with the uniform distribution by this amount.
        axis: the class axis.
    """

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            ef.categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


@keras_export("keras.metrics.SparseCategoricalCrossentropy")
class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy for integer labels.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        ignore_class: label id whose samples contribute zero loss.  (As in Keras, they
            still count in the mean unless a ``sample_weight`` is given.)
        axis: the class axis.
    """

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            ef.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if self.ignore_class is None:
            return super().update_state(y_true, y_pred, sample_weight=sample_weight)
        values, valid = ef.sparse_categorical_crossentropy_and_mask(
            y_true,
            y_pred,
            from_logits=self.from_logits,
            ignore_class=self.ignore_class,
            axis=self.axis,
        )
        sample_weight = merge_mask_into_weight(sample_weight, get_mask(y_pred), self.dtype)
        if sample_weight is not None:
            sample_weight = merge_mask_into_weight(sample_weight, valid, self.dtype)
        return Mean.update_state(self, values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
