"""Shared data generators and helpers for the metric tests.

Every case names a metric class present in both ``kerasx.metrics`` and
``keras.metrics``, its constructor arguments and the kind of data it consumes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

N = 16  # samples per batch
C = 4  # classes / outputs


def _probs(rng: np.random.RandomState, n: int, c: int) -> np.ndarray:
    return rng.dirichlet(np.ones(c), n).astype("float32")


def _onehot(rng: np.random.RandomState, n: int, c: int) -> np.ndarray:
    return np.eye(c, dtype="float32")[rng.randint(0, c, n)]


def _weights(rng: np.random.RandomState, n: int = N) -> np.ndarray:
    return rng.uniform(0.1, 2.0, n).astype("float32")


# kind -> rng -> (y_true, y_pred, sample_weight)
GENERATORS: dict[str, Callable[[np.random.RandomState], tuple[Any, Any, Any]]] = {
    "binary": lambda r: (
        r.randint(0, 2, (N, C)).astype("float32"),
        r.rand(N, C).astype("float32"),
        _weights(r),
    ),
    "binary_1d": lambda r: (
        r.randint(0, 2, (N,)).astype("float32"),
        r.rand(N).astype("float32"),
        _weights(r),
    ),
    "binary_col": lambda r: (
        r.randint(0, 2, (N, 1)).astype("float32"),
        r.rand(N, 1).astype("float32"),
        _weights(r),
    ),
    # Scores on the grid k/4, so that predictions sit exactly on thresholds.
    "binary_grid": lambda r: (
        r.randint(0, 2, (N, C)).astype("float32"),
        (r.randint(0, 5, (N, C)) / 4).astype("float32"),
        _weights(r),
    ),
    "binary_logits": lambda r: (
        r.randint(0, 2, (N, C)).astype("float32"),
        (3 * r.randn(N, C)).astype("float32"),
        _weights(r),
    ),
    "binary_2d_weights": lambda r: (
        r.randint(0, 2, (N, C)).astype("float32"),
        r.rand(N, C).astype("float32"),
        r.rand(N, C).astype("float32"),
    ),
    "labels_equal": lambda r: (
        r.randint(0, 3, (N, 1)).astype("float32"),
        r.randint(0, 3, (N, 1)).astype("float32"),
        _weights(r),
    ),
    "categorical": lambda r: (_onehot(r, N, C), _probs(r, N, C), _weights(r)),
    "categorical_logits": lambda r: (
        _onehot(r, N, C),
        (2 * r.randn(N, C)).astype("float32"),
        _weights(r),
    ),
    "sparse": lambda r: (r.randint(0, C, (N,)).astype("int32"), _probs(r, N, C), _weights(r)),
    "sparse_col": lambda r: (r.randint(0, C, (N, 1)).astype("int32"), _probs(r, N, C), _weights(r)),
    "sparse_logits": lambda r: (
        r.randint(0, C, (N,)).astype("int32"),
        (2 * r.randn(N, C)).astype("float32"),
        _weights(r),
    ),
    "sorted_ids": lambda r: (
        r.randint(0, C, (N,)).astype("int32"),
        np.argsort(-r.rand(N, C), axis=-1).astype("int32"),
        _weights(r),
    ),
    "regression": lambda r: (
        r.randn(N, C).astype("float32"),
        r.randn(N, C).astype("float32"),
        _weights(r),
    ),
    "regression_1d": lambda r: (
        r.randn(N).astype("float32"),
        r.randn(N).astype("float32"),
        _weights(r),
    ),
    "regression_axis0": lambda r: (
        r.randn(N, C).astype("float32"),
        r.randn(N, C).astype("float32"),
        _weights(r, C),
    ),
    "regression_col": lambda r: (
        r.randn(N, 1).astype("float32"),
        r.randn(N, 1).astype("float32"),
        _weights(r)[:, None],
    ),
    "positive": lambda r: (
        r.uniform(0.05, 1, (N, C)).astype("float32"),
        r.uniform(0.05, 1, (N, C)).astype("float32"),
        _weights(r),
    ),
    "hinge_pm1": lambda r: (
        (2 * r.randint(0, 2, (N, C)) - 1).astype("float32"),
        r.randn(N, C).astype("float32"),
        _weights(r),
    ),
    "hinge_01": lambda r: (
        r.randint(0, 2, (N, C)).astype("float32"),
        r.randn(N, C).astype("float32"),
        _weights(r),
    ),
    "segmentation": lambda r: (
        r.randint(0, 3, (N, 5)).astype("int32"),
        r.randint(0, 3, (N, 5)).astype("int32"),
        r.randint(0, 3, (N, 5)).astype("int32"),
    ),
    "segmentation_binary": lambda r: (
        r.randint(0, 2, (N,)).astype("int32"),
        r.rand(N).astype("float32"),
        r.randint(1, 3, (N,)).astype("int32"),
    ),
    "segmentation_onehot": lambda r: (
        _onehot(r, N, 3),
        _probs(r, N, 3),
        r.randint(0, 3, (N,)).astype("int32"),
    ),
}

# (class name, constructor kwargs, data kind)
CASES: list[tuple[str, dict[str, Any], str]] = [
    # accuracy
    ("Accuracy", {}, "labels_equal"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary_col"),
    ("CategoricalAccuracy", {}, "categorical"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_col"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}, "sorted_ids"),
    # confusion counts, precision, recall
    ("TruePositives", {}, "binary"),
    ("TrueNegatives", {"thresholds": [0.3, 0.7]}, "binary"),
    ("FalsePositives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary_grid"),
    ("FalseNegatives", {}, "binary_1d"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.2, 0.5, 0.8]}, "binary"),
    ("Precision", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary_grid"),
    ("Precision", {"top_k": 2}, "binary"),
    ("Precision", {"class_id": 1}, "binary"),
    ("Precision", {"top_k": 2, "class_id": 2, "thresholds": 0.3}, "binary"),
    ("Recall", {}, "binary"),
    ("Recall", {"thresholds": [0.2, 0.5, 0.8]}, "binary_2d_weights"),
    ("Recall", {"top_k": 1}, "binary"),
    ("Recall", {"class_id": 3}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.6}, "binary"),
    ("RecallAtPrecision", {"precision": 0.6}, "binary"),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, "binary"),
    ("SensitivityAtSpecificity", {"specificity": 0.5, "num_thresholds": 1}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.4, "class_id": 1}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.5, "num_thresholds": 11}, "binary_grid"),
    # AUC
    ("AUC", {}, "binary"),
    ("AUC", {}, "binary_grid"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, "binary"),
    ("AUC", {"curve": "ROC", "summation_method": "majoring"}, "binary_1d"),
    ("AUC", {"curve": "PRGAIN", "num_thresholds": 50}, "binary"),
    ("AUC", {"thresholds": [0.3, 0.6, 0.65]}, "binary"),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75], "curve": "PR"}, "binary_grid"),
    ("AUC", {"num_thresholds": 7, "from_logits": True}, "binary_logits"),
    ("AUC", {"multi_label": True}, "binary"),
    ("AUC", {"multi_label": True, "num_labels": C, "curve": "PR"}, "binary"),
    (
        "AUC",
        {"multi_label": True, "num_labels": C, "label_weights": [0.1, 0.2, 0.3, 0.4]},
        "binary",
    ),
    ("AUC", {"multi_label": True, "thresholds": [0.2, 0.4, 0.6]}, "binary"),
    ("AUC", {"label_weights": [0.1, 1.0, 0.5, 2.0]}, "binary"),
    # F-scores
    ("F1Score", {}, "categorical"),
    ("F1Score", {"average": "micro", "threshold": 0.5}, "binary"),
    ("F1Score", {"average": "macro"}, "binary"),
    ("F1Score", {"average": "weighted", "threshold": 0.4}, "binary"),
    ("FBetaScore", {"beta": 2.0}, "binary"),
    ("FBetaScore", {"beta": 0.5, "average": "weighted"}, "categorical"),
    # IoU
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "segmentation"),
    ("MeanIoU", {"num_classes": 3}, "segmentation"),
    ("MeanIoU", {"num_classes": 3, "ignore_class": 1}, "segmentation"),
    ("MeanIoU", {"num_classes": 3, "dtype": "float32"}, "segmentation"),
    ("BinaryIoU", {}, "segmentation_binary"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "segmentation_binary"),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [1, 2]}, "segmentation_onehot"),
    ("OneHotMeanIoU", {"num_classes": 3}, "segmentation_onehot"),
    # regression
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression_col"),
    ("RootMeanSquaredError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression_1d"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "regression"),
    ("CosineSimilarity", {"axis": 0}, "regression_axis0"),
    ("LogCoshError", {}, "regression"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("R2Score", {"class_aggregation": None, "num_regressors": 3}, "regression"),
    ("R2Score", {"num_regressors": 40}, "regression"),
    ("PearsonCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {"axis": 0}, "regression_axis0"),
    # probabilistic
    ("KLDivergence", {}, "categorical"),
    ("Poisson", {}, "positive"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "categorical_logits",
    ),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "sparse"),
    # hinge
    ("Hinge", {}, "hinge_pm1"),
    ("Hinge", {}, "hinge_01"),
    ("SquaredHinge", {}, "hinge_01"),
    ("CategoricalHinge", {}, "categorical"),
]


def case_id(case: tuple[str, dict[str, Any], str]) -> str:
    name, kwargs, kind = case
    args = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{name}({args})-{kind}"


def batches(kind: str, seed: int, count: int = 3) -> list[tuple[Any, Any, Any]]:
    """``count`` batches; the second one has no sample weight."""
    rng = np.random.RandomState(seed)
    out = []
    for i in range(count):
        y_true, y_pred, weight = GENERATORS[kind](rng)
        out.append((y_true, y_pred, None if i == 1 else weight))
    return out


def to_numpy(x: Any) -> np.ndarray:
    from kerasx import ops

    return np.asarray(ops.convert_to_numpy(x))


def plain(value: Any) -> Any:
    """Config values with arrays and NumPy scalars turned into Python data (for ==).

    Floats are rounded to float32, as Keras keeps some (``label_weights``) as tensors.
    """
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (int, float, np.generic)) or hasattr(value, "__array__"):
        arr = np.asarray(value)
        if arr.dtype.kind == "f":
            arr = arr.astype("float32").astype("float64")
        return arr.tolist()
    return value
