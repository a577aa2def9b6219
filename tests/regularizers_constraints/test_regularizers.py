"""kerasx.regularizers against NumPy formulas and Keras 3's configs."""

from __future__ import annotations

import numpy as np
import pytest

from kerasx import ops, regularizers
from kerasx.engine.variable import Variable

W = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")


def _f(x) -> float:
    return float(ops.convert_to_numpy(x))


def test_l1_l2_l1l2_values():
    assert _f(regularizers.L1(0.1)(W)) == pytest.approx(0.1 * np.abs(W).sum(), rel=1e-5)
    assert _f(regularizers.L2(0.2)(W)) == pytest.approx(0.2 * np.square(W).sum(), rel=1e-5)
    expected = 0.3 * np.abs(W).sum() + 0.05 * np.square(W).sum()
    assert _f(regularizers.L1L2(l1=0.3, l2=0.05)(W)) == pytest.approx(expected, rel=1e-5)
    assert _f(regularizers.L1L2()(W)) == 0.0
    assert _f(regularizers.Regularizer()(W)) == 0.0


def test_regularizer_on_variable_keeps_dtype():
    v = Variable(W, name="w")
    out = regularizers.L2(0.5)(v)
    assert ops.dtype(out) == "float32"
    assert _f(out) == pytest.approx(0.5 * np.square(W).sum(), rel=1e-5)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer(mode):
    x = W.astype("float64") if mode == "rows" else W.T.astype("float64")
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    gram = unit @ unit.T
    n = gram.shape[0]
    expected = 0.02 * 0.5 * np.abs(gram - np.diag(np.diag(gram))).sum() / (n * (n - 1) / 2)
    assert _f(regularizers.OrthogonalRegularizer(factor=0.02, mode=mode)(W)) == pytest.approx(
        expected, rel=1e-5
    )
    with pytest.raises(ValueError, match="rank 2"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diagonal")


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("L1", {}),
        ("L1", {"l1": 0.1}),
        ("L2", {"l2": 0.3}),
        ("L1L2", {"l1": 0.1, "l2": 0.2}),
        ("L1L2", {}),
        ("OrthogonalRegularizer", {"factor": 0.05, "mode": "columns"}),
    ],
)
def test_config_matches_keras(oracle, name, kwargs):
    theirs = getattr(oracle.regularizers, name)(**kwargs).get_config()
    mine = getattr(regularizers, name)(**kwargs)
    assert mine.get_config() == theirs
    clone = type(mine).from_config(mine.get_config())
    assert clone.get_config() == theirs
    # A Keras tensor input: Keras' NumPy-array path of `normalize` mishandles axis=0.
    expected = float(
        np.asarray(getattr(oracle.regularizers, name)(**kwargs)(oracle.ops.convert_to_tensor(W)))
    )
    assert _f(clone(W)) == pytest.approx(expected, rel=1e-5)


def test_validation():
    for bad in (-0.1, float("inf"), float("nan"), "0.1"):
        with pytest.raises(ValueError, match="non-negative"):
            regularizers.L1(bad)
        with pytest.raises(ValueError, match="non-negative"):
            regularizers.L1L2(l2=bad)
    assert regularizers.L1(None).get_config() == regularizers.L1().get_config()
    with pytest.raises(NotImplementedError):
        regularizers.Regularizer().get_config()


def test_get_serialize_deserialize(oracle):
    from keras.src.regularizers import ALL_OBJECTS_DICT as keras_names

    for name, cls in keras_names.items():
        assert type(regularizers.get(name)).__name__ == cls.__name__, name
    assert regularizers.get(None) is None
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    reg = regularizers.L1L2(0.1, 0.2)
    assert regularizers.get(reg) is reg
    config = regularizers.serialize(reg)
    assert config == {
        "module": "keras.regularizers",
        "class_name": "L1L2",
        "config": {"l1": 0.1, "l2": 0.2},
        "registered_name": None,
    }
    assert regularizers.get(config).get_config() == reg.get_config()
    assert oracle.regularizers.deserialize(config).get_config() == reg.get_config()
    with pytest.raises(ValueError, match="l1_l2"):
        regularizers.get("l3")
    keras_names_public = {n for n in dir(oracle.regularizers) if not n.startswith("_")}
    assert keras_names_public <= set(dir(regularizers))
