"""GaussianNoise and GaussianDropout: multiplicative / additive Gaussian noise in training."""

from __future__ import annotations

import math
from typing import Any

from kerasx import ops, random
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


def _check_unit_interval(value: float, name: str) -> None:
    if not 0 <= value <= 1:
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a float value between "
            f"0 and 1. Received: {name}={value}"
        )


@keras_export("keras.layers.GaussianNoise")
class GaussianNoise(Layer):
    """Adds zero-centered noise of standard deviation ``stddev`` in training only."""

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _check_unit_interval(stddev, "stddev")
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.stddev > 0:
            noise = random.normal(
                ops.shape(inputs),
                mean=0.0,
                stddev=self.stddev,
                dtype=self.compute_dtype,
                seed=self.seed_generator,
            )
            return ops.add(inputs, noise)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


@keras_export("keras.layers.GaussianDropout")
class GaussianDropout(Layer):
    """Multiplies inputs by noise of mean 1 and variance ``rate / (1 - rate)`` in
    training only (the variance of Dropout's keep-and-rescale multiplier)."""

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _check_unit_interval(rate, "rate")
        self.rate = rate
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.rate > 0:
            noise = random.normal(
                ops.shape(inputs),
                mean=1.0,
                stddev=math.sqrt(self.rate / (1.0 - self.rate)),
                dtype=self.compute_dtype,
                seed=self.seed_generator,
            )
            return ops.multiply(inputs, noise)
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
