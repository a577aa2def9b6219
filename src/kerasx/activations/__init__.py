"""``kerasx.activations``: Keras 3's activation functions and their lookup helpers.

``get`` turns what a layer was given (None, a name, a function or a saved config)
into a callable; ``serialize`` writes a built-in as its bare name, the way Keras 3
stores ``Dense(activation="relu")``.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from kerasx.activations.activations import (
    ALL_FUNCTIONS,
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    tanh,
    tanh_shrink,
    threshold,
)
from kerasx.saving import registry
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

swish = silu
hard_swish = hard_silu

#: Every name ``get`` accepts, aliases included.
ALL_OBJECTS_DICT: dict[str, Callable[..., Any]] = {fn.__name__: fn for fn in ALL_FUNCTIONS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu

__all__ = [
    "ALL_OBJECTS_DICT",
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]


def serialize(activation: Callable[..., Any]) -> Any:
    """A built-in's name (``"relu"``), or a config dict for custom activations."""
    config = serialize_keras_object(activation)
    if not isinstance(config, dict) or "config" not in config:
        raise ValueError(
            f"Cannot serialize the activation {activation!r}: it has no name or config."
        )
    if not isinstance(activation, types.FunctionType):
        return config
    if ALL_OBJECTS_DICT.get(config["config"]) is activation:
        return config["config"]
    config["config"] = registry.get_registered_name(activation)
    return config


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Callable[..., Any]:
    """The activation a name or config describes."""
    return deserialize_keras_object(
        config,
        custom_objects=custom_objects,
        module_objects=ALL_OBJECTS_DICT,
        printable_module_name="activation function",
    )


def get(identifier: Any) -> Callable[..., Any]:
    """Resolve an activation identifier; ``None`` means :func:`linear`."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = ALL_OBJECTS_DICT.get(identifier) or registry.get_registered_object(identifier)
        if found is None:
            raise ValueError(
                f"Unknown activation function: {identifier!r}. Valid names are: "
                f"{sorted(ALL_OBJECTS_DICT)}. Custom activations must be registered with "
                "`@kerasx.saving.register_keras_serializable()`."
            )
    else:
        found = identifier
    if callable(found):
        return found
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")
