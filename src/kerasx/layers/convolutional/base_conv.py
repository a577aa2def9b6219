"""Base classes of the convolution layers: plain, depthwise, separable and transposed.

The concrete classes (Conv2D, DepthwiseConv1D...) only fix the rank and their Keras
signature.  Weight names, shapes and creation order follow Keras 3 so weight lists and
``.keras`` files line up.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from kerasx import _backend, activations, constraints, initializers, ops, regularizers
from kerasx.backends.common.settings import standardize_data_format
from kerasx.layers.convolutional import conv_utils
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.saving.serialization import serialize_keras_object

Shape = tuple[int | None, ...]


class _ConvCommon(Layer):
    """Arguments, channel bookkeeping, bias and activation shared by every conv layer."""

    def _setup(
        self,
        rank: int,
        kernel_size: Any,
        strides: Any,
        padding: str,
        data_format: str | None,
        dilation_rate: Any,
        activation: Any,
        use_bias: bool,
        allow_causal: bool = False,
    ) -> None:
        self.rank = rank
        self.kernel_size = conv_utils.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_utils.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = conv_utils.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = conv_utils.standardize_padding(padding, allow_causal=allow_causal)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _check_positive(self, name: str, value: Any) -> int:
        try:
            ok = not isinstance(value, bool) and operator.index(value) > 0
        except TypeError:
            ok = False
        if not ok:
            raise ValueError(
                f"Invalid value for argument `{name}`. Expected a strictly positive integer. "
                f"Received {name}={value!r}."
            )
        return operator.index(value)

    def _forbid_strides_with_dilation(self) -> None:
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _input_channels(self, input_shape: Sequence[int | None]) -> int:
        """The channel count of ``input_shape``, after checking the input's rank."""
        conv_utils.check_rank(self.name, input_shape, self.rank + 2)
        channels = tuple(input_shape)[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to layer '{self.name}' should be defined. "
                f"Found None. Full input shape received: {tuple(input_shape)}"
            )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        return int(channels)

    def _bias_and_activation(self, outputs: Any) -> Any:
        if self.use_bias:
            n = int(self.bias.shape[0])
            shape = (1,) * (self.rank + 1) + (n,)
            if self.data_format == "channels_first":
                shape = (1, n) + (1,) * self.rank
            outputs = ops.add(outputs, ops.reshape(self.bias, shape))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def _add_kernel(self, name: str, shape: tuple[int, ...], prefix: str) -> Any:
        return self.add_weight(
            name=name,
            shape=shape,
            initializer=getattr(self, f"{prefix}_initializer"),
            regularizer=getattr(self, f"{prefix}_regularizer"),
            constraint=getattr(self, f"{prefix}_constraint"),
            trainable=True,
        )

    def _add_bias(self, units: int) -> Any:
        if not self.use_bias:
            return None
        return self._add_kernel("bias", (units,), "bias")

    def _config_of(self, keys: str) -> dict[str, Any]:
        """Config entries for the space-separated attribute ``keys``, in Keras' order,
        serializing activations, initializers, regularizers and constraints."""
        config = super().get_config()
        for key in keys.split():
            value = getattr(self, key)
            if key == "activation":
                value = activations.serialize(value)
            elif key.endswith(("_initializer", "_regularizer", "_constraint")):
                value = serialize_keras_object(value)
            config[key] = value
        return config

    def _set_objects(
        self, prefix: str, initializer: Any, regularizer: Any, constraint: Any
    ) -> None:
        setattr(self, f"{prefix}_initializer", initializers.get(initializer))
        setattr(self, f"{prefix}_regularizer", regularizers.get(regularizer))
        setattr(self, f"{prefix}_constraint", constraints.get(constraint))


