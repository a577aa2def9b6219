"""``kerasx.optimizers``: Keras 3's optimizers, their schedules and (de)serialization."""

from __future__ import annotations

from typing import Any

from kerasx.optimizers import schedules
from kerasx.optimizers.adadelta import Adadelta
from kerasx.optimizers.adafactor import Adafactor
from kerasx.optimizers.adagrad import Adagrad
from kerasx.optimizers.adam import Adam
from kerasx.optimizers.adamax import Adamax
from kerasx.optimizers.adamw import AdamW
from kerasx.optimizers.base_optimizer import BaseOptimizer
from kerasx.optimizers.ftrl import Ftrl
from kerasx.optimizers.lamb import Lamb
from kerasx.optimizers.lion import Lion
from kerasx.optimizers.loss_scale_optimizer import LossScaleOptimizer
from kerasx.optimizers.nadam import Nadam
from kerasx.optimizers.optimizer import Optimizer
from kerasx.optimizers.rmsprop import RMSprop
from kerasx.optimizers.sgd import SGD
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "BaseOptimizer",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "legacy",
    "schedules",
    "serialize",
]

# Lower-case names make string identifiers case-insensitive ("adam", "Adam", "ADAM").
ALL_OBJECTS_DICT: dict[str, type] = {
    cls.__name__.lower(): cls
    for cls in (
        Optimizer,
        Adam,
        SGD,
        RMSprop,
        Adadelta,
        AdamW,
        Adagrad,
        Adamax,
        Adafactor,
        Nadam,
        Ftrl,
        Lion,
        Lamb,
        LossScaleOptimizer,
    )
}


@keras_export("keras.optimizers.serialize")
def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """The Keras 3 config dict of an optimizer."""
    return serialize_keras_object(optimizer)


@keras_export("keras.optimizers.deserialize")
def deserialize(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Optimizer:
    """Rebuild an optimizer from its config; built-in class names are case-insensitive."""
    config = dict(config)
    if str(config.get("class_name", "")).lower() in ALL_OBJECTS_DICT:
        config["class_name"] = config["class_name"].lower()
    return deserialize_keras_object(
        config, custom_objects=custom_objects, module_objects=ALL_OBJECTS_DICT
    )


@keras_export("keras.optimizers.get")
def get(identifier: Any) -> Optimizer | None:
    """An optimizer from None, an instance (returned as is), a name or a config dict."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        try:
            obj = deserialize({"class_name": identifier, "config": {}})
        except ValueError:
            raise ValueError(
                f"Could not interpret optimizer identifier: {identifier}. "
                f"Valid names are: {sorted(ALL_OBJECTS_DICT)}."
            ) from None
    else:
        obj = identifier
    if isinstance(obj, BaseOptimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


def __getattr__(name: str) -> Any:  # ``legacy`` loads on first use
    if name == "legacy":
        import importlib

        return importlib.import_module("kerasx.optimizers.legacy")
    raise AttributeError(f"module 'kerasx.optimizers' has no attribute {name!r}")
