"""Shared inputs for the loss tests: one NumPy case per loss configuration."""

from __future__ import annotations

import numpy as np

RNG = np.random.default_rng(42)
B, C = 5, 4


def _probs(shape):
    e = np.exp(RNG.normal(size=shape))
    return (e / e.sum(axis=-1, keepdims=True)).astype("float32")


def _onehot(labels, c=C):
    return np.eye(c, dtype="float32")[labels]


LABELS = RNG.integers(0, C, size=(B,))
SEQ_LABELS = RNG.integers(0, C, size=(2, 6))
REAL_TRUE = RNG.normal(size=(B, C)).astype("float32")
REAL_PRED = RNG.normal(size=(B, C)).astype("float32")
POS_TRUE = RNG.uniform(0.1, 3.0, size=(B, C)).astype("float32")
POS_PRED = RNG.uniform(0.1, 3.0, size=(B, C)).astype("float32")
BIN_TRUE = RNG.integers(0, 2, size=(B, C)).astype("float32")
PROB_PRED = RNG.uniform(0.02, 0.98, size=(B, C)).astype("float32")
LOGITS = RNG.normal(scale=2.0, size=(B, C)).astype("float32")
EMB = RNG.normal(size=(6, 3)).astype("float32")
EMB /= np.linalg.norm(EMB, axis=1, keepdims=True)

# (class name, function name, keyword arguments, y_true, y_pred).  CTC is checked in
# test_ctc.py against a brute-force NumPy reference (Keras' JAX CTC takes seconds a call).
CASES = [
    ("MeanSquaredError", "mean_squared_error", {}, REAL_TRUE, REAL_PRED),
    ("MeanAbsoluteError", "mean_absolute_error", {}, REAL_TRUE, REAL_PRED),
    ("MeanAbsolutePercentageError", "mean_absolute_percentage_error", {}, POS_TRUE, REAL_PRED),
    ("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", {}, POS_TRUE, POS_PRED),
    ("CosineSimilarity", "cosine_similarity", {}, REAL_TRUE, REAL_PRED),
    ("CosineSimilarity", "cosine_similarity", {"axis": 0}, REAL_TRUE, REAL_PRED),
    ("Huber", "huber", {}, REAL_TRUE, 2 * REAL_PRED),
    ("Huber", "huber", {"delta": 0.5}, REAL_TRUE, 2 * REAL_PRED),
    ("LogCosh", "log_cosh", {}, REAL_TRUE, REAL_PRED),
    ("Hinge", "hinge", {}, BIN_TRUE, REAL_PRED),
    ("Hinge", "hinge", {}, 2 * BIN_TRUE - 1, REAL_PRED),
    ("SquaredHinge", "squared_hinge", {}, BIN_TRUE, REAL_PRED),
    ("CategoricalHinge", "categorical_hinge", {}, _onehot(LABELS), REAL_PRED),
    ("KLDivergence", "kl_divergence", {}, _probs((B, C)), _probs((B, C))),
    ("Poisson", "poisson", {}, POS_TRUE, POS_PRED),
    ("BinaryCrossentropy", "binary_crossentropy", {}, BIN_TRUE, PROB_PRED),
    (
        "BinaryCrossentropy",
        "binary_crossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        BIN_TRUE,
        LOGITS,
    ),
    ("BinaryCrossentropy", "binary_crossentropy", {"axis": 0}, BIN_TRUE, PROB_PRED),
    ("BinaryFocalCrossentropy", "binary_focal_crossentropy", {}, BIN_TRUE, PROB_PRED),
    (
        "BinaryFocalCrossentropy",
        "binary_focal_crossentropy",
        {
            "apply_class_balancing": True,
            "alpha": 0.4,
            "gamma": 1.5,
            "from_logits": True,
            "label_smoothing": 0.2,
        },
        BIN_TRUE,
        LOGITS,
    ),
    ("CategoricalCrossentropy", "categorical_crossentropy", {}, _onehot(LABELS), _probs((B, C))),
    (
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        _onehot(LABELS),
        LOGITS,
    ),
    (
        "CategoricalFocalCrossentropy",
        "categorical_focal_crossentropy",
        {},
        _onehot(LABELS),
        _probs((B, C)),
    ),
    (
        "CategoricalFocalCrossentropy",
        "categorical_focal_crossentropy",
        {"alpha": 0.5, "gamma": 3.0, "from_logits": True, "label_smoothing": 0.1},
        _onehot(LABELS),
        LOGITS,
    ),
    (
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {},
        LABELS,
        _probs((B, C)),
    ),
    (
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"from_logits": True},
        LABELS[:, None],
        LOGITS,
    ),
    (
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"from_logits": True, "ignore_class": 1},
        SEQ_LABELS,
        RNG.normal(size=(2, 6, C)).astype("float32"),
    ),
    (
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"ignore_class": 2},
        LABELS,
        _probs((B, C)),
    ),
    ("Dice", "dice", {}, BIN_TRUE, PROB_PRED),
    ("Dice", "dice", {"axis": -1}, BIN_TRUE, PROB_PRED),
    ("Tversky", "tversky", {}, BIN_TRUE, PROB_PRED),
    ("Tversky", "tversky", {"alpha": 0.3, "beta": 0.7, "axis": 1}, BIN_TRUE, PROB_PRED),
    ("Circle", "circle", {}, np.array([0, 1, 0, 2, 1, 0]), EMB),
    (
        "Circle",
        "circle",
        {"gamma": 10.0, "margin": 0.25, "remove_diagonal": False},
        np.array([0, 1, 0, 2, 1, 0]),
        EMB,
    ),
    (
        "CategoricalGeneralizedCrossEntropy",
        "categorical_generalized_cross_entropy",
        {"q": 0.7},
        LABELS,
        _probs((B, C)),
    ),
]


def case_id(case) -> str:
    name, _, kwargs, *_ = case
    return name + ("-" + "-".join(f"{k}={v}" for k, v in kwargs.items()) if kwargs else "")


def sample_weights(y_true: np.ndarray, per_sample_shape: tuple[int, ...]) -> list[np.ndarray]:
    """Weights of the per-sample loss shape and of the batch (and batch x 1)."""
    rng = np.random.default_rng(7)
    batch = per_sample_shape[0] if per_sample_shape else None
    out = []
    if per_sample_shape:
        out.append(rng.uniform(0.0, 2.0, size=per_sample_shape).astype("float32"))
    if batch is not None and len(per_sample_shape) == 1:
        out.append(rng.uniform(0.0, 2.0, size=(batch, 1)).astype("float32"))
    return out
