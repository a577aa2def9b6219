"""Dtype tables, promotion caches and device state shared by the torch mixins."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings

Tensor = torch.Tensor

TORCH_DTYPES: dict[str, torch.dtype] = {
    "bool": torch.bool,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
NAMES: dict[torch.dtype, str] = {v: k for k, v in TORCH_DTYPES.items()}

#: Unsigned dtypes torch stores but has (almost) no CPU kernels for: computed in int64.
WIDE_UINT = frozenset((torch.uint16, torch.uint32, torch.uint64))
INTS = frozenset(
    (
        torch.uint8,
        torch.uint16,
        torch.uint32,
        torch.uint64,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
    )
)
FLOATS = frozenset((torch.float16, torch.bfloat16, torch.float32, torch.float64))
COMPLEX = frozenset((torch.complex64, torch.complex128))
INEXACT = FLOATS | COMPLEX

#: Accumulator dtype of sum/prod/cumsum/cumprod (Keras rules); others keep their dtype.
ACC_DTYPE = {
    torch.bool: torch.int32,
    torch.int8: torch.int32,
    torch.int16: torch.int32,
    torch.uint8: torch.uint32,
    torch.uint16: torch.uint32,
}

# kinds of weak Python scalars
PY_KIND = {bool: 0, int: 1, float: 2, complex: 3}
_KIND = {
    torch.bool: 0,
    **dict.fromkeys(INTS, 1),
    **dict.fromkeys(FLOATS, 2),
    **dict.fromkeys(COMPLEX, 3),
}


def to_torch_dtype(dtype: Any) -> torch.dtype:
    """Torch dtype for any dtype spelling (``None`` means floatx)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    td = TORCH_DTYPES.get(dtype) if isinstance(dtype, str) else None
    if td is None:
        name = _dt.standardize_dtype(dtype)
        if name not in TORCH_DTYPES:
            raise ValueError(f"dtype {name!r} is not supported by the torch backend.")
        td = TORCH_DTYPES[name]
    return td


def floatx() -> torch.dtype:
    return TORCH_DTYPES[_settings.floatx()]


_PAIR_CACHE: dict[tuple[torch.dtype, torch.dtype], torch.dtype] = {}


def promote(d1: torch.dtype, d2: torch.dtype) -> torch.dtype:
    """Keras promotion of two strong dtypes (cached)."""
    if d1 is d2:
        return d1
    key = (d1, d2)
    out = _PAIR_CACHE.get(key)
    if out is None:
        out = TORCH_DTYPES[_dt.result_type(NAMES[d1], NAMES[d2])]
        _PAIR_CACHE[key] = out
    return out


def promote_weak(d: torch.dtype, kind: int) -> torch.dtype:
    """Keras promotion of a strong dtype with a weak Python scalar of ``kind``."""
    k = _KIND[d]
    if kind <= k:
        return d
    if kind == 1:
        return torch.int32
    if kind == 2:
        return floatx()
    return torch.complex128 if d is torch.float64 else torch.complex64


def is_inexact(d: torch.dtype) -> bool:
    return d in INEXACT


# ---------------------------------------------------------------------- devices
def _default_device() -> str:
    if torch.cuda.is_available():
        return f"cuda:{torch.cuda.current_device()}"  # indexed, so device equality checks hold
    return "cpu"


_DEVICE_STACK: list[torch.device] = [torch.device(_default_device())]


def current_device() -> torch.device:
    return _DEVICE_STACK[-1]


def on_accelerator() -> bool:
    return _DEVICE_STACK[-1].type != "cpu"


def parse_device(name: Any) -> torch.device:
    """``"cpu:0"`` / ``"gpu:1"`` / ``"cuda"`` / torch.device -> torch.device."""
    if isinstance(name, torch.device):
        return name
    s = str(name).lower()
    if s.startswith("/"):
        s = s.split("device:")[-1]
    kind, _, idx = s.partition(":")
    if kind == "gpu":
        kind = "cuda"
    if kind == "cpu":
        return torch.device("cpu")
    return torch.device(kind, int(idx) if idx else 0)


@contextlib.contextmanager
def device_scope(name: Any) -> Iterator[None]:
    _DEVICE_STACK.append(parse_device(name))
    try:
        yield
    finally:
        _DEVICE_STACK.pop()


def np_to_torch(arr: np.ndarray, device: torch.device) -> Tensor:
    """Copy a NumPy array to a tensor, keeping its dtype."""
    dt = arr.dtype
    if dt.kind in "OUSV":
        if dt.name == "bfloat16":  # ml_dtypes arrays
            return torch.tensor(arr.astype(np.float32), device=device).to(torch.bfloat16)
        raise TypeError(f"Cannot convert an array of dtype {dt} to a torch tensor.")
    if not dt.isnative:
        arr = arr.astype(dt.newbyteorder("="))
    # One copy (never aliasing the caller's array); handles negative strides too.
    t = torch.from_numpy(np.array(arr, order="C", copy=True))
    return t if device.type == "cpu" else t.to(device)
