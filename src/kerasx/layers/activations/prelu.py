"""PReLU: leaky ReLU whose negative slope is learned per element (or shared)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import constraints, initializers, ops, regularizers
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import serialize_keras_object


@keras_export("keras.layers.PReLU")
class PReLU(Layer):
    """``max(x, 0) - alpha * max(-x, 0)`` with a trainable ``alpha`` of the input's
    non-batch shape; ``shared_axes`` (1-based, batch excluded) share one slope along
    those axes, e.g. ``shared_axes=[1, 2]`` for one slope per channel of images."""

    def __init__(
        self,
        alpha_initializer: Any = "Zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: int | Sequence[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        param_shape = list(input_shape[1:])
        for i in self.shared_axes or ():
            param_shape[i - 1] = 1
        self.alpha = self.add_weight(
            shape=param_shape,
            name="alpha",
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {}
        if self.shared_axes:
            axes = {
                i: input_shape[i] for i in range(1, len(input_shape)) if i not in self.shared_axes
            }
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs: Any) -> Any:
        positive = ops.relu(inputs)
        negative = ops.multiply(ops.negative(self.alpha), ops.relu(ops.negative(inputs)))
        return ops.add(positive, negative)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "alpha_initializer": serialize_keras_object(self.alpha_initializer),
                "alpha_regularizer": serialize_keras_object(self.alpha_regularizer),
                "alpha_constraint": serialize_keras_object(self.alpha_constraint),
                "shared_axes": self.shared_axes,
            }
        )
        return config
