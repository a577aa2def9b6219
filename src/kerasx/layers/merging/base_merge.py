"""Merge: the shared base of layers that combine a list of tensors into one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.layers.layer import Layer

Shape = tuple[int | None, ...]


def broadcast_shapes(shape1: Shape | None, shape2: Shape | None) -> Shape | None:
    """NumPy-style broadcast of two shapes without batch axis (None = unknown)."""
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    lead = list(shape1[: len(shape1) - len(shape2)])
    tail: list[int | None] = []
    for a, b in zip(shape1[len(shape1) - len(shape2) :], shape2):
        if a is None or b is None:
            tail.append(None)
        elif a == 1:
            tail.append(b)
        elif b == 1 or a == b:
            tail.append(a)
        else:
            raise ValueError(
                f"Inputs have incompatible shapes. Received shapes {tuple(shape1)} and {tuple(shape2)}"
            )
    return tuple(lead + tail)


def input_masks(inputs: Sequence[Any], mask: Any) -> list[Any]:
    """One mask (or None) per input: the ``mask`` argument, else masks the tensors carry."""
    if mask is not None:
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        return masks + [None] * (len(inputs) - len(masks))
    return [getattr(x, "_keras_mask", None) for x in inputs]


class Merge(Layer):
    """Elementwise merge of a list of tensors.

    Inputs of lower rank get size-1 axes inserted after the batch axis, then the
    subclass's ``_merge_function`` combines them with broadcasting.  The output mask
    is the OR of the input masks (None when any input is unmasked).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        raise NotImplementedError

    def build(self, input_shape: Any) -> None:
        if (
            not isinstance(input_shape, (list, tuple))
            or not all(s is None or isinstance(s, (list, tuple)) for s in input_shape)
            or (input_shape and not isinstance(input_shape[0], (list, tuple)))
        ):
            raise ValueError(
                "A merge layer should be called on a list of inputs. "
                f"Received: input_shape={input_shape} (not a list of shapes)"
            )
        if len(input_shape) < 1:
            raise ValueError(
                "A merge layer should be called on a list of at least 1 input. "
                f"Received {len(input_shape)} inputs. Full input_shape received: {input_shape}"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"Cannot merge tensors with different batch sizes. Received tensors with shapes {list(input_shape)}"
            )
        out = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for s in input_shape[1:]:
            out = broadcast_shapes(out, None if s is None else tuple(s[1:]))
        ranks = {len(s) for s in input_shape if s is not None}
        self._reshape_required = None in input_shape or len(ranks) != 1
        self.built = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A merge layer should be called on a list of inputs. Received: inputs={inputs} "
                "(not a list of tensors)"
            )
        masks = input_masks(inputs, mask)
        inputs = list(inputs)
        if self._reshape_required:
            top = max(len(x.shape) for x in inputs)
            expanded = []
            for x in inputs:
                for _ in range(top - len(x.shape)):
                    x = ops.expand_dims(x, axis=1)
                expanded.append(x)
            inputs = expanded
        return self._merge_function(inputs, masks)

    def compute_output_shape(self, input_shape: Any) -> Any:
        out = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for s in input_shape[1:]:
            out = broadcast_shapes(out, None if s is None else tuple(s[1:]))
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        return (batch, *(out or ()))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"`mask` should be a list. Received: mask={mask}")
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        if len(mask) != len(inputs):
            raise ValueError(
                "The lists `inputs` and `mask` should have the same length. Received: "
                f"{len(inputs)} inputs and {len(mask)} masks."
            )
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = ops.logical_or(out, m)
        return out


def masked_fold(op: Any, inputs: list[Any], masks: list[Any]) -> Any:
    """Fold ``op`` over inputs where a masked entry takes the other operand's value,
    so masked positions do not influence the result (Maximum / Minimum)."""
    out, out_mask = None, None
    for x, m in zip(inputs, masks):
        if m is not None:
            m = ops.broadcast_to(ops.expand_dims(m, -1), ops.shape(x))
        if out is None:
            out, out_mask = x, m
            continue
        if m is not None:
            x = ops.where(m, x, out)
        if out_mask is not None:
            out = ops.where(out_mask, out, x)
        out_mask = ops.logical_or(out_mask, m) if m is not None and out_mask is not None else None
        out = op(out, x)
    return out
