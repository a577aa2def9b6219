"""SpatialDropout1D/2D/3D: drop whole feature maps (channels) instead of single values."""

from __future__ import annotations

from typing import Any

from kerasx import random
from kerasx.backends.common.settings import standardize_data_format
from kerasx.layers.core.dropout import Dropout
from kerasx.layers.input_spec import InputSpec
from kerasx.saving.registry import keras_export


class BaseSpatialDropout(Dropout):
    """Dropout whose mask is shared along the spatial axes: adjacent values of a
    feature map are strongly correlated, so dropping them one by one regularizes
    little.  Keras 3 gives these layers no ``**kwargs``; neither do we."""

    def __init__(
        self, rate: float, seed: int | None = None, name: str | None = None, dtype: Any = None
    ) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype)

    def _noise_shape(self, rank: int) -> tuple[int | None, ...]:
        raise NotImplementedError

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.rate > 0:
            return random.dropout(
                inputs,
                self.rate,
                noise_shape=self._noise_shape(len(inputs.shape)),
                seed=self.seed_generator,
            )
        return inputs

    def get_config(self) -> dict[str, Any]:
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


def _channel_noise_shape(rank: int, data_format: str) -> tuple[int | None, ...]:
    """``None`` (= the input's size) on the batch and channel axes, 1 elsewhere."""
    shape: list[int | None] = [1] * rank
    shape[0] = None
    shape[1 if data_format == "channels_first" else rank - 1] = None
    return tuple(shape)


@keras_export("keras.layers.SpatialDropout1D")
class SpatialDropout1D(BaseSpatialDropout):
    """Drops entire channels of ``(batch, steps, channels)`` inputs."""

    def __init__(
        self, rate: float, seed: int | None = None, name: str | None = None, dtype: Any = None
    ) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, rank: int) -> tuple[int | None, ...]:
        return _channel_noise_shape(rank, "channels_last")


class _SpatialDropoutND(BaseSpatialDropout):
    _rank = 4

    def __init__(
        self,
        rate: float,
        data_format: str | None = None,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self._rank)

    def _noise_shape(self, rank: int) -> tuple[int | None, ...]:
        return _channel_noise_shape(rank, self.data_format)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


@keras_export("keras.layers.SpatialDropout2D")
class SpatialDropout2D(_SpatialDropoutND):
    """Drops entire channels of 4D inputs (``data_format`` says where channels are)."""

    _rank = 4


@keras_export("keras.layers.SpatialDropout3D")
class SpatialDropout3D(_SpatialDropoutND):
    """Drops entire channels of 5D inputs (``data_format`` says where channels are)."""

    _rank = 5
