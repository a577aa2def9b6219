"""``clone_model``: the same architecture with new weights (or a custom rebuild)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object


def clone_model(
    model: Any,
    input_tensors: Any = None,
    clone_function: Callable[[Any], Any] | None = None,
    call_function: Any = None,
    recursive: bool = False,
    **kwargs: Any,
) -> Any:
    """Rebuild ``model`` from its config: Sequential and Functional models are
    re-created layer by layer (through ``clone_function`` when given), subclassed
    models through ``from_config``.  Loading goes through the safe registry."""
    from kerasx.models.functional import Functional
    from kerasx.models.sequential import Sequential

    if clone_function is None:

        def clone_function(layer: Any) -> Any:
            return layer.__class__.from_config(layer.get_config())

    if isinstance(model, Sequential):
        from kerasx.models.sequential import Sequential as Seq

        layers = [clone_function(layer) for layer in model.layers]
        new = Seq(layers, name=model.name)
        if model._input_layer is not None and new._input_layer is None:
            new.build(model._input_layer.batch_shape)
        return new
    if isinstance(model, Functional):
        config = model.get_config()
        mapping: dict[str, Any] = {}
        for layer in model.layers:
            mapping[layer.name] = (
                clone_function(layer) if type(layer).__name__ != "InputLayer" else None
            )
        from kerasx.models.functional_config import functional_from_config

        return functional_from_config(
            Functional,
            config,
            custom_objects=None,
            layer_factory=lambda name, entry: mapping.get(name),
        )
    config = serialize_keras_object(model)
    return deserialize_keras_object(config)
