"""Masking: mark time steps whose features all equal ``mask_value`` as padding."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object


@keras_export("keras.layers.Masking")
class Masking(Layer):
    """A step (all axes but the last) is masked when every feature equals
    ``mask_value``; masked steps are zeroed and downstream layers skip them."""

    def __init__(self, mask_value: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config", None):
            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.where(keep, inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
