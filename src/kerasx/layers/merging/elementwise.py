"""Elementwise merges (Add, Subtract, Multiply, Average, Maximum, Minimum) and their
functional forms (``kerasx.layers.add(...)`` etc.)."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.layers.merging.base_merge import Merge, masked_fold
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.Add")
class Add(Merge):
    """Sum of the inputs (with broadcasting)."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


@keras_export("keras.layers.Subtract")
class Subtract(Merge):
    """``inputs[0] - inputs[1]``; exactly two inputs."""

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: input_shape={input_shape}"
            )

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        if len(inputs) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received {len(inputs)} inputs."
            )
        return ops.subtract(inputs[0], inputs[1])


@keras_export("keras.layers.Multiply")
class Multiply(Merge):
    """Product of the inputs.  Masked entries count as 1; when every input is masked,
    positions masked everywhere are 0 in the output."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        all_masked = all(m is not None for m in masks)
        out, out_mask = None, None
        for x, m in zip(inputs, masks):
            if m is not None:
                m = ops.broadcast_to(ops.expand_dims(m, -1), ops.shape(x))
                x = ops.where(m, x, ops.ones_like(x))
                if all_masked:
                    out_mask = m if out_mask is None else ops.logical_or(out_mask, m)
            out = x if out is None else ops.multiply(out, x)
        if all_masked:
            out = ops.where(out_mask, out, ops.zeros_like(out))
        return out


@keras_export("keras.layers.Average")
class Average(Merge):
    """Mean of the inputs."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return ops.divide(out, len(inputs))


@keras_export("keras.layers.Maximum")
class Maximum(Merge):
    """Elementwise maximum; masked entries do not take part."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        return masked_fold(ops.maximum, inputs, masks)


@keras_export("keras.layers.Minimum")
class Minimum(Merge):
    """Elementwise minimum; masked entries do not take part."""

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        return masked_fold(ops.minimum, inputs, masks)


@keras_export("keras.layers.add")
def add(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Add`."""
    return Add(**kwargs)(inputs)


@keras_export("keras.layers.subtract")
def subtract(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Subtract`."""
    return Subtract(**kwargs)(inputs)


@keras_export("keras.layers.multiply")
def multiply(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Multiply`."""
    return Multiply(**kwargs)(inputs)


@keras_export("keras.layers.average")
def average(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Average`."""
    return Average(**kwargs)(inputs)


@keras_export("keras.layers.maximum")
def maximum(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Maximum`."""
    return Maximum(**kwargs)(inputs)


@keras_export("keras.layers.minimum")
def minimum(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Minimum`."""
    return Minimum(**kwargs)(inputs)
