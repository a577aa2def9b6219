"""RMSNormalization: divide by the root mean square over ``axis``, then scale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.layers.layer import Layer
from kerasx.layers.normalization._utils import (
    axes_list,
    broadcast_shape,
    check_axes_in_range,
    normalize_axis,
)
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.RMSNormalization")
class RMSNormalization(Layer):
    """``x * rsqrt(mean(x**2) + epsilon) * scale`` with a trainable ``scale``
    of the ``axis`` dims (no centering, no offset)."""

    def __init__(
        self, axis: int | Sequence[int] = -1, epsilon: float = 1e-6, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        check_axes_in_range(self.axis, input_shape)
        self.axis = sorted(axes_list(self.axis))
        shape = tuple(input_shape[a] for a in self.axis)
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, x: Any) -> Any:
        shape = tuple(x.shape)
        axes = sorted(normalize_axis(a, len(shape)) for a in axes_list(self.axis))
        scale = ops.reshape(self.scale, broadcast_shape(axes, shape))
        return ops.rms_normalization(x, scale=scale, axis=tuple(axes), epsilon=self.epsilon)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        check_axes_in_range(self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
