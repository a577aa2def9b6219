"""Flatten: collapse all but the batch axis."""

from __future__ import annotations

import math
from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import standardize_data_format
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.Flatten")
class Flatten(Layer):
    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.built = True

    def call(self, inputs: Any) -> Any:
        shape = ops.shape(inputs)
        if self.data_format == "channels_first" and len(shape) > 2:
            inputs = ops.moveaxis(inputs, 1, -1)
        n = math.prod(d for d in shape[1:]) if all(d is not None for d in shape[1:]) else -1
        return ops.reshape(inputs, (-1 if shape[0] is None else shape[0], n))

    def compute_output_shape(self, input_shape: Any) -> Any:
        rest = input_shape[1:]
        return (input_shape[0], math.prod(rest) if all(d is not None for d in rest) else None)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
