"""KerasTensor: the one symbolic tensor type shared by ops, layers and models.

A KerasTensor carries a shape (``None`` for unknown dimensions) and a dtype, and
remembers which operation produced it (``_keras_history``), which is how the Functional
API finds the graph between its inputs and outputs.  Arithmetic operators dispatch to
``kerasx.ops`` so that ``x + 1`` on a symbolic input builds a graph node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx.backends.common.dtypes import standardize_dtype


class SpecialTensorBase:
    """Marker base for objects kerasx ops must translate (KerasTensor, Variable)."""

    __slots__ = ()


class KerasTensor(SpecialTensorBase):
    """A symbolic tensor: shape and dtype, no value."""

    __slots__ = (
        "shape",
        "dtype",
        "sparse",
        "ragged",
        "name",
        "_keras_history",
        "_keras_mask",
        "__weakref__",
    )

    def __init__(
        self,
        shape: Sequence[int | None],
        dtype: Any = "float32",
        sparse: bool = False,
        ragged: bool = False,
        record_history: bool = True,
        name: str | None = None,
    ) -> None:
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.name = name
        self._keras_history: tuple[Any, int, int] | None = None
        self._keras_mask: Any = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __len__(self) -> int:
        raise TypeError("A symbolic KerasTensor has no len(); use `x.shape[0]` instead.")

    def __iter__(self) -> Any:
        raise NotImplementedError("Iterating over a symbolic KerasTensor is not supported.")

    def __bool__(self) -> bool:
        raise TypeError(
            "A symbolic KerasTensor cannot be used as a Python bool. "
            "Use kerasx.ops.cond / kerasx.ops.where for data-dependent branches."
        )

    def __array__(self, dtype: Any = None) -> Any:
        raise ValueError(
            "A KerasTensor is symbolic: it has no value to convert to NumPy. "
            "You can only use it as input to a kerasx layer or a kerasx.ops operation. "
            f"Received: x={self!r}"
        )

    def __hash__(self) -> int:
        return id(self)

    # Operators build graph nodes through kerasx.ops.
    def __add__(self, other: Any) -> Any:
        return _ops().add(self, other)

    def __radd__(self, other: Any) -> Any:
        return _ops().add(other, self)

    def __sub__(self, other: Any) -> Any:
        return _ops().subtract(self, other)

    def __rsub__(self, other: Any) -> Any:
        return _ops().subtract(other, self)

    def __mul__(self, other: Any) -> Any:
        return _ops().multiply(self, other)

    def __rmul__(self, other: Any) -> Any:
        return _ops().multiply(other, self)

    def __truediv__(self, other: Any) -> Any:
        return _ops().divide(self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _ops().divide(other, self)

    def __floordiv__(self, other: Any) -> Any:
        return _ops().floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _ops().floor_divide(other, self)

    def __mod__(self, other: Any) -> Any:
        return _ops().mod(self, other)

    def __pow__(self, other: Any) -> Any:
        return _ops().power(self, other)

    def __rpow__(self, other: Any) -> Any:
        return _ops().power(other, self)

    def __matmul__(self, other: Any) -> Any:
        return _ops().matmul(self, other)

    def __rmatmul__(self, other: Any) -> Any:
        return _ops().matmul(other, self)

    def __neg__(self) -> Any:
        return _ops().negative(self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _ops().abs(self)

    def __invert__(self) -> Any:
        return _ops().logical_not(self) if self.dtype == "bool" else _ops().bitwise_invert(self)

    def __lt__(self, other: Any) -> Any:
        return _ops().less(self, other)

    def __le__(self, other: Any) -> Any:
        return _ops().less_equal(self, other)

    def __gt__(self, other: Any) -> Any:
        return _ops().greater(self, other)

    def __ge__(self, other: Any) -> Any:
        return _ops().greater_equal(self, other)

    def __and__(self, other: Any) -> Any:
        return _ops().logical_and(self, other)

    def __or__(self, other: Any) -> Any:
        return _ops().logical_or(self, other)

    def __xor__(self, other: Any) -> Any:
        return _ops().logical_xor(self, other)

    def __getitem__(self, key: Any) -> Any:
        return _ops().get_item(self, key)

    def reshape(self, *newshape: Any) -> Any:
        shape = (
            newshape[0]
            if len(newshape) == 1 and isinstance(newshape[0], (tuple, list))
            else newshape
        )
        return _ops().reshape(self, shape)

    def squeeze(self, axis: Any = None) -> Any:
        return _ops().squeeze(self, axis=axis)

    @property
    def T(self) -> Any:  # noqa: N802 - NumPy spelling
        return _ops().transpose(self)


def _ops() -> Any:
    import kerasx.ops as ops

    return ops


def is_keras_tensor(x: Any) -> bool:
    """True for symbolic tensors (the output of ``kerasx.Input`` and of layers on it)."""
    return isinstance(x, KerasTensor)
