"""``kerasx.constraints``: projections applied to weights after optimizer updates."""

from __future__ import annotations

import inspect
from typing import Any

from kerasx.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from kerasx.saving import registry
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object
from kerasx.utils.naming import to_snake_case

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
#: Every name ``get`` accepts.
ALL_OBJECTS_DICT: dict[str, type] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})

__all__ = [
    "Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get",
    "max_norm", "min_max_norm", "non_neg", "serialize", "unit_norm",
]  # fmt: skip


def serialize(constraint: Any) -> Any:
    """Keras 3 config dict of a constraint."""
    return serialize_keras_object(constraint)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The constraint a config (or name) describes."""
    return deserialize_keras_object(
        config,
        custom_objects=custom_objects,
        module_objects=ALL_OBJECTS_DICT,
        printable_module_name="constraint",
    )


def get(identifier: Any) -> Any:
    """Resolve a constraint identifier (None, name, config dict, class or callable)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = ALL_OBJECTS_DICT.get(identifier) or registry.get_registered_object(identifier)
        if found is None:
            raise ValueError(
                f"Unknown constraint: {identifier!r}. Valid names are: {sorted(ALL_OBJECTS_DICT)}."
            )
    else:
        found = identifier
    if callable(found):
        return found() if inspect.isclass(found) else found
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")
