"""Core ops (``kerasx.ops.core``): conversion, control flow, scatter and slicing.

``shape``, ``dtype`` and ``is_tensor`` answer for symbolic tensors and variables
directly instead of recording graph nodes.
"""

from __future__ import annotations

from typing import Any

from kerasx import _backend
from kerasx.engine.keras_tensor import KerasTensor, SpecialTensorBase
from kerasx.ops._dispatch import export

NAMES = [
    "associative_scan",
    "cast",
    "cond",
    "convert_to_numpy",
    "convert_to_tensor",
    "custom_gradient",
    "fori_loop",
    "map",
    "saturate_cast",
    "scan",
    "scatter",
    "scatter_update",
    "slice",
    "slice_update",
    "stop_gradient",
    "switch",
    "unstack",
    "vectorized_map",
    "while_loop",
]
__all__ = [*export(NAMES, __name__, globals()), "shape", "dtype", "is_tensor"]


def shape(x: Any) -> tuple[int | None, ...]:
    """Static shape of a tensor, variable or KerasTensor."""
    if isinstance(x, SpecialTensorBase):
        return tuple(x.shape)
    return _backend.B.shape(x)


def dtype(x: Any) -> str:
    """Canonical dtype string of a tensor, variable or KerasTensor."""
    if isinstance(x, SpecialTensorBase):
        return x.dtype
    return _backend.B.dtype(_backend.B.convert_to_tensor(x))


def is_tensor(x: Any) -> bool:
    """True for the active backend's native tensors."""
    if isinstance(x, KerasTensor):
        return False
    return _backend.B.is_tensor(x)
