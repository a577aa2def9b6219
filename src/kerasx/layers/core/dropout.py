"""Dropout: randomly zero inputs in training, identity in inference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import random
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.Dropout")
class Dropout(Layer):
    """Drops each input with probability ``rate`` and scales the rest by ``1/(1-rate)``."""

    def __init__(
        self,
        rate: float,
        noise_shape: Sequence[int | None] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed) if rate > 0 else None
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.rate > 0:
            return random.dropout(
                inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator
            )
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
