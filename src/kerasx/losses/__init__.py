"""``kerasx.losses``: Keras 3's losses, as classes and as plain functions.

Classes (``MeanSquaredError()``) reduce to a scalar and accept ``sample_weight``;
functions (``mean_squared_error``) return one value per sample.  ``get`` accepts the
Keras names and aliases (``"mse"``, ``"bce"``, ``"kld"``...).
"""

from __future__ import annotations

import inspect
from typing import Any

from kerasx.losses.ctc import ctc
from kerasx.losses.loss import (
    Loss,
    reduce_values,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
    standardize_reduction,
)
from kerasx.losses.losses import (
    CTC,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    CategoricalHinge,
    Circle,
    CosineSimilarity,
    Dice,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Tversky,
)
from kerasx.losses.probabilistic import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    circle,
    dice,
    sparse_categorical_crossentropy,
    tversky,
)
from kerasx.losses.regression import (
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    squared_hinge,
)
from kerasx.saving import registry
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

# Short aliases (Keras 2 spellings still found in configs and user code).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
bce = BCE = binary_crossentropy
logcosh = log_cosh

_OBJECTS = (
    Loss, LossFunctionWrapper, CTC, BinaryCrossentropy, BinaryFocalCrossentropy,
    CategoricalCrossentropy, CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy,
    CategoricalHinge, Circle, CosineSimilarity, Dice, Hinge, Huber, KLDivergence, LogCosh,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
    MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy, SquaredHinge, Tversky,
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, categorical_generalized_cross_entropy, categorical_hinge,
    circle, cosine_similarity, ctc, dice, hinge, huber, kl_divergence, log_cosh,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge,
    tversky,
)  # fmt: skip

#: Every name ``get`` accepts, aliases included.
ALL_OBJECTS_DICT: dict[str, Any] = {obj.__name__: obj for obj in _OBJECTS}
ALL_OBJECTS_DICT.update(
    {
        "bce": bce, "BCE": bce, "kld": kld, "KLD": kld, "mae": mae, "MAE": mae, "mse": mse,
        "MSE": mse, "mape": mape, "MAPE": mape, "msle": msle, "MSLE": msle,
        "kullback_leibler_divergence": kld, "logcosh": logcosh,
    }
)  # fmt: skip

__all__ = [
    "ALL_OBJECTS_DICT",
    "BCE",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CTC",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "CategoricalHinge",
    "Circle",
    "CosineSimilarity",
    "Dice",
    "Hinge",
    "Huber",
    "KLD",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "Tversky",
    "bce",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "categorical_hinge",
    "circle",
    "cosine_similarity",
    "ctc",
    "deserialize",
    "dice",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "reduce_values",
    "reduce_weighted_values",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "squeeze_or_expand_to_same_rank",
    "standardize_reduction",
    "tversky",
]


def serialize(loss: Any) -> Any:
    """Keras 3 config of a loss (a function serializes to its name)."""
    return serialize_keras_object(loss)


def deserialize(name: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """The loss a name or config describes."""
    return deserialize_keras_object(
        name,
        custom_objects=custom_objects,
        module_objects=ALL_OBJECTS_DICT,
        printable_module_name="loss function",
    )


def get(identifier: Any) -> Any:
    """Resolve a loss identifier: None, a name (``"mse"`` gives the function,
    ``"MeanSquaredError"`` an instance), a config dict, a class or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = ALL_OBJECTS_DICT.get(identifier) or registry.get_registered_object(identifier)
        if found is None:
            raise ValueError(
                f"Unknown loss function: {identifier!r}. Valid names are: {sorted(ALL_OBJECTS_DICT)}."
            )
    else:
        found = identifier
    if callable(found):
        return found() if inspect.isclass(found) else found
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
