"""UnitNormalization: scale each example to unit L2 norm over ``axis``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.layers.layer import Layer
from kerasx.layers.normalization._utils import check_axes_in_range
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.UnitNormalization")
class UnitNormalization(Layer):
    """``x / max(||x||_2, 1e-12)`` with the norm taken over ``axis`` (int or list)."""

    def __init__(self, axis: int | Sequence[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis: int | list[int] = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis}"
            )
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        return ops.normalize(inputs, axis=axis, order=2, epsilon=1e-12)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        check_axes_in_range(self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["axis"] = self.axis
        return config
