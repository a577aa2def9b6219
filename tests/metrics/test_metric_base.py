"""The ``Metric`` base class, ``Mean`` / ``Sum`` weighting rules, and compiled updates."""

from __future__ import annotations

import numpy as np
import pytest

import kerasx.metrics as km
from kerasx import _backend, ops

from .cases import batches, to_numpy


class CountAbove(km.Metric):
    """A user-style metric: counts values above a threshold, with a tracked sub-metric."""

    def __init__(self, threshold=0.5, name="count_above", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.threshold = threshold
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")
        self.seen = self.add_weight(shape=(2,), initializer="ones", name="seen")
        self.inner = km.Sum(name="inner_sum")

    def update_state(self, values, sample_weight=None):
        above = ops.cast(ops.greater(values, self.threshold), self.dtype)
        self.count.assign_add(ops.sum(above))
        self.seen.assign_add(ops.ones((2,)))
        self.inner.update_state(values, sample_weight=sample_weight)

    def result(self):
        return ops.add(self.count, ops.multiply(0.0, self.inner.result()))


def test_custom_metric_state_and_paths():
    m = CountAbove(name="ca")
    assert [v.path for v in m.variables] == ["ca/count", "ca/seen", "inner_sum/total"]
    assert all(not v.trainable for v in m.variables)
    np.testing.assert_array_equal(to_numpy(m.seen.value), [1.0, 1.0])
    assert float(to_numpy(m(np.array([0.2, 0.7, 0.9], "float32")))) == 2.0
    assert float(to_numpy(m(np.array([0.6], "float32")))) == 3.0
    np.testing.assert_allclose(to_numpy(m.inner.result()), 2.4, rtol=1e-6)
    m.reset_state()
    assert all(not np.any(to_numpy(v.value)) for v in m.variables)
    assert repr(m) == "<CountAbove name=ca>" and str(m) == repr(m)
    assert m.get_config() == {"name": "ca", "dtype": "float32"}


def test_dtype_and_names():
    assert km.Mean(dtype="float64").dtype == "float64"
    assert km.Mean(dtype="float64").total.dtype == "float64"
    assert km.IoU(3, [0]).dtype in ("int32", "int64")
    first, second = km.TruePositives(), km.TruePositives()
    assert first.name.startswith("true_positives") and second.name != first.name
    assert km.Mean(name="a/b").variables[0].path == "a>b/total"


def test_missing_super_init():
    class Broken(km.Metric):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match="super"):
        Broken().add_variable(shape=(), initializer="zeros")


N = 6
VALUE_WEIGHT_CASES = [
    ((N,), None),
    ((N,), (N,)),
    ((N,), (N, 1)),
    ((N, 3), None),
    ((N, 3), (N,)),
    ((N, 3), (N, 3)),
    ((N, 3, 2), (N, 3)),
    ((N, 1), (N,)),
    ((), None),
    ((N, 3), ()),
]


@pytest.mark.parametrize("cls_name", ["Mean", "Sum"])
@pytest.mark.parametrize("value_shape, weight_shape", VALUE_WEIGHT_CASES)
def test_reduction_weighting_matches_keras(oracle, cls_name, value_shape, weight_shape):
    rng = np.random.RandomState(5)
    ours, ref = getattr(km, cls_name)(name="r"), getattr(oracle.metrics, cls_name)(name="r")
    for _ in range(2):
        values = np.asarray(rng.randn(*value_shape), "float32")
        weight = (
            None if weight_shape is None else np.asarray(rng.uniform(0, 2, weight_shape), "float32")
        )
        ours.update_state(values, sample_weight=weight)
        ref.update_state(values, sample_weight=weight)
        np.testing.assert_allclose(
            to_numpy(ours.result()), np.asarray(ref.result()), rtol=1e-5, atol=1e-6
        )


COMPILED = [
    ("Mean", {}, None),
    ("BinaryAccuracy", {}, "binary"),
    ("AUC", {}, "binary"),
    ("AUC", {"multi_label": True, "num_labels": 4, "curve": "PR"}, "binary"),
    ("Precision", {"top_k": 2, "thresholds": [0.1, 0.5]}, "binary"),
    ("Recall", {"class_id": 1}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.5}, "binary"),
    ("MeanIoU", {"num_classes": 3, "ignore_class": 0}, "segmentation"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "sparse"),
    ("Hinge", {}, "hinge_01"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical"),
]


@pytest.mark.parametrize(
    "name, kwargs, kind", COMPILED, ids=lambda c: c if isinstance(c, str) else None
)
def test_stateless_update_compiles(name, kwargs, kind):
    """``stateless_update_state`` traced by the backend's compiler (jax.jit, tf.function)."""
    eager = getattr(km, name)(**kwargs)
    pure = getattr(km, name)(**kwargs)
    if kind is None:
        rng = np.random.RandomState(0)
        data = [
            (rng.rand(8).astype("float32"), None, rng.rand(8).astype("float32")) for _ in range(3)
        ]
    else:
        data = batches(kind, seed=11)

    def step(variables, y_true, y_pred, weight):
        if y_pred is None:
            return pure.stateless_update_state(variables, y_true, sample_weight=weight)
        return pure.stateless_update_state(variables, y_true, y_pred, sample_weight=weight)

    compiled = _backend.B.compile_function(step)
    values = [v.value for v in pure.variables]
    ones = np.ones_like(data[0][2])
    # A smaller last batch: tf.function may then retrace with an unknown batch size.
    data = [*data, tuple(None if a is None else a[:5] for a in data[0])]
    for y_true, y_pred, weight in data:
        weight = ones[: np.shape(y_true)[0]] if weight is None else weight
        values = list(compiled(values, y_true, y_pred, weight))
        if y_pred is None:
            eager.update_state(y_true, sample_weight=weight)
        else:
            eager.update_state(y_true, y_pred, sample_weight=weight)
    np.testing.assert_allclose(
        to_numpy(pure.stateless_result(values)), to_numpy(eager.result()), rtol=1e-5, atol=1e-6
    )
