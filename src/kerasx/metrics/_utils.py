"""Shape and weighting helpers shared by the metrics (kept private to the package).

They depend only on static shapes, so they behave the same eagerly and while a
compiled function is being traced.
"""

from __future__ import annotations

import math
from typing import Any

from kerasx import ops


def ndim(x: Any) -> int:
    return len(ops.shape(x))


def to_list(x: Any) -> list[Any]:
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple[Any, Any]:
    """Make two tensors whose ranks differ by a trailing size-1 axis the same rank.

    A rank-1 tensor facing a ``(n, 1)`` one is expanded (when ``expand_rank_1``) rather
    than the other squeezed, which keeps per-sample weights aligned with per-sample values.
    """
    r1, r2 = ndim(x1), ndim(x2)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and ops.shape(x1)[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and ops.shape(x2)[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def broadcast_like(x: Any, ref: Any) -> Any:
    """``x`` broadcast to ``ref``'s shape, also when a traced dimension is unknown."""
    shape = ops.shape(ref)
    if all(d is not None for d in shape):
        return ops.broadcast_to(x, shape)
    return ops.add(x, ops.zeros_like(ref, dtype=ops.dtype(x)))


def count_rows(x: Any, dtype: str) -> Any:
    """The number of entries along axis 0, as a ``dtype`` scalar (works for traced sizes)."""
    n = ops.shape(x)[0]
    if n is not None:
        return ops.convert_to_tensor(n, dtype=dtype)
    return ops.sum(ops.ones_like(x, dtype=dtype), axis=tuple(range(ndim(x))))


def count_entries(x: Any, dtype: str) -> Any:
    """The total number of entries of ``x``, as a ``dtype`` scalar."""
    shape = ops.shape(x)
    if all(d is not None for d in shape):
        return ops.convert_to_tensor(math.prod(shape), dtype=dtype)
    return ops.sum(ops.ones_like(x, dtype=dtype))


def get_mask(x: Any) -> Any:
    """The Keras mask carried by a tensor (``_keras_mask``), if any."""
    from kerasx import backend as _kbackend

    getter = getattr(_kbackend, "get_keras_mask", None)
    if getter is not None:
        return getter(x)
    return getattr(x, "_keras_mask", None)


def merge_mask_into_weight(sample_weight: Any, mask: Any, dtype: str) -> Any:
    """``sample_weight * mask`` (the mask alone when there is no weight), as metrics sum them."""
    if mask is None:
        return sample_weight
    float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return ops.multiply(sample_weight, float_mask)


def int_dtype() -> str:
    """Keras' default integer dtype for the active backend (int64 on TensorFlow only)."""
    from kerasx import _backend

    return "int64" if _backend.B.name == "tensorflow" else "int32"


def l2_normalize(x: Any, axis: int = -1) -> Any:
    """``x / max(||x||, epsilon)`` along ``axis``."""
    from kerasx.backends.common.settings import epsilon

    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    inv_norm = ops.minimum(ops.rsqrt(square_sum), 1.0 / epsilon())
    return ops.multiply(x, ops.cast(inv_norm, ops.dtype(x)))
