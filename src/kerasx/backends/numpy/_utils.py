"""Dtype and conversion helpers shared by the NumPy adapter's mixins.

Tensors of this backend are plain ``np.ndarray``.  NumPy's ufuncs return NumPy scalars
for 0-d inputs; the helpers here (and ``out=...`` on ufunc calls) keep every result an
``ndarray`` so that ``np.float64`` results are never mistaken for weak Python floats.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings

try:  # bfloat16 is not a NumPy dtype; ml_dtypes (shipped with jax/tf) provides it.
    import ml_dtypes as _ml_dtypes

    BF16: np.dtype | None = np.dtype(_ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - depends on the environment
    BF16 = None

ND = np.ndarray
PY_SCALARS = (bool, int, float, complex)
PY_SCALAR_SET = frozenset(PY_SCALARS)

_NP_DTYPES: dict[str, np.dtype] = {
    name: np.dtype(name) for name in _dt.ALLOWED_DTYPES if name not in ("bfloat16", "string")
}
if BF16 is not None:
    _NP_DTYPES["bfloat16"] = BF16

#: np.dtype -> canonical name
_NAMES: dict[np.dtype, str] = {v: k for k, v in _NP_DTYPES.items()}

FLOAT_NAMES = frozenset(_dt.FLOAT_TYPES)
INEXACT_NAMES = frozenset(_dt.FLOAT_TYPES + _dt.COMPLEX_TYPES)
INT_NAMES = frozenset(_dt.INT_TYPES + _dt.UINT_TYPES)
LOW_FLOATS = frozenset(("float16", "bfloat16"))
# sum/prod/cumsum/cumprod accumulate small ints in 32 bits.
SUM_DTYPES = {
    "bool": "int32",
    "int8": "int32",
    "int16": "int32",
    "uint8": "uint32",
    "uint16": "uint32",
}

BOOL = np.dtype("bool")
INT32 = np.dtype("int32")
INT64 = np.dtype("int64")
FLOAT32 = np.dtype("float32")
FLOAT64 = np.dtype("float64")
_I32_MIN, _I32_MAX = -(2**31), 2**31 - 1


def np_dtype(dtype: Any) -> np.dtype:
    """The np.dtype for any dtype spelling (``None`` means floatx)."""
    d = _NP_DTYPES.get(dtype) if type(dtype) is str else None
    if d is not None:
        return d
    name = _dt.standardize_dtype(dtype)
    d = _NP_DTYPES.get(name)
    if d is None:
        if name == "bfloat16":
            raise ValueError(
                "bfloat16 on the NumPy backend needs the `ml_dtypes` package (pip install ml_dtypes)."
            )
        if name == "string":
            return np.dtype(object)
        raise ValueError(f"Unsupported dtype for the NumPy backend: {dtype!r}")
    return d


def floatx_np() -> np.dtype:
    return _NP_DTYPES[str(_settings._state["floatx"])]


def name_of(dtype: np.dtype) -> str:
    """Canonical name of an np.dtype."""
    n = _NAMES.get(dtype)
    if n is None:
        if dtype.kind in "OUS":
            return "string"
        n = _dt.standardize_dtype(dtype)
    return n


def dname(x: np.ndarray) -> str:
    n = _NAMES.get(x.dtype)
    return n if n is not None else name_of(x.dtype)


def is_inexact(x: np.ndarray) -> bool:
    k = x.dtype.kind
    return k == "f" or k == "c" or x.dtype == BF16


def as_array(r: Any) -> np.ndarray:
    """Wrap NumPy scalars returned by reductions into 0-d arrays."""
    return r if type(r) is ND else np.asarray(r)


class Box:
    """Mutable holder of a variable's array (the NumPy backend's variable storage)."""

    __slots__ = ("value", "trainable", "name")

    def __init__(self, value: np.ndarray, trainable: bool, name: str) -> None:
        self.value = value
        self.trainable = trainable
        self.name = name

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        v = self.value
        if dtype is not None:
            v = v.astype(dtype)
        return v.copy() if copy else v

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def dtype(self) -> np.dtype:
        return self.value.dtype

    def __repr__(self) -> str:
        return f"<numpy variable {self.name!r} shape={self.value.shape} dtype={dname(self.value)}>"


def _leaf_kinds(x: Any, strong: set[str], weak: set[type]) -> None:
    for item in x:
        t = type(item)
        if t is list or t is tuple:
            _leaf_kinds(item, strong, weak)
        elif t in PY_SCALAR_SET:
            weak.add(t)
        elif isinstance(item, (ND, np.generic)):
            strong.add(name_of(item.dtype))
        elif isinstance(item, Box):
            strong.add(dname(item.value))
        elif isinstance(item, (list, tuple)):
            _leaf_kinds(item, strong, weak)
        elif hasattr(item, "dtype"):
            strong.add(_dt.standardize_dtype(item.dtype))
        else:
            weak.add(type(item))


_WEAK_REPR = {bool: True, int: 1, float: 1.0, complex: 1j}


def from_sequence(x: Any) -> np.ndarray:
    """A nested list/tuple as an array with Keras' default dtypes.

    Python ints give int32, Python floats floatx; NumPy leaves keep their dtype and
    Python scalars promote with them weakly.
    """
    arr = np.asarray(x)
    if arr.dtype in (FLOAT64, INT64, np.dtype("complex128")) or arr.dtype.kind == "O":
        strong: set[str] = set()
        weak: set[type] = set()
        _leaf_kinds(x, strong, weak)
        items = [*strong, *(_WEAK_REPR[t] for t in weak if t in _WEAK_REPR)]
        target = _dt.result_type(*items)
        if target == "int32" and not strong and arr.dtype == INT64 and arr.size:
            if arr.min() < _I32_MIN or arr.max() > _I32_MAX:
                return arr
        d = np_dtype(target)
        if arr.dtype != d:
            arr = np.asarray(x, dtype=d) if arr.dtype.kind == "O" else arr.astype(d)
    return arr


def to_tensor(x: Any, dtype: Any = None) -> np.ndarray:
    """``convert_to_tensor`` as a plain function (the hot path of every op)."""
    t = type(x)
    if dtype is None:
        if t is ND:
            return x
        if t is float:
            return np.asarray(x, dtype=floatx_np())
        if t is int:
            return np.asarray(x, dtype=INT32 if _I32_MIN <= x <= _I32_MAX else INT64)
        if t is bool:
            return np.asarray(x, dtype=BOOL)
        if isinstance(x, np.generic):
            return np.asarray(x)
        if t is Box:
            return x.value
        if t is list or t is tuple:
            return from_sequence(x)
        if t is complex:
            return np.asarray(x, dtype=np.complex64)
        if isinstance(x, ND):  # ndarray subclasses
            return np.asarray(x)
        if isinstance(x, (list, tuple)):
            return from_sequence(list(x))
        arr = np.asarray(x)
        return arr
    d = np_dtype(dtype)
    if t is ND:
        return x if x.dtype == d else x.astype(d)
    if t is Box:
        x = x.value
        return x if x.dtype == d else x.astype(d)
    if t is int and d.kind in "iu":
        info = np.iinfo(d)
        if not info.min <= x <= info.max:  # wrap like a cast rather than failing
            return np.asarray(x).astype(d)
    if t is list or t is tuple or isinstance(x, (list, tuple)):
        return np.asarray(from_sequence(x), dtype=d)
    return np.asarray(x, dtype=d)


def float_tensor(x: Any) -> np.ndarray:
    """``x`` as a float array: ints and bools become floatx."""
    x = to_tensor(x)
    k = x.dtype.kind
    if k == "f" or k == "c" or x.dtype == BF16:
        return x
    return x.astype(floatx_np())


_RT_CACHE: dict[tuple[Any, Any, str], np.dtype] = {}


def _key(x: Any) -> Any:
    t = type(x)
    return t if t in PY_SCALAR_SET else x


def result_np(k1: Any, k2: Any) -> np.dtype:
    """Promoted np.dtype of two keys: canonical names or Python scalars (weak)."""
    fx = str(_settings._state["floatx"])
    key = (_key(k1), _key(k2), fx)
    d = _RT_CACHE.get(key)
    if d is None:
        a = _WEAK_REPR[key[0]] if type(key[0]) is type else k1
        b = _WEAK_REPR[key[1]] if type(key[1]) is type else k2
        d = np_dtype(_dt.result_type(a, b))
        _RT_CACHE[key] = d
    return d


def promote(x1: Any, x2: Any) -> tuple[Any, Any, np.dtype]:
    """Operands ready for a NumPy binary ufunc whose result has Keras' promoted dtype.

    Arrays are cast to the promoted dtype.  A weak Python scalar facing an array is
    left as is: after the cast, NEP 50 makes NumPy keep the array's dtype.
    """
    t1, t2 = type(x1), type(x2)
    if t1 is ND and t2 is ND:
        d1, d2 = x1.dtype, x2.dtype
        if d1 == d2:
            return x1, x2, d1
        d = result_np(dname(x1), dname(x2))
        return (x1 if d1 == d else x1.astype(d)), (x2 if d2 == d else x2.astype(d)), d
    # Fast paths: a float array with a Python int/float, an int array with a Python
    # int that fits, any non-bool array with a Python bool.  NEP 50 keeps the dtype.
    if t1 is ND and (t2 is float or t2 is int or t2 is bool):
        k = x1.dtype.kind
        if (k == "f" and t2 is not bool) or (k in "iu" and t2 is int and _fits(x2, x1.dtype)):
            return x1, x2, x1.dtype
    elif t2 is ND and (t1 is float or t1 is int or t1 is bool):
        k = x2.dtype.kind
        if (k == "f" and t1 is not bool) or (k in "iu" and t1 is int and _fits(x1, x2.dtype)):
            return x1, x2, x2.dtype
    w1, w2 = t1 in PY_SCALAR_SET, t2 in PY_SCALAR_SET
    if not w1:
        x1 = to_tensor(x1)
    if not w2:
        x2 = to_tensor(x2)
    d = result_np(x1 if w1 else dname(x1), x2 if w2 else dname(x2))
    if w1 and w2 or d is BF16:  # ml_dtypes' bfloat16 does not follow NEP 50 for scalars
        return to_tensor(x1, d), to_tensor(x2, d), d
    if w1:
        if x2.dtype != d:
            x2 = x2.astype(d)
        if d.kind in "iu" and t1 is int and not _fits(x1, d):
            x1 = np.asarray(x1).astype(d)
        return x1, x2, d
    if w2:
        if x1.dtype != d:
            x1 = x1.astype(d)
        if d.kind in "iu" and t2 is int and not _fits(x2, d):
            x2 = np.asarray(x2).astype(d)
        return x1, x2, d
    if x1.dtype != d:
        x1 = x1.astype(d)
    if x2.dtype != d:
        x2 = x2.astype(d)
    return x1, x2, d


_IRANGE: dict[np.dtype, tuple[int, int]] = {}


def _fits(v: int, d: np.dtype) -> bool:
    r = _IRANGE.get(d)
    if r is None:
        info = np.iinfo(d)
        r = _IRANGE[d] = (int(info.min), int(info.max))
    return r[0] <= v <= r[1]


def result_of(*items: Any) -> np.dtype:
    """Promoted np.dtype of many tensors / Python scalars."""
    keys = []
    for it in items:
        if type(it) in PY_SCALAR_SET:
            keys.append(it)
        elif it is None:
            continue
        else:
            keys.append(dname(to_tensor(it)))
    return np_dtype(_dt.result_type(*keys))


def norm_axis(axis: Any) -> Any:
    """Axis argument for NumPy: None, int or tuple of ints."""
    if axis is None or type(axis) is int:
        return axis
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def low_precision(x: np.ndarray) -> bool:
    return x.dtype == np.float16 or x.dtype == BF16
