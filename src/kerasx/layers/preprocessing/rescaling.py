"""Rescaling: ``x * scale + offset``, e.g. to bring pixel values from [0, 255] to [0, 1]."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common import settings
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object


@keras_export("keras.layers.Rescaling")
class Rescaling(Layer):
    """Multiplies inputs by ``scale`` and adds ``offset`` (scalars or per-channel lists);
    inputs of any dtype come out in the layer's compute dtype."""

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        dtype = self.compute_dtype
        scale = ops.cast(self.scale, dtype)
        offset = ops.cast(self.offset, dtype)
        rank = len(ops.shape(scale))
        if rank > 0 and settings.image_data_format() == "channels_first":
            # A per-channel scale must line up with the channel axis (-3).
            scale = ops.reshape(scale, tuple(ops.shape(scale)) + (1,) * (3 - rank))
        return ops.add(ops.multiply(ops.cast(inputs, dtype), scale), offset)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "scale": serialize_keras_object(self.scale),
                "offset": serialize_keras_object(self.offset),
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Rescaling:
        config = dict(config)
        config["scale"] = deserialize_keras_object(config["scale"])
        config["offset"] = deserialize_keras_object(config["offset"])
        return super().from_config(config)
