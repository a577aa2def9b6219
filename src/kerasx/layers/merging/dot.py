"""Dot: per-example dot products between two tensors (optionally cosine similarity)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.backends.common import settings as _settings
from kerasx.layers.merging.base_merge import Merge
from kerasx.saving.registry import keras_export


def _l2_normalize(x: Any, axis: int) -> Any:
    """``x / ||x||`` along ``axis``, the inverse norm capped at ``1 / epsilon``."""
    inv = ops.rsqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    return ops.multiply(x, ops.minimum(inv, 1.0 / _settings.epsilon()))


def batch_dot(x: Any, y: Any, axes: Sequence[int]) -> Any:
    """Dot product of each ``x[i]`` with ``y[i]`` contracting ``x`` axis ``axes[0]``
    with ``y`` axis ``axes[1]`` (positive axes, batch axis excluded).  The result keeps
    x's remaining axes then y's; rank-2 operands give one value per example, kept as
    a trailing axis of size 1."""
    x_shape, y_shape = tuple(x.shape), tuple(y.shape)
    if len(x_shape) < 2 or len(y_shape) < 2:
        raise ValueError(
            "Cannot do batch_dot on inputs with rank < 2. "
            f"Received inputs with shapes {x_shape} and {y_shape}."
        )
    a0, a1 = axes
    if 0 in (a0, a1):
        raise ValueError(
            "Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy "
            "batch dimension to your inputs using kerasx.ops.expand_dims(x, 0)"
        )
    d1, d2 = x_shape[a0], y_shape[a1]
    if d1 is not None and d2 is not None and d1 != d2:
        raise ValueError(
            f"Cannot do batch_dot on inputs with shapes {x_shape} and {y_shape} with "
            f"axes={list(axes)}. x.shape[{a0}] != y.shape[{a1}] ({d1} != {d2})."
        )
    # Move the contracted axes last (x) and first after the batch (y), flatten the
    # rest, and let one batched matmul do the work.
    x = ops.moveaxis(x, a0, -1)
    y = ops.moveaxis(y, a1, 1)
    x_mid = tuple(ops.shape(x)[1:-1])
    y_rest = tuple(ops.shape(y)[2:])
    n = ops.shape(x)[-1]
    x3 = ops.reshape(x, (-1, _prod(x_mid), n))
    y3 = ops.reshape(y, (-1, n, _prod(y_rest)))
    out = ops.matmul(x3, y3)
    shape = x_mid + y_rest
    if not shape:
        shape = (1,)
    return ops.reshape(out, (-1, *shape))


def _prod(dims: Sequence[Any]) -> Any:
    out: Any = 1
    for d in dims:
        out = out * d
    return out


@keras_export("keras.layers.Dot")
class Dot(Merge):
    """Dot product between samples of two tensors over ``axes`` (an int, or one axis
    per input).  ``normalize=True`` L2-normalizes both first: cosine similarity."""

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    f"Invalid type for argument `axes`: it should be a list or an int. Received: axes={axes}"
                )
            if len(axes) != 2:
                raise ValueError(
                    f"Invalid format for argument `axes`: it should contain two elements. Received: axes={axes}"
                )
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(
                    f"Invalid format for argument `axes`: list elements should be integers. Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _resolve_axes(self, rank1: int, rank2: int) -> list[int]:
        pair = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        return [a % r if a < 0 else a for a, r in zip(pair, (rank1, rank2))]

    def build(self, input_shape: Any) -> None:
        if (
            not isinstance(input_shape, (list, tuple))
            or len(input_shape) != 2
            or not isinstance(input_shape[0], (list, tuple))
        ):
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}"
            )
        shape1, shape2 = input_shape
        if shape1 is not None and shape2 is not None:
            a0, a1 = self._resolve_axes(len(shape1), len(shape2))
            if shape1[a0] != shape2[a1]:
                raise ValueError(
                    f"Incompatible input shapes: axis values {shape1[a0]} (at axis {a0}) != "
                    f"{shape2[a1]} (at axis {a1}). Full input shapes: {tuple(shape1)}, {tuple(shape2)}"
                )
        self.built = True

    def _merge_function(self, inputs: list[Any], masks: list[Any]) -> Any:
        if len(inputs) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on exactly 2 inputs. Received {len(inputs)} inputs."
            )
        x1, x2 = inputs
        axes = self._resolve_axes(len(x1.shape), len(x2.shape))
        if self.normalize:
            x1 = _l2_normalize(x1, axes[0])
            x2 = _l2_normalize(x2, axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={input_shape}"
            )
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        a0, a1 = self._resolve_axes(len(shape1), len(shape2))
        shape1.pop(a0)
        shape2.pop(a1)
        shape2.pop(0)
        out = shape1 + shape2
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


@keras_export("keras.layers.dot")
def dot(inputs: list[Any], axes: int | Sequence[int] = -1, **kwargs: Any) -> Any:
    """Functional form of :class:`Dot`."""
    return Dot(axes=axes, **kwargs)(inputs)
