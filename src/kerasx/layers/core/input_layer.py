"""InputLayer and ``kerasx.Input``: the entry points of a Functional graph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx.backends.common import dtypes as _dt
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.operation import Node
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.InputLayer")
class InputLayer(Layer):
    """Holds the symbolic tensor a Functional model starts from."""

    def __init__(
        self,
        shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        ragged: bool | None = None,
        batch_shape: Sequence[int | None] | None = None,
        input_tensor: KerasTensor | None = None,
        optional: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if "input_shape" in kwargs:  # tf.keras spelling
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("trainable", None)
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if input_tensor is not None:
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
        if shape is None and batch_shape is None:
            raise ValueError("You must pass a `shape` argument.")
        if batch_shape is None:
            shape = (shape,) if isinstance(shape, int) else tuple(shape)  # type: ignore[arg-type]
            batch_shape = (batch_size, *shape)
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self._dtype = _dt.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        self.built = True
        tensor = KerasTensor(self._batch_shape, self._dtype, sparse=self.sparse, name=self.name)
        Node(self, (), {}, tensor)
        self.output_tensor = tensor

    @property
    def batch_shape(self) -> tuple[int | None, ...]:
        return self._batch_shape

    @property
    def dtype(self) -> str:  # type: ignore[override]
        return self._dtype

    def call(self) -> Any:
        return None

    def get_config(self) -> dict[str, Any]:
        return {
            "batch_shape": self._batch_shape,
            "dtype": self._dtype,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "name": self.name,
            "optional": self.optional,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputLayer:
        return cls(**config)


@keras_export("keras.Input", "keras.layers.Input")
def Input(  # noqa: N802 - Keras spelling
    shape: Sequence[int | None] | int | None = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    ragged: bool | None = None,
    batch_shape: Sequence[int | None] | None = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
) -> KerasTensor:
    """A symbolic input of ``shape`` (without the batch dimension)."""
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        ragged=ragged,
        batch_shape=batch_shape,
        name=name,
        input_tensor=tensor,
        optional=optional,
    )
    return layer.output_tensor
