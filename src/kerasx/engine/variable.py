"""``kerasx.Variable``: a named, shaped, mutable tensor that lives on the backend.

The value is held in the backend's own storage (``tf.Variable``, ``torch.nn.Parameter``,
a box holding a ``jax.Array``) created through the protocol.  Reads and writes go
through scopes first, so the same variable works eagerly, inside a compiled stateless
step (values supplied, updates collected), and under mixed precision (autocast).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kerasx import _backend
from kerasx.backends.common import dtypes as _dt
from kerasx.engine import state
from kerasx.engine.keras_tensor import SpecialTensorBase
from kerasx.utils.naming import auto_name


def _ops() -> Any:
    import kerasx.ops as ops

    return ops


def _init_scope() -> Any:
    hook = getattr(_backend.B, "init_scope", None)
    if hook is None:
        import contextlib

        return contextlib.nullcontext()
    return hook()


class Variable(SpecialTensorBase):
    """A mutable tensor with a name, a path, a dtype and a ``trainable`` flag.

    Args:
        initializer: an initial value (array-like), or a callable / initializer
            called as ``initializer(shape, dtype)``.
        shape: required when ``initializer`` is callable.
        dtype: the variable's storage dtype; defaults to the value's or ``floatx()``.
        trainable: whether optimizers update it.
        autocast: read as the layer compute dtype under mixed precision.
        aggregation, synchronization: accepted for Keras compatibility (distribution).
        name: the variable's name; its ``path`` prefixes the enclosing name scopes.
    """

    __slots__ = (
        "_handle",
        "_shape",
        "_dtype",
        "_trainable",
        "_autocast",
        "name",
        "path",
        "aggregation",
        "synchronization",
        "constraint",
        "regularizer",
        "overwrite_with_gradient",
        "__weakref__",
    )

    def __init__(
        self,
        initializer: Any,
        shape: Sequence[int] | None = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
    ) -> None:
        B = _backend.B
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(
                f"Argument `name` must be a string without '/'. Received: name={name!r}"
            )
        self.name = name or auto_name("variable")
        prefix = state.current_path()
        self.path = f"{prefix}/{self.name}" if prefix else self.name
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` argument must be "
                    f"specified. Received: initializer={initializer!r}, shape={shape}"
                )
            dtype = _dt.standardize_dtype(dtype)
            # Initial values are concrete even when the first call happens inside a
            # trace (jit / tf.function / symbolic build of a subclassed model).
            with _init_scope():
                value = initializer(tuple(int(d) for d in shape), dtype=dtype)
        else:
            value = initializer.value if isinstance(initializer, Variable) else initializer
            if dtype is None:
                dtype = _dt.standardize_dtype(
                    getattr(value, "dtype", None) or B.dtype(B.convert_to_tensor(value))
                )
        self._dtype = _dt.standardize_dtype(dtype)
        value = B.convert_to_tensor(value, dtype=self._dtype)
        if shape is not None and tuple(B.shape(value)) != tuple(shape):
            raise ValueError(
                f"Initial value of variable '{self.name}' has shape {tuple(B.shape(value))}, "
                f"which does not match the requested shape {tuple(shape)}."
            )
        self._shape = tuple(B.shape(value))
        self._trainable = bool(trainable)
        self._autocast = bool(autocast)
        self.aggregation = aggregation
        self.synchronization = synchronization
        self.constraint: Callable[[Any], Any] | None = None
        self.regularizer: Callable[[Any], Any] | None = None
        self.overwrite_with_gradient = False
        with _init_scope():
            self._handle = B.variable_create(value, self._trainable, self.name)

    # ------------------------------------------------------------ properties
    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def dtype(self) -> str:
        target = state.current_autocast_dtype() if self._autocast else None
        if target is not None and _dt.is_float(self._dtype):
            return target
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def size(self) -> int:
        return math.prod(self._shape)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        setter = getattr(_backend.B, "variable_set_trainable", None)
        if setter is not None:
            setter(self._handle, self._trainable)

    @property
    def handle(self) -> Any:
        """The backend storage (``torch.nn.Parameter``, ``tf.Variable``'s resource, the
        JAX box); backends may refine it so native APIs accept kerasx Variables."""
        return self._handle

    @property
    def value(self) -> Any:
        """The current value as a backend tensor (respects stateless and autocast scopes)."""
        scope = state.current_stateless_scope()
        value = None
        if scope is not None:
            value = scope.get_current_value(self)
        if value is None:
            value = _backend.B.variable_read(self._handle)
        if self._autocast:
            target = state.current_autocast_dtype()
            if target is not None and target != self._dtype and _dt.is_float(self._dtype):
                value = _backend.B.cast(value, target)
        return value

    # --------------------------------------------------------------- writes
    def assign(self, value: Any) -> Any:
        B = _backend.B
        if isinstance(value, Variable):
            value = value.value
        value = B.convert_to_tensor(value, dtype=self._dtype)
        if tuple(B.shape(value)) != self._shape:
            raise ValueError(
                f"The shape of the value assigned to variable '{self.path}' must match the variable's "
                f"shape. Expected: {self._shape}. Received: value.shape={tuple(B.shape(value))}"
            )
        scope = state.current_stateless_scope()
        if scope is not None and scope.collect_updates:
            scope.add_update(self, value)
        else:
            B.variable_assign(self._handle, value)
        return value

    def assign_add(self, value: Any) -> Any:
        return self.assign(_backend.B.add(self._raw_value(), _cast_like(value, self._dtype)))

    def assign_sub(self, value: Any) -> Any:
        return self.assign(_backend.B.subtract(self._raw_value(), _cast_like(value, self._dtype)))

    def _raw_value(self) -> Any:
        scope = state.current_stateless_scope()
        value = scope.get_current_value(self) if scope is not None else None
        return _backend.B.variable_read(self._handle) if value is None else value

    # ------------------------------------------------------------ conversion
    def numpy(self) -> np.ndarray:
        return _backend.B.convert_to_numpy(self._raw_value())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()
        return arr.astype(dtype) if dtype is not None else arr

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self._shape}, dtype={self._dtype}, value={self.numpy()!r}>"

    def __len__(self) -> int:
        return self._shape[0]

    def __bool__(self) -> bool:
        return bool(self.numpy())

    def __float__(self) -> float:
        return float(self.numpy())

    def __int__(self) -> int:
        return int(self.numpy())

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return _ops().equal(self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return _ops().not_equal(self, other)

    def __getitem__(self, key: Any) -> Any:
        return _ops().get_item(self, key)

    def __add__(self, o: Any) -> Any:
        return _ops().add(self, o)

    def __radd__(self, o: Any) -> Any:
        return _ops().add(o, self)

    def __sub__(self, o: Any) -> Any:
        return _ops().subtract(self, o)

    def __rsub__(self, o: Any) -> Any:
        return _ops().subtract(o, self)

    def __mul__(self, o: Any) -> Any:
        return _ops().multiply(self, o)

    def __rmul__(self, o: Any) -> Any:
        return _ops().multiply(o, self)

    def __truediv__(self, o: Any) -> Any:
        return _ops().divide(self, o)

    def __rtruediv__(self, o: Any) -> Any:
        return _ops().divide(o, self)

    def __floordiv__(self, o: Any) -> Any:
        return _ops().floor_divide(self, o)

    def __mod__(self, o: Any) -> Any:
        return _ops().mod(self, o)

    def __pow__(self, o: Any) -> Any:
        return _ops().power(self, o)

    def __rpow__(self, o: Any) -> Any:
        return _ops().power(o, self)

    def __matmul__(self, o: Any) -> Any:
        return _ops().matmul(self, o)

    def __rmatmul__(self, o: Any) -> Any:
        return _ops().matmul(o, self)

    def __neg__(self) -> Any:
        return _ops().negative(self)

    def __abs__(self) -> Any:
        return _ops().abs(self)

    def __lt__(self, o: Any) -> Any:
        return _ops().less(self, o)

    def __le__(self, o: Any) -> Any:
        return _ops().less_equal(self, o)

    def __gt__(self, o: Any) -> Any:
        return _ops().greater(self, o)

    def __ge__(self, o: Any) -> Any:
        return _ops().greater_equal(self, o)

    @property
    def T(self) -> Any:  # noqa: N802
        return _ops().transpose(self)


def _cast_like(value: Any, dtype: str) -> Any:
    if isinstance(value, Variable):
        value = value.value
    return _backend.B.convert_to_tensor(value, dtype=dtype)


# A backend may teach its framework to accept kerasx Variables natively (e.g. so that
# ``tf.GradientTape.gradient(loss, model.trainable_weights)`` works).
_register = getattr(_backend.B, "register_variable_class", None)
if _register is not None:
    _register(Variable)
