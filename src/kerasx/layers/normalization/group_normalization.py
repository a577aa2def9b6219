"""GroupNormalization: normalize each example over groups of channels."""

from __future__ import annotations

from typing import Any

from kerasx import constraints, initializers, ops, regularizers
from kerasx.backends.common import dtypes as _dt
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.layers.normalization._utils import check_axes_in_range, normalize_axis
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import serialize_keras_object


@keras_export("keras.layers.GroupNormalization")
class GroupNormalization(Layer):
    """Splits the ``axis`` channels into ``groups`` and normalizes each group of each
    example over its channels and all non-batch axes.  ``groups=-1`` is instance
    normalization (one channel per group); ``groups=1`` is layer normalization."""

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        if (
            not isinstance(groups, int)
            or isinstance(groups, bool)
            or (groups <= 0 and groups != -1)
        ):
            raise ValueError(
                "Received an invalid value for argument `groups`, expected a positive integer "
                f"(or `-1` for instance normalization). Received: groups={groups}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        check_axes_in_range(self.axis, input_shape)
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                f"received an input with shape {tuple(input_shape)}."
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(
                f"Number of groups ({self.groups}) cannot be more than the number of channels ({dim})."
            )
        if dim % self.groups != 0:
            raise ValueError(
                f"Number of groups ({self.groups}) must be a multiple of the number of channels ({dim})."
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(
                shape=(dim,),
                name="gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                shape=(dim,),
                name="beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                autocast=False,
            )
        self.built = True

    def call(self, inputs: Any) -> Any:
        in_dtype = ops.dtype(inputs)
        work = _dt.result_type(in_dtype, "float32")
        static = list(inputs.shape)
        rank = len(static)
        axis = normalize_axis(self.axis, rank)
        channels = int(static[axis])
        dynamic = ops.shape(inputs)
        # (..., C, ...) -> (..., groups, C // groups, ...): the group axis sits at `axis`.
        grouped = [
            -1 if i == 0 else (static[i] if static[i] is not None else dynamic[i])
            for i in range(rank)
        ]
        grouped[axis : axis + 1] = [self.groups, channels // self.groups]
        x = ops.cast(ops.reshape(inputs, grouped), work)
        reduce_axes = [i for i in range(1, rank + 1) if i != axis]
        mean, variance = ops.moments(x, axes=reduce_axes, keepdims=True)
        param_shape = [1] * (rank + 1)
        param_shape[axis : axis + 2] = [self.groups, channels // self.groups]
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.scale:
            inv = ops.multiply(inv, ops.cast(ops.reshape(self.gamma, param_shape), work))
        offset = ops.multiply(ops.negative(mean), inv)
        if self.center:
            offset = ops.add(offset, ops.cast(ops.reshape(self.beta, param_shape), work))
        out = ops.add(ops.multiply(x, inv), offset)
        out = ops.reshape(ops.cast(out, in_dtype), dynamic)
        return ops.cast(out, self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        check_axes_in_range(self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "groups": self.groups,
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": serialize_keras_object(self.beta_initializer),
                "gamma_initializer": serialize_keras_object(self.gamma_initializer),
                "beta_regularizer": serialize_keras_object(self.beta_regularizer),
                "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
                "beta_constraint": serialize_keras_object(self.beta_constraint),
                "gamma_constraint": serialize_keras_object(self.gamma_constraint),
            }
        )
        return config
