"""``kerasx.metrics``: Keras 3's metric classes, metric functions and ``get``.

Metric objects accumulate state across batches (``update_state`` / ``result`` /
``reset_state``, plus stateless forms for compiled steps); the lower-case functions
compute per-sample values.
"""

from __future__ import annotations

from typing import Any

from kerasx.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from kerasx.metrics.auc_metrics import AUC
from kerasx.metrics.base import Metric
from kerasx.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from kerasx.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from kerasx.metrics.error_functions import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from kerasx.metrics.f_score_metrics import F1Score, FBetaScore
from kerasx.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from kerasx.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from kerasx.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from kerasx.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from kerasx.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)
from kerasx.saving import registry, serialization
from kerasx.saving.registry import keras_export
from kerasx.utils.naming import to_snake_case

ALL_OBJECTS: tuple[type[Metric], ...] = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    ConcordanceCorrelation,
    PearsonCorrelation,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    F1Score,
    FBetaScore,
    IoU,
    BinaryIoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)

# Names ``get`` understands: class names, their snake_case forms and Keras' short aliases.
# As in Keras 3, a snake_case name gives the *class* (``"binary_accuracy"`` ->
# ``BinaryAccuracy()``), not the function of the same name.
ALL_OBJECTS_DICT: dict[str, Any] = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
        # Not in Keras' table (Keras' trainer resolves it); accepted here for convenience.
        "acc": Accuracy,
    }
)


@keras_export("keras.metrics.serialize")
def serialize(metric: Any) -> Any:
    """The Keras 3 config of a metric object or function."""
    return serialization.serialize_keras_object(metric)


@keras_export("keras.metrics.deserialize")
def deserialize(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """Rebuild a metric object or function from :func:`serialize`'s output."""
    if (
        isinstance(config, dict)
        and config.get("class_name") == "function"
        and config.get("module") == "builtins"
    ):
        # A metric *function*: look in the function table, not the class aliases
        # (where "hinge" would name the Hinge class).
        fn = registry.builtin_module("keras.metrics").get(str(config.get("config")))
        if fn is not None and not isinstance(fn, type):
            return fn
    obj = serialization.deserialize_keras_object(
        config,
        custom_objects=custom_objects,
        module_objects=ALL_OBJECTS_DICT,
        printable_module_name="metric",
    )
    if isinstance(config, str) and isinstance(obj, type):
        obj = obj()  # a bare class name means a default instance, as in Keras
    return obj


@keras_export("keras.metrics.get")
def get(identifier: Any) -> Any:
    """A metric instance or function from a name, a config dict, a class or a callable.

    Names resolve to new instances (``"accuracy"`` -> ``Accuracy()``, ``"mse"`` ->
    ``MeanSquaredError()``); classes are instantiated; callables pass through.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            obj = registry.get_registered_object(identifier)
        if obj is None:
            raise ValueError(
                f"Could not interpret metric identifier: {identifier}. Valid names are: {sorted(k for k in ALL_OBJECTS_DICT if k != 'Metric')}"
            )
    else:
        obj = identifier
    if callable(obj):
        if isinstance(obj, type):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


__all__ = [
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryIoU",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "ConcordanceCorrelation",
    "CosineSimilarity",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "IoU",
    "KLDivergence",
    "LogCoshError",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "OneHotIoU",
    "OneHotMeanIoU",
    "PearsonCorrelation",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "concordance_correlation",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "pearson_correlation",
    "poisson",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "squared_hinge",
    "top_k_categorical_accuracy",
]
