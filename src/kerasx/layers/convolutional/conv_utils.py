"""Argument checks and output-shape arithmetic shared by conv, pooling and reshaping layers.

Layers validate their arguments when constructed (so a bad config fails at load time,
not on the first call) and compute output shapes without running the op (so symbolic
calls are free).  Errors name the layer and the shapes involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx.backends.common import conv_utils as _common

Shape = tuple[int | None, ...]


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple[int, ...]:
    """An int or a length-``n`` sequence of ints as an ``n``-tuple of positive ints
    (non-negative with ``allow_zero``)."""
    if isinstance(value, bool):
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}"
        )
    if isinstance(value, int):
        out: tuple[int, ...] = (value,) * n
    else:
        try:
            items = tuple(value)
        except TypeError:
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}"
            ) from None
        if len(items) != n or not all(_is_int(v) for v in items):
            raise ValueError(
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}"
            )
        out = tuple(int(v) for v in items)
    bad = [v for v in out if v < 0 or (v == 0 and not allow_zero)]
    if bad:
        need = ">= 0" if allow_zero else "> 0"
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers {need}. Received {name}={value!r}"
        )
    return out


def _is_int(v: Any) -> bool:
    try:
        return int(v) == v and not isinstance(v, bool)
    except (TypeError, ValueError):
        return False


def standardize_padding(value: Any, allow_causal: bool = False) -> str:
    """``"valid"`` / ``"same"`` (and ``"causal"`` where allowed), lower-cased."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = str(value).lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(f"The `padding` argument must be one of {allowed}. Received: {value!r}")
    return padding


def spatial_dims(input_shape: Sequence[int | None], data_format: str) -> Shape:
    shape = tuple(input_shape)
    return shape[1:-1] if data_format == "channels_last" else shape[2:]


def with_spatial(
    input_shape: Sequence[int | None],
    spatial: Sequence[int | None],
    channels: Any,
    data_format: str,
) -> Shape:
    """The shape ``(batch, *spatial, channels)`` in ``data_format`` order."""
    batch = tuple(input_shape)[0]
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


def check_rank(layer_name: str, input_shape: Sequence[Any], ndim: int) -> None:
    """The error an InputSpec(ndim=...) gives, for checks done before the spec is set."""
    shape = tuple(input_shape)
    if len(shape) != ndim:
        raise ValueError(
            f'Input 0 of layer "{layer_name}" is incompatible with the layer: expected ndim={ndim}, '
            f"found ndim={len(shape)}. Full shape received: {shape}"
        )


def conv_output_shape(
    layer_name: str,
    input_shape: Sequence[int | None],
    filters: int | None,
    kernel_size: Sequence[int],
    strides: Sequence[int],
    padding: str,
    data_format: str,
    dilation_rate: Sequence[int],
) -> Shape:
    """Output shape of a (depthwise/separable) convolution; raises on empty outputs."""
    check_rank(layer_name, input_shape, len(kernel_size) + 2)
    out = []
    for n, k, s, d in zip(
        spatial_dims(input_shape, data_format), kernel_size, strides, dilation_rate
    ):
        length = _common.conv_output_length(n, k, padding, s, d)
        if length is not None and length <= 0:
            raise ValueError(
                f"Layer '{layer_name}': computed output size would be zero or negative. Received "
                f"input_shape={tuple(input_shape)}, kernel_size={tuple(kernel_size)}, "
                f"dilation_rate={tuple(dilation_rate)}, strides={tuple(strides)}, padding={padding!r}."
            )
        out.append(length)
    return with_spatial(input_shape, out, filters, data_format)


def conv_transpose_output_shape(
    layer_name: str,
    input_shape: Sequence[int | None],
    filters: int,
    kernel_size: Sequence[int],
    strides: Sequence[int],
    padding: str,
    output_padding: Sequence[int] | None,
    data_format: str,
    dilation_rate: Sequence[int],
) -> Shape:
    """Output shape of a transposed convolution (Keras' length rule)."""
    check_rank(layer_name, input_shape, len(kernel_size) + 2)
    out_pad = output_padding if output_padding is not None else (None,) * len(kernel_size)
    out = [
        _common.conv_transpose_output_length(n, k, padding, op, s, d)
        for n, k, s, d, op in zip(
            spatial_dims(input_shape, data_format), kernel_size, strides, dilation_rate, out_pad
        )
    ]
    return with_spatial(input_shape, out, filters, data_format)


def pooling_output_shape(
    layer_name: str,
    input_shape: Sequence[int | None],
    pool_size: Sequence[int],
    strides: Sequence[int],
    padding: str,
    data_format: str,
) -> Shape:
    """Output shape of max/average pooling; raises when a window does not fit."""
    check_rank(layer_name, input_shape, len(pool_size) + 2)
    out = []
    for n, p, s in zip(spatial_dims(input_shape, data_format), pool_size, strides):
        length = _common.conv_output_length(n, p, padding, s)
        if length is not None and length <= 0:
            raise ValueError(
                f"Layer '{layer_name}': computed output size would be zero or negative. Received "
                f"input_shape={tuple(input_shape)}, pool_size={tuple(pool_size)}, "
                f"strides={tuple(strides)}, padding={padding!r}."
            )
        out.append(length)
    channels = input_shape[-1] if data_format == "channels_last" else input_shape[1]
    return with_spatial(input_shape, out, channels, data_format)
