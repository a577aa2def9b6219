"""Helpers for layers that act on each spatial axis: argument pairs and axis lookup."""

from __future__ import annotations

from typing import Any

from kerasx.layers.convolutional import conv_utils

Pairs = tuple[tuple[int, int], ...]


def standardize_pairs(value: Any, n: int, name: str) -> Pairs:
    """``(before, after)`` per spatial axis from an int, ``n`` ints (symmetric) or ``n``
    pairs; all non-negative."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * n
    if n == 1:
        return (conv_utils.standardize_tuple(value, 2, name, allow_zero=True),)  # type: ignore[return-value]
    if not hasattr(value, "__len__") or len(value) != n:
        raise ValueError(
            f"`{name}` should be an int, a tuple of {n} ints or a tuple of {n} tuples of 2 ints. "
            f"Received: {name}={value!r}."
        )
    return tuple(
        conv_utils.standardize_tuple(v, 2, f"entry {i} of {name}", allow_zero=True)  # type: ignore[misc]
        for i, v in enumerate(value)
    )


def spatial_axes(rank: int, data_format: str) -> tuple[int, ...]:
    start = 1 if data_format == "channels_last" else 2
    return tuple(range(start, start + rank))
