"""Shape and padding arithmetic for convolutions and pooling, shared by adapters.

Keras (and TensorFlow) define ``padding="same"`` as: output length ``ceil(n / stride)``,
with the total padding split so the extra element goes *after*.  Each adapter turns the
explicit ``(before, after)`` pairs from here into its framework's arguments, so all
backends agree to the element.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def normalize_tuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    """Expand an int to an ``n``-tuple, or check a sequence has length ``n``."""
    if isinstance(value, int):
        return (value,) * n
    out = tuple(int(v) for v in value)
    if len(out) != n:
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {name}={value}"
        )
    return out


def normalize_padding(padding: str) -> str:
    p = str(padding).lower()
    if p not in ("valid", "same", "causal"):
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    return p


def dilated_size(kernel: int, dilation: int) -> int:
    return (kernel - 1) * dilation + 1


def conv_output_length(
    length: int | None, kernel: int, padding: str, stride: int, dilation: int = 1
) -> int | None:
    """Output length of a convolution or pooling window along one axis."""
    if length is None:
        return None
    k = dilated_size(kernel, dilation)
    if padding == "same":
        return (length + stride - 1) // stride
    if padding == "causal":
        return (length + stride - 1) // stride
    return max((length - k) // stride + 1, 0) if length >= k else 0


def same_padding(length: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """``(before, after)`` padding that realises ``padding="same"``."""
    k = dilated_size(kernel, dilation)
    out = math.ceil(length / stride)
    total = max((out - 1) * stride + k - length, 0)
    return total // 2, total - total // 2


def explicit_padding(
    spatial: Sequence[int],
    kernel: Sequence[int],
    strides: Sequence[int],
    dilation: Sequence[int],
    padding: str,
) -> list[tuple[int, int]]:
    """Per-axis ``(before, after)`` pairs for ``valid`` / ``same`` / ``causal``."""
    if padding == "valid":
        return [(0, 0)] * len(spatial)
    if padding == "causal":
        return [(dilated_size(k, d) - 1, 0) for k, d in zip(kernel, dilation)]
    return [same_padding(n, k, s, d) for n, k, s, d in zip(spatial, kernel, strides, dilation)]


def conv_transpose_output_length(
    length: int | None,
    kernel: int,
    padding: str,
    output_padding: int | None,
    stride: int,
    dilation: int = 1,
) -> int | None:
    """Keras' output length of a transposed convolution along one axis."""
    if length is None:
        return None
    k = dilated_size(kernel, dilation)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(k - stride, 0)
        return length * stride
    pad = k // 2 if padding == "same" else 0
    return (length - 1) * stride + k - 2 * pad + output_padding


def conv_transpose_padding(
    length: int,
    kernel: int,
    padding: str,
    output_padding: int | None,
    stride: int,
    dilation: int = 1,
) -> tuple[int, int]:
    """Padding ``(before, after)`` of the stride-dilated input for the equivalent
    forward convolution (kernel flipped) that computes a transposed convolution."""
    k = dilated_size(kernel, dilation)
    out = conv_transpose_output_length(length, kernel, padding, output_padding, stride, dilation)
    assert out is not None
    # Forward conv over the input dilated by `stride` (length (n-1)*s+1), kernel k,
    # stride 1: out = (n-1)*s + 1 + before + after - k + 1.
    if padding == "valid":
        before = k - 1
    else:
        # Total padding of the dilated input; the larger half goes first, but never
        # more than k - 1 (Keras 3's placement of the output positions).
        total = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
        before = min(total // 2 + total % 2, k - 1)
    after = out - ((length - 1) * stride + 1) - before + k - 1
    return before, after
