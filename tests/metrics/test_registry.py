"""``kerasx.metrics.get / serialize / deserialize`` and the Keras config format."""

from __future__ import annotations

import pytest

import kerasx.metrics as km

from .cases import plain


@pytest.mark.parametrize(
    "identifier, cls",
    [
        ("accuracy", km.Accuracy),
        ("acc", km.Accuracy),
        ("Accuracy", km.Accuracy),
        ("mse", km.MeanSquaredError),
        ("MAE", km.MeanAbsoluteError),
        ("mape", km.MeanAbsolutePercentageError),
        ("msle", km.MeanSquaredLogarithmicError),
        ("bce", km.BinaryCrossentropy),
        ("binary_accuracy", km.BinaryAccuracy),
        ("categorical_crossentropy", km.CategoricalCrossentropy),
        ("auc", km.AUC),
        ("AUC", km.AUC),
        ("f1_score", km.F1Score),
        ("root_mean_squared_error", km.RootMeanSquaredError),
    ],
)
def test_get_string_gives_instance(identifier, cls):
    metric = km.get(identifier)
    assert type(metric) is cls


def test_get_names_agree_with_keras(oracle):
    for name in (
        "accuracy",
        "mse",
        "MSE",
        "bce",
        "binary_accuracy",
        "sparse_top_k_categorical_accuracy",
        "r2_score",
        "kl_divergence",
    ):
        assert type(km.get(name)).__name__ == type(oracle.metrics.get(name)).__name__


def test_get_other_identifiers():
    assert km.get(None) is None
    assert type(km.get(km.Precision)) is km.Precision
    metric = km.Recall(thresholds=[0.2, 0.4])
    assert km.get(metric) is metric
    assert km.get(km.binary_accuracy) is km.binary_accuracy
    rebuilt = km.get({"class_name": "Precision", "config": {"thresholds": 0.3, "name": "p"}})
    assert isinstance(rebuilt, km.Precision) and rebuilt.thresholds == [0.3] and rebuilt.name == "p"
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        km.get("no_such_metric")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        km.get(42)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("Precision", {"thresholds": [0.2, 0.5], "name": "p"}),
        ("AUC", {"curve": "PR", "num_thresholds": 10, "name": "a"}),
        ("MeanIoU", {"num_classes": 3, "name": "iou"}),
        ("SparseTopKCategoricalAccuracy", {"k": 3, "from_sorted_ids": True, "name": "t"}),
        ("R2Score", {"class_aggregation": None, "name": "r2"}),
    ],
)
def test_serialize_matches_keras(oracle, backend_name, name, kwargs):
    ours = km.serialize(getattr(km, name)(**kwargs))
    ref = oracle.metrics.serialize(getattr(oracle.metrics, name)(**kwargs))
    if backend_name == "tensorflow" and ref["config"]["dtype"] == "int32":
        ref["config"]["dtype"] = "int64"  # Keras' "int" depends on the backend
    assert plain(ours) == plain(ref)
    back = km.deserialize(ours)
    assert type(back).__name__ == name
    assert plain(back.get_config()) == plain(ours["config"])


def test_serialize_functions_and_wrapper(oracle):
    assert km.serialize(km.binary_accuracy) == oracle.metrics.serialize(
        oracle.metrics.binary_accuracy
    )
    fn = km.deserialize(km.serialize(km.hinge))
    assert callable(fn) and not isinstance(fn, type) and fn.__name__ == "hinge"
    assert type(km.deserialize("hinge")) is km.Hinge  # a bare name means the class, as in Keras
    wrapped = km.MeanMetricWrapper(km.mean_squared_error, name="w")
    ref = oracle.metrics.MeanMetricWrapper(oracle.metrics.mean_squared_error, name="w")
    assert wrapped.get_config() == ref.get_config()
    clone = km.MeanMetricWrapper.from_config(wrapped.get_config())
    assert callable(clone._fn) and clone._fn.__name__ == "mean_squared_error"
    # A Keras-written wrapper config (with extra fn kwargs) loads.
    ref_k = oracle.metrics.MeanMetricWrapper(
        oracle.metrics.binary_accuracy, name="b", threshold=0.3
    )
    loaded = km.deserialize(oracle.metrics.serialize(ref_k))
    assert isinstance(loaded, km.MeanMetricWrapper) and loaded._fn_kwargs == {"threshold": 0.3}
    assert loaded.get_config() == ref_k.get_config()


def test_signatures_match_keras(oracle):
    """Argument names and defaults of every public class and function equal Keras 3's."""
    import inspect

    def params(obj):
        target = obj.__init__ if isinstance(obj, type) else obj
        out = []
        for p in inspect.signature(target).parameters.values():
            if p.name == "self":
                continue
            default = p.default
            if isinstance(default, tuple):
                default = list(default)
            out.append((p.name, p.kind, default))
        return out

    public = [
        n
        for n in dir(oracle.metrics)
        if not n.startswith("_") and n not in ("get", "serialize", "deserialize")
    ]
    mismatched = {
        n: (params(getattr(km, n)), params(getattr(oracle.metrics, n)))
        for n in public
        if params(getattr(km, n)) != params(getattr(oracle.metrics, n))
    }
    assert not mismatched
