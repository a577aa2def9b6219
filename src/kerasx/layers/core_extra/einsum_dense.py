"""EinsumDense: a dense layer whose contraction is any einsum equation."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from kerasx import activations, constraints, initializers, ops, regularizers
from kerasx.initializers.random_initializers import VarianceScaling
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import serialize_keras_object

Shape = Sequence[int | None]

# The three equation forms: "ab,bc->ac", "...b,bc->...c" (left ellipsis) and
# "ab...,bc->ac..." (right ellipsis); "..." is replaced by "0" before matching.
_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0"), False),
)


def analyze_equation(
    equation: str, bias_axes: str | None, input_shape: Shape, output_shape: Shape
) -> tuple[list[int | None], list[int | None] | None, list[int | None], list[int], list[int]]:
    """Shapes implied by an equation: ``(kernel, bias, full output, kernel input axes,
    kernel output axes)``.  ``output_shape`` omits the batch axis and elided axes."""
    text = equation.replace("...", "0")
    found = next(((p.match(text), left) for p, left in _FORMS if p.match(text)), None)
    if found is None:
        raise ValueError(
            f"Invalid einsum equation '{equation}'. Equations must be in the form "
            "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
        )
    match, left_elided = found
    in_spec, w_spec, out_spec = match.group(1), match.group(2), match.group(3)
    rank = len(input_shape)
    elided = rank - len(in_spec)
    out = [input_shape[0], *([output_shape] if isinstance(output_shape, int) else output_shape)]
    if elided > 0 and left_elided:
        out[1:1] = list(input_shape[1:elided])
    elif elided > 0:
        out.extend(input_shape[rank - elided :])
    if left_elided:
        in_pos = {c: i + elided - rank for i, c in enumerate(in_spec)}
        out_pos = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        in_pos = {c: i for i, c in enumerate(in_spec)}
        out_pos = {c: i for i, c in enumerate(out_spec)}
    for c in in_spec:
        if c in out_pos:
            want, got = out[out_pos[c]], input_shape[in_pos[c]]
            if want is not None and want != got:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension '{c}'. "
                    f"Input shape is {got}, and output shape is {want}."
                )
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(
                f"Dimension '{c}' was specified in the output '{out_spec}' but has no "
                f"corresponding dim in the input spec '{in_spec}' or weight spec '{w_spec}'"
            )
    kernel: list[int | None] = []
    input_axes: list[int] = []
    output_axes: list[int] = []
    for i, c in enumerate(w_spec):
        if c in out_pos:
            kernel.append(out[out_pos[c]])
            output_axes.append(i)
        elif c in in_pos:
            kernel.append(input_shape[in_pos[c]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"Weight dimension '{c}' did not have a match in either the input spec "
                f"'{in_spec}' or the output spec '{out_spec}'. For this layer, the weight must "
                "be fully specified."
            )
    bias = None
    if bias_axes is not None:
        offset = elided if left_elided else 0
        size = {c: out[i + offset] for i, c in enumerate(out_spec)}
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(
                    f"Bias dimension '{c}' was requested, but is not part of the output spec '{out_spec}'"
                )
        first = min(out_spec.find(c) for c in bias_axes)
        # The bias spans from its first output axis to the end, size 1 where not biased.
        bias = [size[c] if c in bias_axes else 1 for c in out_spec[first:]]
        if not left_elided:
            bias.extend([1] * max(elided, 0))
    return kernel, bias, out, input_axes, output_axes


@keras_export("keras.layers.EinsumDense")
class EinsumDense(Layer):
    """``activation(einsum(equation, inputs, kernel) + bias)``.

    ``output_shape`` is the output without the batch axis (and without axes elided
    with ``...``); ``bias_axes`` names the output letters that get a bias.
    """

    def __init__(
        self,
        equation: str,
        output_shape: int | Sequence[int | None],
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        gptq_unpacked_column_size: int | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        if lora_rank:
            raise NotImplementedError(
                "kerasx's EinsumDense does not implement LoRA (`lora_rank`) yet."
            )
        if quantization_config is not None or gptq_unpacked_column_size:
            raise NotImplementedError("kerasx's EinsumDense does not implement quantization yet.")
        super().__init__(**kwargs)
        self.equation = equation
        self.partial_output_shape = (
            (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        )
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = quantization_config

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        kernel_shape, bias_shape, _, in_axes, out_axes = analyze_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        self.input_spec = InputSpec(ndim=len(input_shape))
        init = self.kernel_initializer
        if isinstance(init, VarianceScaling) and (
            init.input_axes is None or init.output_axes is None
        ):
            # Fans come from the contracted / produced kernel axes, not from the
            # first/last dims a generic kernel would use (same seed, new axes).
            init = copy.copy(init)
            init.input_axes, init.output_axes = in_axes, out_axes
        self._kernel = self.add_weight(
            name="kernel",
            shape=tuple(kernel_shape),
            initializer=init,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            dtype=self.dtype,
            trainable=True,
        )
        self.bias = (
            self.add_weight(
                name="bias",
                shape=tuple(bias_shape),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                dtype=self.dtype,
                trainable=True,
            )
            if bias_shape is not None
            else None
        )
        self.built = True

    @property
    def kernel(self) -> Any:
        if not self.built:
            raise AttributeError("You must build the layer before accessing `kernel`.")
        return self._kernel

    def call(self, inputs: Any, training: Any = None) -> Any:
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        _, _, full, _, _ = analyze_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        return tuple(full)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "output_shape": self.partial_output_shape,
                "equation": self.equation,
                "activation": activations.serialize(self.activation),
                "bias_axes": self.bias_axes,
                "kernel_initializer": serialize_keras_object(self.kernel_initializer),
                "bias_initializer": serialize_keras_object(self.bias_initializer),
                "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
                "bias_regularizer": serialize_keras_object(self.bias_regularizer),
                "activity_regularizer": serialize_keras_object(self.activity_regularizer),
                "kernel_constraint": serialize_keras_object(self.kernel_constraint),
                "bias_constraint": serialize_keras_object(self.bias_constraint),
                "quantization_config": None,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> EinsumDense:
        config = dict(config)
        if config.get("output_shape") is not None and not isinstance(config["output_shape"], int):
            config["output_shape"] = tuple(config["output_shape"])
        return super().from_config(config)
