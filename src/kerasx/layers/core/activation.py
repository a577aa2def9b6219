"""Activation: applies an activation function as a layer."""

from __future__ import annotations

from typing import Any

from kerasx import activations
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.Activation")
class Activation(Layer):
    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
