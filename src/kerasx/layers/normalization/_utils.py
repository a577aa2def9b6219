"""Axis helpers shared by the normalization layers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def axes_list(axis: int | Sequence[int]) -> list[int]:
    return [axis] if isinstance(axis, int) else list(axis)


def check_axes_in_range(axis: Any, input_shape: Sequence[int | None]) -> None:
    """ValueError when an axis does not exist for ``input_shape`` (as Keras reports it)."""
    rank = len(input_shape)
    for a in axes_list(axis):
        if a >= rank or a < -rank:
            raise ValueError(
                f"Axis {a} is out of bounds for input shape {tuple(input_shape)}. "
                f"Received: axis={axis}"
            )


def broadcast_shape(axes: Sequence[int], input_shape: Sequence[int | None]) -> list[int]:
    """Shape that places a parameter of the ``axes`` dims against the full input."""
    rank = len(input_shape)
    shape = [1] * rank
    for a in axes:
        d = input_shape[a]
        shape[a] = -1 if d is None else int(d)
    return shape


def normalize_axis(axis: int, rank: int) -> int:
    return axis + rank if axis < 0 else axis
