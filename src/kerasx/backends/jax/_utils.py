"""Helpers shared by the JAX adapter mixins: dtype mapping, fast conversion, promotion.

These are module-level functions (not methods) so the hot paths of binary ops and
reductions cost a couple of dict lookups on top of the jnp call.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings

Array = jax.Array
ArrayImpl = type(jnp.zeros((), jnp.int32))
PY_SCALARS = (bool, int, float, complex)

# With x64 disabled (the Keras 3 default) JAX has no 64-bit types; map them to their
# 32-bit counterparts up front instead of letting jnp warn on every call.
_NARROW = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}
_JD_CACHE: dict[Any, Any] = {}
_NAME_CACHE: dict[Any, str] = {}
_RESULT_CACHE: dict[tuple[str, str], str] = {}


class JaxVariable:
    """Mutable box holding a variable's current array (JAX arrays are immutable)."""

    __slots__ = ("value", "trainable", "name")

    def __init__(self, value: Any, trainable: bool = True, name: str = "") -> None:
        self.value = value
        self.trainable = trainable
        self.name = name

    def __jax_array__(self) -> Any:
        return self.value

    def __repr__(self) -> str:
        return (
            f"<JaxVariable {self.name!r} shape={tuple(self.value.shape)} dtype={self.value.dtype}>"
        )


def x64() -> bool:
    return bool(jax.config.jax_enable_x64)


def jdtype(dtype: Any) -> Any:
    """The NumPy dtype JAX uses for a kerasx dtype spelling (``None`` -> floatx)."""
    if dtype is None:
        dtype = _settings.floatx()
    wide = x64()
    try:
        return _JD_CACHE[(dtype, wide)]
    except (KeyError, TypeError):
        pass
    name = _dt.standardize_dtype(dtype)
    if name == "string":
        raise ValueError("The JAX backend has no string tensors.")
    if not wide:
        name = _NARROW.get(name, name)
    out = jnp.dtype(name)
    try:
        _JD_CACHE[(dtype, wide)] = out
    except TypeError:
        pass
    return out


def name_of(np_dtype: Any) -> str:
    """Canonical string of a NumPy/JAX dtype object."""
    try:
        return _NAME_CACHE[np_dtype]
    except KeyError:
        out = _dt.standardize_dtype(np_dtype)
        _NAME_CACHE[np_dtype] = out
        return out


def result_name(a: str, b: str) -> str:
    """``result_type`` of two dtype names, cached."""
    key = (a, b)
    try:
        return _RESULT_CACHE[key]
    except KeyError:
        out = _dt.result_type(a, b)
        _RESULT_CACHE[key] = out
        return out


def _leaves(x: Any, out: list) -> None:
    for item in x:
        if isinstance(item, (list, tuple)):
            _leaves(item, out)
        else:
            out.append(item)


def _infer_dtype(x: Any) -> Any:
    """Dtype for a value without one: Python ints -> int32, floats -> floatx()."""
    t = type(x)
    if t is bool:
        return jnp.bool_
    if t is int:
        return jnp.int32
    if t is float:
        return jdtype(None)
    if t is complex:
        return jnp.complex64
    if isinstance(x, (list, tuple)):
        leaves: list = []
        _leaves(x, leaves)
        items = []
        for leaf in leaves:
            if isinstance(leaf, PY_SCALARS) and not isinstance(leaf, np.generic):
                items.append(leaf)
            elif isinstance(leaf, JaxVariable):
                items.append(name_of(leaf.value.dtype))
            elif hasattr(leaf, "dtype"):
                items.append(_dt.standardize_dtype(leaf.dtype))
            else:
                items.append(name_of(np.asarray(leaf).dtype))
        return jdtype(_dt.result_type(*items))
    return None


def tensor(x: Any, dtype: Any = None) -> Any:
    """Fast ``convert_to_tensor``; ``dtype`` is any dtype spelling or None."""
    if isinstance(x, Array):
        if dtype is None:
            return x
        jd = jdtype(dtype)
        return x if x.dtype == jd else x.astype(jd)
    if isinstance(x, JaxVariable):
        return tensor(x.value, dtype)
    if dtype is not None:
        jd = jdtype(dtype)
        if isinstance(x, (list, tuple)):
            return jnp.asarray(_to_np(x), dtype=jd)
        if isinstance(x, (*PY_SCALARS, np.ndarray, np.generic)):
            return jnp.asarray(x, dtype=jd)
        return cast(tensor(x), jd)
    jd = _infer_dtype(x)
    if jd is not None:
        if isinstance(x, (list, tuple)):
            return jnp.asarray(_to_np(x), dtype=jd)
        return jnp.asarray(x, dtype=jd)
    if isinstance(x, (np.ndarray, np.generic)):
        if not x64() and x.dtype.name in _NARROW:
            x = x.astype(_NARROW[x.dtype.name])
        if x.dtype.kind in "biufc":
            # A plain host-to-device copy: jnp.asarray also queues a conversion behind
            # the computations already dispatched, which stalls the training loop.
            return jax.device_put(x)
        return jnp.asarray(x)
    if hasattr(x, "__jax_array__"):
        return tensor(x.__jax_array__(), dtype)
    value = getattr(x, "value", None)  # variable-like wrappers (kerasx.Variable)
    if isinstance(value, Array):
        return tensor(value, dtype)
    if hasattr(x, "numpy") and hasattr(x, "dtype"):  # foreign framework tensors
        return tensor(np.asarray(x.numpy()))
    return jnp.asarray(x)


