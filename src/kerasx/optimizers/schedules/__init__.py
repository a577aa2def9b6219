"""``kerasx.optimizers.schedules``: learning-rate schedules and their (de)serialization."""

from __future__ import annotations

from typing import Any

from kerasx.optimizers.schedules.learning_rate_schedule import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
)
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]

_ALL = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


@keras_export("keras.optimizers.schedules.serialize")
def serialize(learning_rate_schedule: LearningRateSchedule) -> dict[str, Any]:
    """The Keras 3 config dict of a schedule."""
    return serialize_keras_object(learning_rate_schedule)


@keras_export("keras.optimizers.schedules.deserialize")
def deserialize(
    config: dict[str, Any], custom_objects: dict[str, Any] | None = None
) -> LearningRateSchedule:
    """Rebuild a schedule from its config (built-ins, registered or ``custom_objects``)."""
    return deserialize_keras_object(
        config, custom_objects=custom_objects, module_objects=_ALL, printable_module_name="decay"
    )
