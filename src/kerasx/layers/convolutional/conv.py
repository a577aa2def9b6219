"""Conv1D, Conv2D and Conv3D: plain (optionally grouped or dilated) convolutions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx.layers.convolutional.base_conv import BaseConv
from kerasx.saving.registry import keras_export

IntOrSeq = int | Sequence[int]


@keras_export("keras.layers.Conv1D", "keras.layers.Convolution1D")
class Conv1D(BaseConv):
    """1D convolution over ``(batch, steps, channels)``; ``padding="causal"`` pads on
    the left so ``output[t]`` only sees ``inputs[:t + 1]``."""

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrSeq,
        strides: IntOrSeq = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrSeq = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


@keras_export("keras.layers.Conv2D", "keras.layers.Convolution2D")
class Conv2D(BaseConv):
    """2D convolution over images ``(batch, height, width, channels)``."""

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrSeq,
        strides: IntOrSeq = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrSeq = (1, 1),
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


@keras_export("keras.layers.Conv3D", "keras.layers.Convolution3D")
class Conv3D(BaseConv):
    """3D convolution over volumes ``(batch, d1, d2, d3, channels)``."""

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrSeq,
        strides: IntOrSeq = (1, 1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrSeq = (1, 1, 1),
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=3,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
