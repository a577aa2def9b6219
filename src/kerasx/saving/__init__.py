"""``kerasx.saving``: the .keras format, weights files and the object registry.

The file functions (and h5py behind them) load on first use, so ``import kerasx``
does not pay for them.
"""

from kerasx._lazy import lazy_getattr
from kerasx.saving.registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = [
    "CustomObjectScope",
    "LoadError",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]

_LAZY = {
    "LoadError": "kerasx.saving.h5_store",
    "load_model": "kerasx.saving.saving_api",
    "load_weights": "kerasx.saving.saving_api",
    "save_model": "kerasx.saving.saving_api",
    "save_weights": "kerasx.saving.saving_api",
}


__getattr__ = lazy_getattr("kerasx.saving", _LAZY, globals())
