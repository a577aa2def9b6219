"""AlphaDropout: dropout that keeps SELU's self-normalizing mean and variance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops, random
from kerasx.layers.layer import Layer
from kerasx.layers.regularization.gaussian_noise import _check_unit_interval
from kerasx.saving.registry import keras_export

# SELU's constants: dropped values are set to SELU's negative saturation value.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@keras_export("keras.layers.AlphaDropout")
class AlphaDropout(Layer):
    """In training, sets dropped values to ``-alpha * scale`` of SELU and applies the
    affine map ``a * x + b`` that restores the input's mean and variance."""

    def __init__(
        self,
        rate: float,
        noise_shape: Sequence[int | None] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        _check_unit_interval(rate, "rate")
        self.rate = rate
        self.seed = seed
        self.noise_shape = noise_shape
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if not (training and self.rate > 0):
            return inputs
        full = ops.shape(inputs)
        shape = (
            full
            if self.noise_shape is None
            else tuple(full[i] if d is None else d for i, d in enumerate(self.noise_shape))
        )
        dtype = ops.dtype(inputs)
        kept = ops.cast(
            ops.greater_equal(random.uniform(shape, seed=self.seed_generator), self.rate), dtype
        )
        saturated = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * saturated**2)) ** -0.5
        b = -a * saturated * self.rate
        x = ops.add(ops.multiply(inputs, kept), ops.multiply(saturated, ops.subtract(1.0, kept)))
        return ops.add(ops.multiply(x, a), b)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
