"""Small pieces the optimizers share: the step-counter dtype, slot initializers,
reading a predicate when it is concrete, and global-norm clipping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import _backend, ops
from kerasx.backends.common.dtypes import standardize_dtype


def iteration_dtype() -> str:
    """Keras' ``"int"`` for the step counter: int32 on JAX (no int64 by default)."""
    return "int32" if _backend.NAME == "jax" else "int64"


class Constant:
    """Initializer filling a slot with one value (Adagrad/Ftrl accumulators)."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        return ops.full(tuple(shape), self.value, dtype=standardize_dtype(dtype))


def resolve_initializer(initializer: Any) -> Any:
    if isinstance(initializer, str):
        key = initializer.lower()
        if key == "zeros":
            return Constant(0)
        if key == "ones":
            return Constant(1)
        from kerasx import initializers  # only for other named initializers

        return initializers.get(initializer)
    return initializer


def static_bool(pred: Any) -> bool | None:
    """The Python value of a scalar boolean tensor, or None when it is traced."""
    try:
        return bool(ops.convert_to_numpy(pred))
    except Exception:  # tracers and symbolic tensors cannot be read
        return None


def global_norm(value_list: Sequence[Any]) -> Any:
    """L2 norm of all tensors together (None entries ignored)."""
    squares = [ops.sum(ops.square(v)) for v in value_list if v is not None]
    return ops.sqrt(ops.sum(ops.stack(squares)))


def clip_by_global_norm(value_list: Sequence[Any], clip_norm: float) -> list[Any]:
    """Scale all tensors by ``clip_norm / max(global_norm, clip_norm)``; a non-finite
    norm makes every value NaN (as Keras does) instead of silently zeroing them."""
    norm = global_norm(value_list)
    scale = ops.divide(clip_norm, ops.maximum(norm, clip_norm))
    scale = ops.add(scale, ops.subtract(norm, norm))
    return [None if v is None else ops.multiply(v, scale) for v in value_list]
