"""tf.keras ``K`` maths: reductions, element-wise functions and shape manipulation.

Thin, argument-compatible wrappers over :mod:`kerasx.ops`; where tf.keras' K function
differed from the NumPy-style op (``sqrt`` clamps negatives, ``clip`` tolerates
``max < min``, ``transpose`` reverses every axis, ``repeat`` tiles a 2-D tensor along
a new axis) the tf.keras behaviour is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import floatx

Axis = int | Sequence[int] | None


def _fd(dtype: Any) -> Any:
    return dtype or floatx()


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    if "int" in str(getattr(x, "dtype", "")) or "bool" in str(getattr(x, "dtype", "")):
        x = ops.cast(x, floatx())
    return ops.mean(x, axis=axis, keepdims=keepdims)


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    return ops.sum(x, axis=axis, keepdims=keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    return ops.max(x, axis=axis, keepdims=keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    return ops.min(x, axis=axis, keepdims=keepdims)


def prod(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    return ops.prod(x, axis=axis, keepdims=keepdims)


def std(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    return ops.std(x, axis=axis, keepdims=keepdims)


def var(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    return ops.var(x, axis=axis, keepdims=keepdims)


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    return ops.any(ops.cast(x, "bool"), axis=axis, keepdims=keepdims)


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    return ops.all(ops.cast(x, "bool"), axis=axis, keepdims=keepdims)


def argmax(x: Any, axis: int = -1) -> Any:
    return ops.argmax(x, axis=axis)


def argmin(x: Any, axis: int = -1) -> Any:
    return ops.argmin(x, axis=axis)


def cumsum(x: Any, axis: int = 0) -> Any:
    return ops.cumsum(x, axis=axis)


def cumprod(x: Any, axis: int = 0) -> Any:
    return ops.cumprod(x, axis=axis)


def square(x: Any) -> Any:
    return ops.square(x)


def sqrt(x: Any) -> Any:
    """Square root with negatives clamped to 0 first (so no NaNs), as tf.keras did."""
    return ops.sqrt(ops.maximum(x, ops.zeros_like(x)))


def exp(x: Any) -> Any:
    return ops.exp(x)


def log(x: Any) -> Any:
    return ops.log(x)


def abs(x: Any) -> Any:  # noqa: A001
    return ops.absolute(x)


def sign(x: Any) -> Any:
    return ops.sign(x)


def round(x: Any) -> Any:  # noqa: A001
    return ops.round(x)


def pow(x: Any, a: Any) -> Any:  # noqa: A001
    return ops.power(x, a)


def sin(x: Any) -> Any:
    return ops.sin(x)


def cos(x: Any) -> Any:
    return ops.cos(x)


def tanh(x: Any) -> Any:
    return ops.tanh(x)


def maximum(x: Any, y: Any) -> Any:
    return ops.maximum(x, y)


def minimum(x: Any, y: Any) -> Any:
    return ops.minimum(x, y)


def equal(x: Any, y: Any) -> Any:
    return ops.equal(x, y)


def not_equal(x: Any, y: Any) -> Any:
    return ops.not_equal(x, y)


def greater(x: Any, y: Any) -> Any:
    return ops.greater(x, y)


def greater_equal(x: Any, y: Any) -> Any:
    return ops.greater_equal(x, y)


def less(x: Any, y: Any) -> Any:
    return ops.less(x, y)


def less_equal(x: Any, y: Any) -> Any:
    return ops.less_equal(x, y)


def clip(x: Any, min_value: Any, max_value: Any) -> Any:
    """Clip to ``[min_value, max_value]``; a ``max_value`` below ``min_value`` is raised to it."""
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)):
        max_value = max_value if max_value >= min_value else min_value
    if max_value is None:
        max_value = float("inf")
    return ops.clip(x, min_value, max_value)


def cast(x: Any, dtype: Any) -> Any:
    return ops.cast(x, dtype)


def switch(condition: Any, then_expression: Any, else_expression: Any) -> Any:
    """Element-wise choice (callables are evaluated first, as tf.keras allowed)."""
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    return ops.where(condition, then_value, else_value)


def zeros(shape: Sequence[int], dtype: Any = None, name: str | None = None) -> Any:
    """A Variable of zeros (tf.keras returned a variable for fully known shapes)."""
    from kerasx.backend._session import variable

    return variable(ops.zeros(tuple(shape), dtype=_fd(dtype)), dtype=_fd(dtype), name=name)


def ones(shape: Sequence[int], dtype: Any = None, name: str | None = None) -> Any:
    """A Variable of ones (tf.keras returned a variable for fully known shapes)."""
    from kerasx.backend._session import variable

    return variable(ops.ones(tuple(shape), dtype=_fd(dtype)), dtype=_fd(dtype), name=name)


def eye(size: int | Sequence[int], dtype: Any = None, name: str | None = None) -> Any:
    from kerasx.backend._session import variable

    rows, cols = (size, size) if isinstance(size, int) else tuple(size)
    return variable(ops.eye(rows, cols, dtype=_fd(dtype)), dtype=_fd(dtype), name=name)


def zeros_like(x: Any, dtype: Any = None, name: str | None = None) -> Any:
    return ops.zeros_like(x, dtype=dtype)


def ones_like(x: Any, dtype: Any = None, name: str | None = None) -> Any:
    return ops.ones_like(x, dtype=dtype)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = "int32") -> Any:
    return ops.arange(start, stop, step, dtype=dtype)


def concatenate(tensors: Sequence[Any], axis: int = -1) -> Any:
    return ops.concatenate(list(tensors), axis=axis)


def stack(x: Sequence[Any], axis: int = 0) -> Any:
    return ops.stack(list(x), axis=axis)


def reshape(x: Any, shape: Sequence[int]) -> Any:
    return ops.reshape(x, tuple(shape))


def expand_dims(x: Any, axis: int = -1) -> Any:
    return ops.expand_dims(x, axis)


def squeeze(x: Any, axis: int) -> Any:
    return ops.squeeze(x, axis=axis)


def flatten(x: Any) -> Any:
    return ops.reshape(x, (-1,))


def batch_flatten(x: Any) -> Any:
    """``(batch, ...)`` -> ``(batch, prod(...))``."""
    return ops.reshape(x, (ops.shape(x)[0], -1))


def transpose(x: Any) -> Any:
    """Reverse every axis (a matrix transpose for 2-D input)."""
    return ops.transpose(x)


def permute_dimensions(x: Any, pattern: Sequence[int]) -> Any:
    return ops.transpose(x, axes=tuple(pattern))


def tile(x: Any, n: int | Sequence[int]) -> Any:
    return ops.tile(x, [n] if isinstance(n, int) else list(n))


def repeat(x: Any, n: int) -> Any:
    """``(batch, dim)`` -> ``(batch, n, dim)`` (what RepeatVector does)."""
    return ops.repeat(ops.expand_dims(x, 1), n, axis=1)


def repeat_elements(x: Any, rep: int, axis: int) -> Any:
    return ops.repeat(x, rep, axis=axis)


def reverse(x: Any, axes: int | Sequence[int]) -> Any:
    return ops.flip(x, axis=axes if isinstance(axes, int) else tuple(axes))


def gather(reference: Any, indices: Any) -> Any:
    """Rows of ``reference`` picked by ``indices`` (along axis 0)."""
    return ops.take(reference, indices, axis=0)


def one_hot(indices: Any, num_classes: int) -> Any:
    return ops.one_hot(indices, num_classes)


def l2_normalize(x: Any, axis: Axis = None) -> Any:
    """``x / sqrt(max(sum(x**2), 1e-12))``, tf.math.l2_normalize's guard."""
    squared = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.rsqrt(ops.maximum(squared, 1e-12)))
