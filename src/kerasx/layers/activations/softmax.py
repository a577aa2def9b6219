"""Softmax layer, with an optional mask of positions to leave out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import activations, ops
from kerasx.backends.common import dtypes as _dt
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


def _large_negative(dtype: str) -> float:
    """A logit that softmax maps to ~0 without overflowing ``dtype``."""
    return -3e4 if _dt.standardize_dtype(dtype) == "float16" else -1e9


@keras_export("keras.layers.Softmax")
class Softmax(Layer):
    """Softmax over ``axis`` (an int, or several axes normalized together).

    ``mask`` (broadcastable to the inputs; True / >0.5 = keep) excludes positions:
    they get probability 0 and the others renormalize among themselves.
    """

    def __init__(self, axis: int | Sequence[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            self._check_mask(inputs, mask)
            if _dt.standardize_dtype(ops.dtype(mask)) != "bool":
                mask = ops.greater(mask, ops.cast(0.5, ops.dtype(mask)))
            fill = ops.cast(_large_negative(ops.dtype(inputs)), ops.dtype(inputs))
            inputs = ops.where(mask, inputs, fill)
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            axis = tuple(self.axis)
            outputs = ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=axis, keepdims=True)))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, ops.zeros_like(outputs))
        return outputs

    @staticmethod
    def _check_mask(inputs: Any, mask: Any) -> None:
        m_shape, i_shape = tuple(mask.shape), tuple(inputs.shape)
        if len(m_shape) > len(i_shape):
            raise ValueError(
                "The `mask` must be broadcastable to `inputs` and must not have more dimensions. "
                f"Received: inputs.shape={i_shape}, mask.shape={m_shape}"
            )
        for m, i in zip(reversed(m_shape), reversed(i_shape)):
            if m is not None and i is not None and m != 1 and m != i:
                raise ValueError(
                    "The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 "
                    "or match the corresponding input dimension. Received: "
                    f"inputs.shape={i_shape}, mask.shape={m_shape}"
                )

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["axis"] = self.axis
        return config
