"""Identity: returns its inputs unchanged (a placeholder, e.g. to name a tensor)."""

from __future__ import annotations

from typing import Any

from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.operation import tree_flatten, tree_unflatten
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.Identity")
class Identity(Layer):
    """Passes any structure of tensors through, masks included."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def compute_output_spec(self, inputs: Any) -> Any:
        leaves, treedef = tree_flatten(inputs)
        specs = [
            KerasTensor(x.shape, dtype=x.dtype, sparse=getattr(x, "sparse", False)) for x in leaves
        ]
        return tree_unflatten(treedef, specs)
