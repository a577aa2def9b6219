"""LayerNormalization: normalize each example over ``axis`` (no batch statistics)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from kerasx import constraints, initializers, ops, regularizers
from kerasx.backends.common import dtypes as _dt
from kerasx.layers.layer import Layer
from kerasx.layers.normalization._utils import (
    axes_list,
    broadcast_shape,
    check_axes_in_range,
    normalize_axis,
)
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import serialize_keras_object


@keras_export("keras.layers.LayerNormalization")
class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the moments over ``axis``.

    ``rms_scaling`` (deprecated in Keras 3, still read from configs) divides by the
    standard deviation without centering and keeps only ``gamma``.
    """

    def __init__(
        self,
        axis: int | Sequence[int] = -1,
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
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated: it scales by the variance, "
                "not the root mean square. Use `kerasx.layers.RMSNormalization` for RMS "
                "normalization.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis: int | list[int] = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but "
                f"received: {axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False
        self.gamma = None
        self.beta = None

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        check_axes_in_range(self.axis, input_shape)
        self.axis = sorted(axes_list(self.axis))
        shape = tuple(input_shape[a] for a in self.axis)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                autocast=False,
            )
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                autocast=False,
            )
        self.built = True

    def call(self, inputs: Any) -> Any:
        dtype = _dt.result_type(ops.dtype(inputs), "float32")
        x = ops.cast(inputs, dtype)
        shape = tuple(x.shape)
        axes = sorted(normalize_axis(a, len(shape)) for a in axes_list(self.axis))
        bshape = broadcast_shape(axes, shape)

        def param(v: Any) -> Any:
            return None if v is None else ops.reshape(ops.cast(v, dtype), bshape)

        gamma, beta = param(self.gamma), param(self.beta)
        if self.rms_scaling:
            out = ops.multiply(
                x, ops.rsqrt(ops.add(ops.var(x, axis=axes, keepdims=True), self.epsilon))
            )
            if gamma is not None:
                out = ops.multiply(out, gamma)
        else:
            out = ops.layer_normalization(
                x, gamma=gamma, beta=beta, axis=axes, epsilon=self.epsilon
            )
        return ops.cast(out, self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        check_axes_in_range(self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
                "beta_initializer": serialize_keras_object(self.beta_initializer),
                "gamma_initializer": serialize_keras_object(self.gamma_initializer),
                "beta_regularizer": serialize_keras_object(self.beta_regularizer),
                "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
                "beta_constraint": serialize_keras_object(self.beta_constraint),
                "gamma_constraint": serialize_keras_object(self.gamma_constraint),
            }
        )
        return config
