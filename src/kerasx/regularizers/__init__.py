"""``kerasx.regularizers``: weight penalties (L1, L2, L1L2, OrthogonalRegularizer)."""

from __future__ import annotations

import inspect
from typing import Any

from kerasx.regularizers.regularizers import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
    validate_float_arg,
)
from kerasx.saving import registry
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object
from kerasx.utils.naming import to_snake_case

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
#: Every name ``get`` accepts.
ALL_OBJECTS_DICT: dict[str, type] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT["l1_l2"] = L1L2

__all__ = [
    "L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1",
    "l1_l2", "l2", "orthogonal_regularizer", "serialize", "validate_float_arg",
]  # fmt: skip


def serialize(regularizer: Any) -> Any:
    """Keras 3 config dict of a regularizer."""
    return serialize_keras_object(regularizer)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The regularizer a config (or name) describes."""
    return deserialize_keras_object(
        config,
        custom_objects=custom_objects,
        module_objects=ALL_OBJECTS_DICT,
        printable_module_name="regularizer",
    )


def get(identifier: Any) -> Any:
    """Resolve a regularizer identifier (None, name, config dict, class or callable)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = ALL_OBJECTS_DICT.get(identifier) or registry.get_registered_object(identifier)
        if found is None:
            raise ValueError(
                f"Unknown regularizer: {identifier!r}. Valid names are: {sorted(ALL_OBJECTS_DICT)}."
            )
    else:
        found = identifier
    if callable(found):
        return found() if inspect.isclass(found) else found
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