class BaseConv(_ConvCommon):
    """N-D convolution ``activation(conv(inputs, kernel) + bias)``, optionally grouped.

    The kernel has shape ``kernel_size + (in_channels // groups, filters)``.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | Sequence[int] = 1,
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
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if lora_rank:
            raise NotImplementedError(
                f"{type(self).__name__}: LoRA (`lora_rank`) is not supported by kerasx conv layers yet."
            )
        self._setup(
            rank,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            allow_causal=rank == 1,
        )
        self.filters = self._check_positive("filters", filters)
        self.groups = self._check_positive("groups", groups)
        if self.filters % self.groups != 0:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}."
            )
        self._forbid_strides_with_dilation()
        self._set_objects("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self._set_objects("bias", bias_initializer, bias_regularizer, bias_constraint)

    def build(self, input_shape: Shape) -> None:
        channels = self._input_channels(input_shape)
        if channels % self.groups != 0:
            raise ValueError(
                f"Layer '{self.name}': the number of input channels must be evenly divisible by "
                f"the number of groups. Received groups={self.groups}, but the input has "
                f"{channels} channels (full input shape is {tuple(input_shape)})."
            )
        self.compute_output_shape(input_shape)
        shape = self.kernel_size + (channels // self.groups, self.filters)
        self.kernel = self._add_kernel("kernel", shape, "kernel")
        self.bias = self._add_bias(self.filters)
        self.built = True

    def _causal_pad(self, inputs: Any) -> Any:
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        spatial = [(left, 0)]
        if self.data_format == "channels_last":
            widths = [(0, 0), *spatial, (0, 0)]
        else:
            widths = [(0, 0), (0, 0), *spatial]
        return ops.pad(inputs, widths)

    def call(self, inputs: Any) -> Any:
        padding = self.padding
        if padding == "causal":
            inputs, padding = self._causal_pad(inputs), "valid"
        fused = getattr(_backend.B, "fused_conv", None) if self.use_bias else None
        if fused is not None:  # bias inside the convolution kernel (PyTorch)
            outputs = fused(
                inputs,
                self.kernel.value,
                self.bias.value,
                strides=self.strides,
                padding=padding,
                data_format=self.data_format,
                dilation_rate=self.dilation_rate,
            )
            if outputs is not None:
                return self.activation(outputs) if self.activation is not None else outputs
        outputs = ops.conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return conv_utils.conv_output_shape(
            self.name,
            input_shape,
            self.filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self) -> dict[str, Any]:
        return self._config_of(
            "filters kernel_size strides padding data_format dilation_rate groups "
            "activation use_bias kernel_initializer bias_initializer kernel_regularizer "
            "bias_regularizer activity_regularizer kernel_constraint bias_constraint"
        )


class BaseDepthwiseConv(_ConvCommon):
    """Per-channel convolution: each input channel gets ``depth_multiplier`` filters.

    The kernel (named ``kernel``, as in Keras) has shape
    ``kernel_size + (in_channels, depth_multiplier)``.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int = 1,
        kernel_size: int | Sequence[int] = 3,
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | Sequence[int] = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._setup(
            rank, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias
        )
        self.depth_multiplier = self._check_positive("depth_multiplier", depth_multiplier)
        self._set_objects(
            "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        self._set_objects("bias", bias_initializer, bias_regularizer, bias_constraint)

    def build(self, input_shape: Shape) -> None:
        channels = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        shape = self.kernel_size + (channels, self.depth_multiplier)
        self.kernel = self._add_kernel("kernel", shape, "depthwise")
        self.bias = self._add_bias(channels * self.depth_multiplier)
        self.built = True

    def call(self, inputs: Any) -> Any:
        outputs = ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        conv_utils.check_rank(self.name, input_shape, self.rank + 2)
        channels = tuple(input_shape)[self._channel_axis]
        return conv_utils.conv_output_shape(
            self.name,
            input_shape,
            None if channels is None else channels * self.depth_multiplier,
            self.kernel_size,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self) -> dict[str, Any]:
        return self._config_of(
            "depth_multiplier kernel_size strides padding data_format dilation_rate "
            "activation use_bias depthwise_initializer bias_initializer "
            "depthwise_regularizer bias_regularizer activity_regularizer "
            "depthwise_constraint bias_constraint"
        )


class BaseSeparableConv(_ConvCommon):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution to ``filters``.

    Weights, in Keras order: ``depthwise_kernel`` (``kernel_size + (in, multiplier)``),
    ``pointwise_kernel`` (``(1,)*rank + (in * multiplier, filters)``), ``bias``.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int = 1,
        filters: int | None = None,
        kernel_size: int | Sequence[int] = 3,
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | Sequence[int] = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._setup(
            rank, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias
        )
        self.depth_multiplier = self._check_positive("depth_multiplier", depth_multiplier)
        self.filters = self._check_positive("filters", filters)
        self._set_objects(
            "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        self._set_objects(
            "pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint
        )
        self._set_objects("bias", bias_initializer, bias_regularizer, bias_constraint)

    def build(self, input_shape: Shape) -> None:
        channels = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self._add_kernel(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier), "depthwise"
        )
        self.pointwise_kernel = self._add_kernel(
            "pointwise_kernel",
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            "pointwise",
        )
        self.bias = self._add_bias(self.filters)
        self.built = True

    def call(self, inputs: Any) -> Any:
        outputs = ops.separable_conv(
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return conv_utils.conv_output_shape(
            self.name,
            input_shape,
            self.filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self) -> dict[str, Any]:
        return self._config_of(
            "depth_multiplier filters kernel_size strides padding data_format dilation_rate "
            "activation use_bias depthwise_initializer pointwise_initializer "
            "bias_initializer depthwise_regularizer pointwise_regularizer bias_regularizer "
            "activity_regularizer depthwise_constraint pointwise_constraint bias_constraint"
        )


class BaseConvTranspose(_ConvCommon):
    """Transposed convolution (the gradient of a convolution w.r.t. its input).

    The kernel has shape ``kernel_size + (filters, in_channels)``; the output length
    follows Keras' rule, with ``output_padding`` choosing among the valid lengths.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        output_padding: int | Sequence[int] | None = None,
        data_format: str | None = None,
        dilation_rate: int | Sequence[int] = 1,
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
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._setup(
            rank, kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias
        )
        self.filters = self._check_positive("filters", filters)
        self.output_padding = (
            None
            if output_padding is None
            else conv_utils.standardize_tuple(
                output_padding, rank, "output_padding", allow_zero=True
            )
        )
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(
                        "Each value in `output_padding` must be strictly less than the "
                        f"corresponding `strides` value. At index {i}, `output_padding` is {op} "
                        f"and `strides` is {s}. Received: output_padding={self.output_padding}, "
                        f"strides={self.strides}."
                    )
        self._forbid_strides_with_dilation()
        self._set_objects("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self._set_objects("bias", bias_initializer, bias_regularizer, bias_constraint)

    def build(self, input_shape: Shape) -> None:
        channels = self._input_channels(input_shape)
        self.kernel = self._add_kernel(
            "kernel", self.kernel_size + (self.filters, channels), "kernel"
        )
        self.bias = self._add_bias(self.filters)
        self.built = True

    def call(self, inputs: Any) -> Any:
        outputs = ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._bias_and_activation(outputs)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return conv_utils.conv_transpose_output_shape(
            self.name,
            input_shape,
            self.filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self.output_padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self) -> dict[str, Any]:
        return self._config_of(
            "filters kernel_size strides padding output_padding data_format dilation_rate "
            "activation use_bias kernel_initializer bias_initializer kernel_regularizer "
            "bias_regularizer activity_regularizer kernel_constraint bias_constraint"
        )
