"""Reshape, Permute and RepeatVector: rearrange the non-batch axes of a tensor."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

from kerasx import _backend, ops
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export

Shape = tuple[int | None, ...]


def _resolve_target(layer_name: str, input_shape: Shape, target: Shape) -> Shape:
    """``target`` with its ``-1`` filled in from ``input_shape`` (non-batch axes), or
    None there when an input axis is unknown; checks the element count."""
    if any(d is None for d in input_shape):
        return tuple(None if d == -1 else d for d in target)
    size = math.prod(input_shape)
    known = math.prod(d for d in target if d != -1)
    if -1 in target:
        if known == 0 or size % known != 0:
            raise ValueError(
                f"Layer '{layer_name}': cannot reshape inputs of shape {input_shape} (without "
                f"the batch axis) to target_shape={target}: {size} elements do not fit."
            )
        return tuple(size // known if d == -1 else d for d in target)
    if size != known:
        raise ValueError(
            f"Layer '{layer_name}': the total size of the tensor must be unchanged. Received: "
            f"input_shape={input_shape} (without the batch axis), target_shape={target}"
        )
    return target


@keras_export("keras.layers.Reshape")
class Reshape(Layer):
    """Reshape every sample to ``target_shape`` (which excludes the batch axis and may
    hold one ``-1``)."""

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            target = tuple(operator.index(d) for d in target_shape)
        except TypeError:
            raise ValueError(
                f"`target_shape` must be a sequence of integers. Received: target_shape={target_shape!r}"
            ) from None
        if any(d < -1 for d in target) or target.count(-1) > 1:
            raise ValueError(
                "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a "
                f"single unknown dimension. Received: target_shape={target}."
            )
        self.target_shape = target
        self.built = True

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(input_shape)
        return (shape[0], *_resolve_target(self.name, shape[1:], self.target_shape))

    def call(self, inputs: Any) -> Any:
        shape = tuple(ops.shape(inputs))
        target = _resolve_target(self.name, shape[1:], self.target_shape)
        if None not in target and -1 not in target:
            return ops.reshape(inputs, (-1, *target))
        batch = _backend.B.dynamic_shape(inputs)[0]
        return ops.reshape(inputs, (batch, *(-1 if d is None else d for d in target)))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config


@keras_export("keras.layers.Permute")
class Permute(Layer):
    """Permute the non-batch axes: ``dims`` is 1-based, e.g. ``(2, 1)`` swaps them."""

    def __init__(self, dims: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute layer: the indices must be "
                f"consecutive and start from 1. Received dims={tuple(dims)}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self.built = True

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(input_shape)
        return (shape[0], *(shape[d] for d in self.dims))

    def call(self, inputs: Any) -> Any:
        return ops.transpose(inputs, (0, *self.dims))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["dims"] = self.dims
        return config


@keras_export("keras.layers.RepeatVector")
class RepeatVector(Layer):
    """Repeat a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``."""

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(input_shape)
        return (shape[0], self.n, shape[1])

    def call(self, inputs: Any) -> Any:
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["n"] = self.n
        return config
