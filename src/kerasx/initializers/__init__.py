"""``kerasx.initializers``: Keras 3's weight initializers.

Random initializers draw on the host with the portable generator, so the same seed
gives bit-identical weights on JAX, PyTorch, TensorFlow and NumPy.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from kerasx import ops
from kerasx.backends.common import dtypes as _dt
from kerasx.initializers.constant_initializers import STFT, Constant, Identity, Ones, Zeros
from kerasx.initializers.initializer import Initializer
from kerasx.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)
from kerasx.saving import registry
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object
from kerasx.utils.naming import to_snake_case

_CLASSES = (
    Initializer, Constant, Identity, Ones, STFT, Zeros, GlorotNormal, GlorotUniform, HeNormal,
    HeUniform, LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform,
    TruncatedNormal, VarianceScaling,
)  # fmt: skip

#: Every name ``get`` accepts: class names, their snake_case forms and Keras' aliases.
ALL_OBJECTS_DICT: dict[str, type] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update(
    {
        "IdentityInitializer": Identity,
        "OrthogonalInitializer": Orthogonal,
        "STFTInitializer": STFT,
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
    }
)

# Public lower-case aliases, as in ``keras.initializers``.
constant = Constant
zeros = Zeros
ones = Ones
identity = Identity
IdentityInitializer = Identity
stft = STFT
STFTInitializer = STFT
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
OrthogonalInitializer = Orthogonal

__all__ = sorted(
    {cls.__name__ for cls in _CLASSES}
    | {to_snake_case(cls.__name__) for cls in _CLASSES if cls is not Initializer}
    | {
        "IdentityInitializer",
        "OrthogonalInitializer",
        "STFTInitializer",
        "deserialize",
        "get",
        "serialize",
    }
)
__all__ += ["RandomInitializer", "compute_fans"]


def serialize(initializer: Any) -> Any:
    """Keras 3 config dict of an initializer."""
    return serialize_keras_object(initializer)


def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The initializer a config (or name) describes."""
    return deserialize_keras_object(
        config,
        custom_objects=custom_objects,
        module_objects=ALL_OBJECTS_DICT,
        printable_module_name="initializer",
    )


def _from_array(value: Any) -> Any:
    """An initializer function returning a copy of a fixed array of matching shape."""

    def initialize_fn(shape: Sequence[int], dtype: Any = None) -> Any:
        if tuple(int(d) for d in shape) != tuple(int(d) for d in value.shape):
            raise ValueError(
                f"Expected `shape` to be {tuple(value.shape)} for direct tensor as initializer. Received shape={tuple(shape)}"
            )
        return ops.cast(ops.convert_to_tensor(value), _dt.standardize_dtype(dtype))

    return initialize_fn


def get(identifier: Any) -> Any:
    """Resolve an initializer identifier (None, name, config dict, class, instance,
    callable, or an array used as the initial value)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        cls = ALL_OBJECTS_DICT.get(identifier) or registry.get_registered_object(identifier)
        if cls is None:
            raise ValueError(
                f"Unknown initializer: {identifier!r}. Valid names are: {sorted(ALL_OBJECTS_DICT)}."
            )
        found = cls
    elif isinstance(identifier, (np.ndarray, np.generic)) or ops.is_tensor(identifier):
        found = _from_array(identifier)
    else:
        found = identifier
    if callable(found):
        return found() if inspect.isclass(found) else found
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")