def _to_np(x: Any) -> Any:
    """Nested lists holding JAX arrays go through jnp.stack; plain ones stay lists."""
    if any(isinstance(i, (Array, JaxVariable)) for i in x):
        return jnp.stack([tensor(i) if not isinstance(i, (list, tuple)) else _to_np(i) for i in x])
    return x


def cast(x: Any, dtype: Any) -> Any:
    jd = jdtype(dtype)
    if isinstance(x, Array):
        return x if x.dtype == jd else x.astype(jd)
    return tensor(x, jd)


def dname(x: Any) -> str:
    """Canonical dtype string of a JAX array."""
    return name_of(x.dtype)


def promote(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Two operands as arrays of their promoted dtype; Python scalars are weak and
    are returned as Python scalars (JAX keeps them weak, so the array dtype wins)."""
    if isinstance(x1, Array) and isinstance(x2, Array):
        d1, d2 = x1.dtype, x2.dtype
        if d1 == d2:
            return x1, x2
        jd = jdtype(result_name(name_of(d1), name_of(d2)))
        return (x1 if d1 == jd else x1.astype(jd)), (x2 if d2 == jd else x2.astype(jd))
    s1 = type(x1) in PY_SCALARS
    s2 = type(x2) in PY_SCALARS
    if s1 and s2:
        jd = jdtype(_dt.result_type(x1, x2))
        return jnp.asarray(x1, jd), jnp.asarray(x2, jd)
    if not s1:
        x1 = tensor(x1)
    if not s2:
        x2 = tensor(x2)
    if s2:
        jd = _weak_result(x1.dtype, type(x2))
        return (x1 if x1.dtype == jd else x1.astype(jd)), _scalar_for(x2, jd)
    if s1:
        jd = _weak_result(x2.dtype, type(x1))
        return _scalar_for(x1, jd), (x2 if x2.dtype == jd else x2.astype(jd))
    d1, d2 = x1.dtype, x2.dtype
    if d1 == d2:
        return x1, x2
    jd = jdtype(result_name(name_of(d1), name_of(d2)))
    return (x1 if d1 == jd else x1.astype(jd)), (x2 if d2 == jd else x2.astype(jd))


_WEAK_SAMPLE = {bool: True, int: 1, float: 1.0, complex: 1j}
_WEAK_CACHE: dict = {}


def _weak_result(np_dtype: Any, scalar_type: type) -> Any:
    """JAX dtype of an array of ``np_dtype`` combined with a weak Python scalar."""
    key = (np_dtype, scalar_type, _settings.floatx(), x64())
    try:
        return _WEAK_CACHE[key]
    except KeyError:
        out = jdtype(_dt.result_type(name_of(np_dtype), _WEAK_SAMPLE[scalar_type]))
        _WEAK_CACHE[key] = out
        return out


_INT_BOUNDS: dict = {}


def _scalar_for(v: Any, jd: Any) -> Any:
    """A Python scalar ready to meet an array of dtype ``jd`` without widening it
    (ints out of the dtype's range wrap around, as a cast would)."""
    kind = jd.kind
    if kind == "b":
        return bool(v)
    if kind in "iu":
        if isinstance(v, bool):
            return int(v)
        bounds = _INT_BOUNDS.get(jd)
        if bounds is None:
            info = np.iinfo(jd)
            bounds = _INT_BOUNDS[jd] = (int(info.min), int(info.max))
        if not bounds[0] <= v <= bounds[1]:
            return jnp.asarray(np.asarray(v).astype(jd))
    return v


def promote_many(xs: Any) -> list:
    """Convert a sequence of operands to arrays of one promoted dtype."""
    arrays, items = [], []
    for x in xs:
        if type(x) in PY_SCALARS:
            arrays.append(x)
            items.append(x)
        else:
            t = tensor(x)
            arrays.append(t)
            items.append(name_of(t.dtype))
    jd = jdtype(_dt.result_type(*items))
    return [cast(a, jd) if not isinstance(a, Array) or a.dtype != jd else a for a in arrays]


def to_float(x: Any) -> Any:
    """``x`` as a float (or complex) array; ints and bools become floatx()."""
    x = tensor(x)
    k = x.dtype.kind
    if k == "f" or k == "c" or x.dtype == jnp.bfloat16:
        return x
    return x.astype(jdtype(None))


def is_float_array(x: Any) -> bool:
    return x.dtype.kind == "f" or x.dtype == jnp.bfloat16


def norm_axis(axis: Any) -> Any:
    """Lists of axes become tuples (jnp needs hashable axes)."""
    if isinstance(axis, list):
        return tuple(axis)
    return axis


_WIDEN = {
    "bool": jnp.int32,
    "int8": jnp.int32,
    "int16": jnp.int32,
    "uint8": jnp.uint32,
    "uint16": jnp.uint32,
}


def sum_dtype(x: Any) -> Any:
    """Result dtype for sum/prod/cumsum: small ints widen to 32 bits.

    None (let jnp pick, which keeps the dtype) for everything else, so that float16
    sums keep JAX's float32 accumulation.
    """
    return _WIDEN.get(name_of(x.dtype))


def is_concrete(x: Any) -> bool:
    """True when ``x`` holds a value now (not a tracer inside jit/grad/vmap)."""
    return not isinstance(x, jax.core.Tracer)
