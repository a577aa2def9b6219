"""TensorFlow import (quiet) and the small helpers every mixin of the adapter shares.

TensorFlow does no implicit dtype promotion, so the helpers here convert operands and
promote pairs with :func:`kerasx.backends.common.dtypes.result_type`, with fast paths
for the common case of two tensors of one dtype.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class _DeclineOptionalJax:
    """Import hook, installed only while ``import tensorflow`` runs, that declines two
    optional probes for JAX made on the way.

    ``tf.lite`` tries ``from jax import jit`` and TF eagerly loads Keras, whose Orbax
    checkpoint callback tries ``import jax``; both are ``try/except ImportError``
    feature probes.  Serving them would load a second framework (seconds of start-up)
    although a backend must import only its own.  Only those two importers are
    declined: Keras running on JAX, or user code, import JAX normally.
    """

    _IMPORTERS = ("tensorflow.lite.python.util", "keras.src.callbacks.orbax_checkpoint")

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "jax":
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith(
            ("importlib", __name__)
        ):
            frame = frame.f_back
        if frame is not None and frame.f_globals.get("__name__") in self._IMPORTERS:
            raise ImportError("JAX is not loaded by kerasx's TensorFlow backend")
        return None


def _import_tensorflow() -> Any:
    """Import TensorFlow with its C++ start-up chatter sent to /dev/null.

    TF 2.21 logs through absl before ``TF_CPP_MIN_LOG_LEVEL`` is read (the oneDNN
    notice), so the level alone cannot hide it; stderr's file descriptor is
    redirected for the duration of the import only.  Python exceptions still propagate.
    """
    if "tensorflow" in sys.modules:
        import tensorflow

        return tensorflow
    blocker = _DeclineOptionalJax()
    sys.meta_path.insert(0, blocker)
    try:
        return _import_quietly()
    finally:
        sys.meta_path.remove(blocker)


def _import_quietly() -> Any:
    saved = None
    try:
        sys.stderr.flush()
        fd = sys.stderr.fileno()
        saved = os.dup(fd)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        saved = None
    try:
        import tensorflow
    finally:
        if saved is not None:
            os.dup2(saved, fd)
            os.close(saved)
    return tensorflow


tf = _import_tensorflow()

from tensorflow.python.framework import ops as _tf_ops  # noqa: E402

Tensor = tf.Tensor
Variable = tf.Variable
# Taken from the module, not from ``type(tf.constant(0))``: creating a tensor at import
# would initialise the eager context and freeze tf.config (threads, memory growth).
EagerTensor = _tf_ops.EagerTensor

SCALAR_TYPES = (bool, int, float, complex)
_WEAK_SAMPLE = {bool: True, int: 1, float: 1.0, complex: 1j}
_RT_CACHE: dict[tuple[Any, Any, str], str] = {}
_SETTINGS_STATE = _settings._state

SMALL_INTS = ("bool", "int8", "int16")
SMALL_UINTS = ("uint8", "uint16")


def floatx() -> str:
    return _SETTINGS_STATE["floatx"]  # type: ignore[return-value]


def rt2(a: Any, b: Any) -> str:
    """Cached ``result_type`` of two items: dtype names, or Python scalar *types* (weak)."""
    key = (a, b, _SETTINGS_STATE["floatx"])
    out = _RT_CACHE.get(key)
    if out is None:
        out = _dt.result_type(_WEAK_SAMPLE.get(a, a), _WEAK_SAMPLE.get(b, b))
        _RT_CACHE[key] = out
    return out


def dname(x: Any) -> str:
    """Canonical dtype name of a tf.Tensor (TF's names are the canonical ones)."""
    return x.dtype.name


def scalar(value: Any, dtype: str | None = None) -> Any:
    """A Python scalar as a tensor: bool -> bool, int -> int32, float -> floatx()."""
    if dtype is None:
        t = type(value)
        if t is bool:
            dtype = "bool"
        elif t is float:
            dtype = floatx()
        elif t is complex:
            dtype = "complex64"
        elif -(2**31) <= value < 2**31:
            dtype = "int32"
        else:
            dtype = "int64"
    try:
        return tf.constant(value, dtype=dtype)
    except (TypeError, ValueError):
        return tf.cast(tf.constant(value), dtype)


def _np_default(arr: np.ndarray) -> np.ndarray | None:
    """Dtype NumPy inferred for Python data -> the Keras default (int32, floatx)."""
    kind = arr.dtype.kind
    if kind == "f":
        return arr.astype(floatx()) if floatx() != "bfloat16" else None
    if kind in "iu":
        if arr.size and (arr.max() >= 2**31 or arr.min() < -(2**31)):
            return arr.astype("int64")
        return arr.astype("int32")
    if kind == "c":
        return arr.astype("complex64")
    return arr


def _has_tensor(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return any(_has_tensor(e) for e in x)
    return isinstance(x, (Tensor, Variable)) or tf.is_tensor(x)


def _weak_of(x: Any) -> Any:
    """The item ``result_type`` should see for a list element (weak for Python scalars)."""
    if type(x) in SCALAR_TYPES:
        return x
    if isinstance(x, (list, tuple)):
        return None
    return dname(x) if isinstance(x, Tensor) else _dt.standardize_dtype(getattr(x, "dtype", None))


def to_tensor(x: Any, dtype: str | None = None) -> Any:
    """Core of ``convert_to_tensor``; ``dtype`` is already canonical (or None)."""
    if isinstance(x, Tensor):
        if dtype is None or x.dtype.name == dtype:
            return x
        return tf.cast(x, dtype)
    if isinstance(x, Variable):
        v = x.value()
        return v if dtype is None or v.dtype.name == dtype else tf.cast(v, dtype)
    t = type(x)
    if t in SCALAR_TYPES:
        return scalar(x, dtype)
    if isinstance(x, (np.ndarray, np.generic)):
        if dtype is None or x.dtype.name == dtype:
            return tf.convert_to_tensor(x)
        if dtype == "bfloat16":
            return tf.cast(tf.convert_to_tensor(x), dtype)
        return tf.convert_to_tensor(np.asarray(x).astype(dtype))
    if isinstance(x, (list, tuple)):
        if _has_tensor(x):
            return _stack_mixed(x, dtype)
        arr = np.asarray(x)
        if arr.dtype.kind in "OSU":
            return tf.constant(x)
        if dtype is None:
            conv = _np_default(arr)
            if conv is None:
                return tf.cast(tf.convert_to_tensor(arr.astype("float32")), floatx())
            return tf.convert_to_tensor(conv)
        if dtype == "bfloat16":
            return tf.cast(tf.convert_to_tensor(arr.astype("float32")), dtype)
        return tf.convert_to_tensor(arr.astype(dtype))
    if isinstance(x, tf.SparseTensor):
        x = tf.sparse.to_dense(x)
    elif isinstance(x, tf.RaggedTensor):
        x = x.to_tensor()
    else:
        x = tf.convert_to_tensor(x)
    return x if dtype is None or x.dtype.name == dtype else tf.cast(x, dtype)


def _stack_mixed(x: Any, dtype: str | None) -> Any:
    """A (nested) list holding tensors: promote the elements, then stack them."""
    if dtype is None:
        items = [_weak_of(e) for e in x]
        if any(i is None for i in items):
            parts = [to_tensor(e) if isinstance(e, (list, tuple)) else e for e in x]
            items = [_weak_of(e) for e in parts]
            x = parts
        dtype = _dt.result_type(*items) if items else floatx()
    return tf.stack([to_tensor(e, dtype) for e in x])


def promote(a: Any, b: Any) -> tuple[Any, Any]:
    """Two operands as tensors of their promoted dtype (Python scalars are weak)."""
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb:
        da, db = a.dtype, b.dtype
        if da is db:  # DType objects are interned: identity is equality, and cheaper
            return a, b
        d = rt2(da.name, db.name)
        return (a if da.name == d else tf.cast(a, d)), (b if db.name == d else tf.cast(b, d))
    if ta:
        tb_ = type(b)
        if tb_ in SCALAR_TYPES:
            da = a.dtype.name
            d = rt2(da, tb_)
            return (a if da == d else tf.cast(a, d)), scalar(b, d)
        b = to_tensor(b)
        return promote(a, b)
    if tb:
        ta_ = type(a)
        if ta_ in SCALAR_TYPES:
            db = b.dtype.name
            d = rt2(ta_, db)
            return scalar(a, d), (b if db == d else tf.cast(b, d))
        return promote(to_tensor(a), b)
    if type(a) in SCALAR_TYPES and type(b) in SCALAR_TYPES:
        d = rt2(type(a), type(b))
        return scalar(a, d), scalar(b, d)
    if type(a) in SCALAR_TYPES:
        return promote(a, to_tensor(b))
    return promote(to_tensor(a), b)


def as_float(x: Any) -> Any:
    """``x`` as a tensor with a float (or complex) dtype: ints and bools -> floatx()."""
    if not isinstance(x, Tensor):
        x = to_tensor(x)
    dt = x.dtype
    if dt.is_floating or dt.is_complex:
        return x
    return tf.cast(x, floatx())


def norm_axis(axis: Any) -> Any:
    """Reduction ``axis`` argument in a form TF accepts (None, int or list)."""
    if axis is None or isinstance(axis, int):
        return axis
    if isinstance(axis, (tuple, list)):
        return [int(a) for a in axis]
    return axis


def static_or_dynamic_shape(x: Any) -> list[Any]:
    """Per-axis sizes: Python ints where static, scalar tensors where unknown."""
    static = x.shape.as_list()
    if all(d is not None for d in static):
        return static
    dyn = tf.shape(x)
    return [d if d is not None else dyn[i] for i, d in enumerate(static)]
