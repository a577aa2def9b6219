"""ActivityRegularization: identity that adds an L1/L2 penalty on its output."""

from __future__ import annotations

from typing import Any

from kerasx import regularizers
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.ActivityRegularization")
class ActivityRegularization(Layer):
    """Passes inputs through; ``l1 * sum(|x|) + l2 * sum(x**2)`` is added to ``losses``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
