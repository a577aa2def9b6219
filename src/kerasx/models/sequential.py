"""``kerasx.Sequential``: a plain stack of layers, one input and one output.

When the input shape is known (an ``Input``/``InputLayer`` first, an ``input_shape``
argument on the first layer, or the first batch of data), the stack is compiled into a
Functional graph, so masks, summaries and configs behave as in Keras.  Until then,
layers are called one after another.
"""

from __future__ import annotations

from collections.abc import Sequence as SequenceABC
from typing import Any

from kerasx.engine.keras_tensor import KerasTensor
from kerasx.layers.core.input_layer import InputLayer
from kerasx.layers.layer import Layer
from kerasx.models.model import Model
from kerasx.saving.registry import keras_export


@keras_export("keras.Sequential", "keras.models.Sequential")
class Sequential(Model):
    """A linear stack of layers."""

    def __init__(
        self,
        layers: SequenceABC[Layer] | None = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._stack: list[Layer] = []
        self._functional: Any = None
        self._input_layer: InputLayer | None = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def _tracked_layers(self):  # type: ignore[override]
        yield from self._stack

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (or an ``Input`` tensor) to the stack."""
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Only instances of `kerasx.Layer` can be added to a Sequential model. Received: {layer!r} (of type {type(layer)})"
            )
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._stack:
                raise ValueError(
                    f"Sequential model '{self.name}' already has an input: an InputLayer must come first."
                )
            self._input_layer = layer
            return
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name '{layer.name}' is already the name of a layer in this model."
            )
        if (
            not self._stack
            and self._input_layer is None
            and getattr(layer, "_batch_input_shape", None) is not None
        ):
            self._input_layer = InputLayer(batch_shape=layer._batch_input_shape, dtype=None)
        self._stack.append(layer)
        self._functional = None
        self.built = False
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self._functional = None
        self.built = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    @property
    def layers(self) -> list[Layer]:
        return list(self._stack)

    def _maybe_rebuild(self) -> None:
        if self._input_layer is not None and self._stack:
            self.build(self._input_layer.batch_shape)

    def build(self, input_shape: Any = None) -> None:
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(
                    f"Sequential model '{self.name}' cannot be built: its input shape is unknown. Pass an `Input` first or call it on data."
                )
            input_shape = self._input_layer.batch_shape
        input_shape = tuple(input_shape)
        if self._input_layer is None or tuple(self._input_layer.batch_shape) != input_shape:
            dtype = self._input_layer.dtype if self._input_layer is not None else None
            self._input_layer = InputLayer(batch_shape=input_shape, dtype=dtype)
        if not self._stack:
            self.built = True
            return
        from kerasx.models.functional import Functional

        x = self._input_layer.output_tensor
        inputs = x
        for layer in self._stack:
            x = layer(x)
        self._functional = Functional(inputs=inputs, outputs=x, name=self.name + "_functional")
        self._build_shapes = {"input_shape": input_shape}
        self.built = True

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self._stack:
            kwargs: dict[str, Any] = {}
            if layer._call_sig.has_training:
                kwargs["training"] = training
            if layer._call_sig.has_mask and mask is not None:
                kwargs["mask"] = mask
            out = layer(x, **kwargs)
            mask = (
                layer.compute_mask(x, mask)
                if (mask is not None or type(layer).compute_mask is not Layer.compute_mask)
                else None
            )
            x = out
        return x

    def _compiled_call_graph(self) -> Any:
        return self._functional if type(self).call is Sequential.call else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.built and args and not isinstance(args[0], KerasTensor) and self._stack:
            shape = getattr(args[0], "shape", None)
            if shape is not None:
                self.build((None, *tuple(shape)[1:]))
        return super().__call__(*args, **kwargs)

    def compute_output_spec(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if self._functional is not None:
            return self._functional.compute_output_spec(inputs)
        x = inputs
        for layer in self._stack:
            x = layer.compute_output_spec(x)
        return x

    @property
    def inputs(self) -> Any:
        return self._functional.inputs if self._functional is not None else None

    @property
    def outputs(self) -> Any:
        return self._functional.outputs if self._functional is not None else None

    @property
    def input(self) -> Any:  # type: ignore[override]
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input yet.")
        return self._functional.input

    @property
    def output(self) -> Any:  # type: ignore[override]
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output yet.")
        return self._functional.output

    @property
    def input_shape(self) -> Any:
        return self._input_layer.batch_shape if self._input_layer is not None else None

    @property
    def output_shape(self) -> Any:
        return self._functional.output_shape if self._functional is not None else None

    def get_config(self) -> dict[str, Any]:
        from kerasx.saving.serialization import serialize_keras_object

        layers = []
        if self._input_layer is not None:
            layers.append(serialize_keras_object(self._input_layer))
        layers.extend(serialize_keras_object(layer) for layer in self._stack)
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": serialize_keras_object(self._dtype_policy),
            "layers": layers,
        }
        if self._input_layer is not None:
            config["build_input_shape"] = self._input_layer.batch_shape
        return config

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Sequential:
        from kerasx.saving.serialization import deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in config.get("layers", []):
            layer = deserialize_keras_object(
                entry, custom_objects=custom_objects, printable_module_name="layer"
            )
            model.add(layer, rebuild=False)
        if model._input_layer is None and config.get("build_input_shape") is not None:
            model._input_layer = InputLayer(batch_shape=tuple(config["build_input_shape"]))
        model._maybe_rebuild()
        return model

    def get_build_config(self) -> dict[str, Any] | None:
        if self._input_layer is None:
            return None
        return {"input_shape": self._input_layer.batch_shape}

    def build_from_config(self, config: dict[str, Any]) -> None:
        if not self.built and config and config.get("input_shape") is not None:
            self.build(tuple(config["input_shape"]))
