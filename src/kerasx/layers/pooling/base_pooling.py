"""Shared bases of the windowed (max/average) and global pooling layers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import standardize_data_format
from kerasx.layers.convolutional import conv_utils
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer

Shape = tuple[int | None, ...]


class BasePooling(Layer):
    """Max or average over sliding windows of ``pool_size`` moved by ``strides``
    (which default to ``pool_size``)."""

    def __init__(
        self,
        pool_size: int | Sequence[int],
        strides: int | Sequence[int] | None,
        pool_dimensions: int,
        pool_mode: str = "max",
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if pool_mode not in ("max", "average"):
            raise ValueError(f"`pool_mode` must be 'max' or 'average'. Received: {pool_mode!r}")
        self.pool_size = conv_utils.standardize_tuple(pool_size, pool_dimensions, "pool_size")
        self.strides = conv_utils.standardize_tuple(
            pool_size if strides is None else strides, pool_dimensions, "strides"
        )
        self.pool_mode = pool_mode
        self.padding = conv_utils.standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs: Any) -> Any:
        pool = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return pool(
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return conv_utils.pooling_output_shape(
            self.name, input_shape, self.pool_size, self.strides, self.padding, self.data_format
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return config


class BaseGlobalPooling(Layer):
    """Reduce every spatial axis; ``keepdims`` keeps them with length 1."""

    def __init__(
        self,
        pool_dimensions: int,
        data_format: str | None = None,
        keepdims: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.pool_dimensions = pool_dimensions
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    @property
    def _spatial_axes(self) -> tuple[int, ...]:
        start = 1 if self.data_format == "channels_last" else 2
        return tuple(range(start, start + self.pool_dimensions))

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        conv_utils.check_rank(self.name, input_shape, self.pool_dimensions + 2)
        shape = tuple(input_shape)
        if self.data_format == "channels_last":
            channels = shape[-1]
        else:
            channels = shape[1]
        if not self.keepdims:
            return (shape[0], channels)
        return conv_utils.with_spatial(
            shape, (1,) * self.pool_dimensions, channels, self.data_format
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
