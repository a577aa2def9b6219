"""tf.keras ``K`` functions about the session, variables and values.

Keras 3 keeps these only under its legacy TensorFlow namespace; kerasx offers them on
every backend so ``from keras import backend as K`` scripts keep working.  Values come
back as NumPy arrays, the portable analogue of TF1's ``K.eval``.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from kerasx import ops
from kerasx.backends.common.settings import floatx
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.variable import Variable

_uids: defaultdict[str, int] = defaultdict(int)
_phase: dict[str, Any] = {"value": 0}


def clear_session(free_memory: bool = True) -> None:
    """Reset layer names, uids and the global seed generator (no graph to drop here)."""
    from kerasx.utils import clear_session as _clear

    _uids.clear()
    _clear(free_memory=free_memory)


def get_uid(prefix: str = "") -> int:
    """1, 2, 3... per ``prefix``: the counter tf.keras used for unique names."""
    _uids[prefix] += 1
    return _uids[prefix]


def learning_phase() -> int:
    """Always 0 unless set: kerasx layers take ``training=`` explicitly instead."""
    return _phase["value"]


def set_learning_phase(value: int) -> None:
    """Accepted for old scripts; layers still follow their ``training`` argument."""
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1. Received: {value}")
    _phase["value"] = value


def is_keras_tensor(x: Any) -> bool:
    """True for symbolic tensors made by ``keras.Input`` and layers on them."""
    return isinstance(x, KerasTensor)


def is_sparse(tensor: Any) -> bool:
    """kerasx tensors are dense on every backend."""
    return False


def to_dense(tensor: Any) -> Any:
    return tensor


@contextlib.contextmanager
def name_scope(name: str) -> Iterator[None]:
    """Prefix for the paths of variables created inside (kerasx's name_scope)."""
    from kerasx.engine.state import name_scope as _scope

    with _scope(name):
        yield


def variable(
    value: Any, dtype: Any = None, name: str | None = None, constraint: Any = None
) -> Variable:
    """A trainable kerasx Variable holding ``value`` (default dtype: floatx)."""
    v = Variable(
        np.asarray(value) if isinstance(value, (list, tuple)) else value,
        dtype=dtype or floatx(),
        name=name,
    )
    v.constraint = constraint
    return v


def constant(
    value: Any, dtype: Any = None, shape: Sequence[int] | None = None, name: Any = None
) -> Any:
    """A tensor of ``value`` (a single value is repeated to fill ``shape`` when given)."""
    arr = np.asarray(value)
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        arr = np.broadcast_to(arr.reshape(()), shape) if arr.size == 1 else arr.reshape(shape)
    return ops.convert_to_tensor(np.array(arr), dtype=dtype or floatx())


def _to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, Variable):
        return x.numpy()
    return np.asarray(ops.convert_to_numpy(x))


def eval(x: Any) -> np.ndarray:  # noqa: A001  (the Keras name)
    """The value of a tensor or variable as a NumPy array."""
    return _to_numpy(x)


def get_value(x: Any) -> np.ndarray:
    """The value of a tensor or variable as a NumPy array (e.g. ``optimizer.learning_rate``)."""
    if isinstance(x, (int, float, np.ndarray, np.generic)):
        return np.asarray(x)
    return _to_numpy(x)


def batch_get_value(tensors: Iterable[Any]) -> list[np.ndarray]:
    return [get_value(t) for t in tensors]


def set_value(x: Variable, value: Any) -> None:
    """Assign ``value`` to variable ``x`` (cast to its dtype)."""
    x.assign(np.asarray(value))


def batch_set_value(tuples: Iterable[tuple[Variable, Any]]) -> None:
    for x, value in tuples:
        set_value(x, value)


def update(x: Variable, new_x: Any) -> Any:
    return x.assign(new_x)


def update_add(x: Variable, increment: Any) -> Any:
    return x.assign_add(increment)


def update_sub(x: Variable, decrement: Any) -> Any:
    return x.assign_sub(decrement)


def moving_average_update(x: Variable, value: Any, momentum: float) -> Any:
    """``x <- x * momentum + value * (1 - momentum)``, the BatchNorm statistics update."""
    value = ops.cast(value, x.dtype)
    return x.assign_sub(ops.multiply(ops.subtract(x.value, value), 1.0 - momentum))


def count_params(x: Any) -> int:
    """Number of scalars in a tensor or variable."""
    return int(np.prod(int_shape(x))) if int_shape(x) else 1


def int_shape(x: Any) -> tuple[int | None, ...] | None:
    """The static shape as a tuple of ints (None for unknown dimensions)."""
    shape = getattr(x, "shape", None)
    if shape is None:
        shape = np.shape(x)
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except TypeError:
        return None


def shape(x: Any) -> tuple[Any, ...]:
    """The shape of ``x``; a tuple, which indexes and reshapes like TF's shape tensor."""
    return tuple(ops.shape(x))


def ndim(x: Any) -> int:
    return len(ops.shape(x))


def dtype(x: Any) -> str:
    """The dtype name (``"float32"``...), as tf.keras' ``K.dtype`` gave it."""
    from kerasx.backends.common.dtypes import standardize_dtype

    return standardize_dtype(getattr(x, "dtype", None) or np.asarray(x).dtype)


def cast_to_floatx(x: Any) -> np.ndarray:
    """A NumPy array of ``x`` in floatx (tf.keras returned NumPy here too)."""
    return np.asarray(x, dtype=floatx())


def stop_gradient(variables: Any) -> Any:
    """Block gradients through a tensor, or each tensor of a list."""
    if isinstance(variables, (list, tuple)):
        return type(variables)(ops.stop_gradient(v) for v in variables)
    return ops.stop_gradient(variables)
