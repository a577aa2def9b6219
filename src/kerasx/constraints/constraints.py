"""Weight constraints: projections applied to a variable after each optimizer step."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common import settings
from kerasx.saving.registry import keras_export


def _norms(w: Any, axis: Any) -> Any:
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


def _float(w: Any) -> Any:
    w = ops.convert_to_tensor(w)
    dtype = ops.dtype(w)
    return w if "float" in dtype else ops.cast(w, settings.floatx())


@keras_export("keras.constraints.Constraint", "keras.constraints.constraint")
class Constraint:
    """Base class: ``__call__(w)`` returns the projected weight (identity here)."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        return cls(**config)


@keras_export("keras.constraints.MaxNorm", "keras.constraints.max_norm")
class MaxNorm(Constraint):
    """Rescales slices whose L2 norm along ``axis`` exceeds ``max_value``."""

    def __init__(self, max_value: float = 2, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = _float(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(norms, settings.epsilon())))

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


@keras_export("keras.constraints.NonNeg", "keras.constraints.non_neg")
class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w: Any) -> Any:
        w = ops.convert_to_tensor(w)
        return ops.maximum(w, ops.zeros_like(w))


@keras_export("keras.constraints.UnitNorm", "keras.constraints.unit_norm")
class UnitNorm(Constraint):
    """Rescales slices along ``axis`` to unit L2 norm."""

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = _float(w)
        return ops.divide(w, ops.add(_norms(w, self.axis), settings.epsilon()))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


@keras_export("keras.constraints.MinMaxNorm", "keras.constraints.min_max_norm")
class MinMaxNorm(Constraint):
    """Moves slice norms into ``[min_value, max_value]``, by a fraction ``rate`` per call."""

    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = _float(w)
        norms = _norms(w, self.axis)
        clipped = ops.clip(norms, self.min_value, self.max_value)
        desired = ops.add(ops.multiply(clipped, self.rate), ops.multiply(norms, 1.0 - self.rate))
        return ops.multiply(w, ops.divide(desired, ops.add(norms, settings.epsilon())))

    def get_config(self) -> dict[str, Any]:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }
