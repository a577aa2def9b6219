"""The per-sample metric functions of ``keras.metrics`` against real Keras 3."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import kerasx.metrics as km

from .cases import GENERATORS, to_numpy

FUNCTIONS = [
    ("binary_accuracy", {}, "binary"),
    ("binary_accuracy", {"threshold": 0.3}, "binary_col"),
    ("categorical_accuracy", {}, "categorical"),
    ("sparse_categorical_accuracy", {}, "sparse"),
    ("sparse_categorical_accuracy", {}, "sparse_col"),
    ("top_k_categorical_accuracy", {"k": 2}, "categorical"),
    ("sparse_top_k_categorical_accuracy", {"k": 3}, "sparse"),
    ("sparse_top_k_categorical_accuracy", {"k": 1, "from_sorted_ids": True}, "sorted_ids"),
    ("mean_squared_error", {}, "regression"),
    ("mean_absolute_error", {}, "regression_col"),
    ("mean_absolute_percentage_error", {}, "regression"),
    ("mean_squared_logarithmic_error", {}, "positive"),
    ("huber", {}, "regression"),
    ("huber", {"delta": 0.3}, "regression"),
    ("log_cosh", {}, "regression"),
    ("kl_divergence", {}, "categorical"),
    ("poisson", {}, "positive"),
    ("hinge", {}, "hinge_pm1"),
    ("hinge", {}, "hinge_01"),
    ("squared_hinge", {}, "hinge_01"),
    ("categorical_hinge", {}, "categorical"),
    ("binary_crossentropy", {}, "binary"),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.2}, "binary_logits"),
    ("binary_focal_crossentropy", {}, "binary"),
    (
        "binary_focal_crossentropy",
        {"apply_class_balancing": True, "gamma": 1.5, "from_logits": True},
        "binary_logits",
    ),
    ("categorical_crossentropy", {}, "categorical"),
    (
        "categorical_crossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        "categorical_logits",
    ),
    ("categorical_focal_crossentropy", {}, "categorical"),
    (
        "categorical_focal_crossentropy",
        {"alpha": 0.5, "from_logits": True, "label_smoothing": 0.1},
        "categorical_logits",
    ),
    ("sparse_categorical_crossentropy", {}, "sparse"),
    ("sparse_categorical_crossentropy", {"from_logits": True, "ignore_class": 2}, "sparse_logits"),
    ("pearson_correlation", {}, "regression"),
    ("concordance_correlation", {}, "regression"),
]


@pytest.mark.parametrize(
    "fn_case", FUNCTIONS, ids=lambda c: f"{c[0]}({','.join(f'{k}={v}' for k, v in c[1].items())})"
)
def test_function_matches_keras(oracle, fn_case):
    name, kwargs, kind = fn_case
    y_true, y_pred, _ = GENERATORS[kind](np.random.RandomState(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = to_numpy(getattr(km, name)(y_true, y_pred, **kwargs))
        ref = np.asarray(getattr(oracle.metrics, name)(y_true, y_pred, **kwargs))
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-5, rtol=1e-5)


def test_every_keras_name_exists(oracle):
    public = {n for n in dir(oracle.metrics) if not n.startswith("_")}
    missing = sorted(n for n in public if not hasattr(km, n))
    assert not missing
    assert set(km.__all__) >= public
