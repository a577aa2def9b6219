"""Weight regularizers: callables mapping a weight tensor to a scalar penalty."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kerasx import ops
from kerasx.saving.registry import keras_export


def validate_float_arg(value: Any, name: str) -> float:
    """``float(value)`` if it is a finite, non-negative number, else ValueError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (float, int, np.floating, np.integer))
        or math.isinf(value)
        or math.isnan(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value}"
        )
    return float(value)


def _as_float32(value: float) -> float:
    """Keras 3 stores some factors as float32 tensors; their configs show the rounding."""
    return float(np.float32(value))


@keras_export(
    "keras.regularizers.Regularizer", "keras.Regularizer", "keras.regularizers.regularizer"
)
class Regularizer:
    """Base class: ``__call__(x)`` returns a scalar penalty added to the loss."""

    def __call__(self, x: Any) -> Any:
        return 0.0

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        return cls(**config)

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"{self} does not implement get_config()")


@keras_export("keras.regularizers.L1L2", "keras.regularizers.l1_l2", "keras.regularizers.l1l2")
class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, name="l1")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, name="l2")

    def __call__(self, x: Any) -> Any:
        dtype = ops.dtype(x)
        penalty = ops.convert_to_tensor(0.0, dtype=dtype)
        if self.l1:
            penalty = ops.add(
                penalty,
                ops.multiply(ops.convert_to_tensor(self.l1, dtype=dtype), ops.sum(ops.abs(x))),
            )
        if self.l2:
            penalty = ops.add(
                penalty,
                ops.multiply(ops.convert_to_tensor(self.l2, dtype=dtype), ops.sum(ops.square(x))),
            )
        return penalty

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


@keras_export("keras.regularizers.L1", "keras.regularizers.l1")
class L1(Regularizer):
    """``l1 * sum(abs(x))``."""

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _as_float32(validate_float_arg(0.01 if l1 is None else l1, name="l1"))

    def __call__(self, x: Any) -> Any:
        return ops.multiply(ops.convert_to_tensor(self.l1, dtype=ops.dtype(x)), ops.sum(ops.abs(x)))

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


@keras_export("keras.regularizers.L2", "keras.regularizers.l2")
class L2(Regularizer):
    """``l2 * sum(square(x))``."""

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, name="l2")

    def __call__(self, x: Any) -> Any:
        return ops.multiply(
            ops.convert_to_tensor(self.l2, dtype=ops.dtype(x)), ops.sum(ops.square(x))
        )

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


@keras_export(
    "keras.regularizers.OrthogonalRegularizer", "keras.regularizers.orthogonal_regularizer"
)
class OrthogonalRegularizer(Regularizer):
    """Penalises non-orthogonal rows (or columns) of a 2D weight.

    The penalty is ``factor / 2`` times the mean absolute cosine similarity over all
    distinct pairs of rows (``mode="rows"``) or columns (``mode="columns"``).
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _as_float32(validate_float_arg(factor, name="factor"))
        if mode not in ("rows", "columns"):
            raise ValueError(
                f'Invalid value for argument `mode`. Expected one of {{"rows", "columns"}}. Received: mode={mode}'
            )
        self.mode = mode

    def __call__(self, inputs: Any) -> Any:
        shape = tuple(ops.shape(inputs))
        if len(shape) != 2:
            raise ValueError(
                f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={shape}"
            )
        if self.mode == "rows":
            unit = ops.normalize(inputs, axis=1)
            gram = ops.matmul(unit, ops.transpose(unit))
            size = int(shape[0])
        else:
            unit = ops.normalize(inputs, axis=0)
            gram = ops.matmul(ops.transpose(unit), unit)
            size = int(shape[1])
        dtype = ops.dtype(gram)
        off_diagonal = ops.multiply(gram, ops.subtract(1.0, ops.eye(size, dtype=dtype)))
        pairs = size * (size - 1.0) / 2.0
        return ops.multiply(
            ops.sum(ops.abs(off_diagonal)),
            ops.convert_to_tensor(self.factor * 0.5 / pairs, dtype=dtype),
        )

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}
