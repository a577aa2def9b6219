"""kerasx.constraints against NumPy formulas and Keras 3."""

from __future__ import annotations

import numpy as np
import pytest

from kerasx import constraints, ops

W = np.random.default_rng(1).normal(scale=2.0, size=(6, 5)).astype("float32")
EPS = 1e-7


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w.astype("float64")), axis=axis, keepdims=True))


@pytest.mark.parametrize("axis", [0, 1, [0, 1]])
def test_max_norm(axis):
    ax = tuple(axis) if isinstance(axis, list) else axis
    norms = _norms(W, ax)
    expected = W * (np.clip(norms, 0, 1.5) / (EPS + norms))
    np.testing.assert_allclose(
        _np(constraints.MaxNorm(1.5, axis=axis)(W)), expected, rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("axis", [0, 1])
def test_unit_norm_and_min_max_norm(axis):
    norms = _norms(W, axis)
    np.testing.assert_allclose(
        _np(constraints.UnitNorm(axis=axis)(W)), W / (EPS + norms), rtol=1e-5
    )
    desired = 0.7 * np.clip(norms, 1.0, 2.0) + 0.3 * norms
    out = _np(constraints.MinMaxNorm(min_value=1.0, max_value=2.0, rate=0.7, axis=axis)(W))
    np.testing.assert_allclose(out, W * desired / (EPS + norms), rtol=1e-5, atol=1e-6)


def test_non_neg_and_base():
    np.testing.assert_array_equal(_np(constraints.NonNeg()(W)), np.maximum(W, 0))
    assert constraints.Constraint()(W) is W


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("MaxNorm", {}),
        ("MaxNorm", {"max_value": 3.0, "axis": 1}),
        ("MinMaxNorm", {"min_value": 0.5, "rate": 0.5}),
        ("NonNeg", {}),
        ("UnitNorm", {"axis": -1}),
    ],
)
def test_matches_keras(oracle, name, kwargs):
    theirs = getattr(oracle.constraints, name)(**kwargs)
    mine = getattr(constraints, name)(**kwargs)
    assert mine.get_config() == theirs.get_config()
    np.testing.assert_allclose(_np(mine(W)), np.asarray(theirs(W)), rtol=1e-5, atol=1e-6)
    assert type(mine).from_config(mine.get_config()).get_config() == theirs.get_config()


def test_get_serialize_deserialize(oracle):
    from keras.src.constraints import ALL_OBJECTS_DICT as keras_names

    for name, cls in keras_names.items():
        assert type(constraints.get(name)).__name__ == cls.__name__, name
    assert constraints.get(None) is None
    c = constraints.MaxNorm(3)
    assert constraints.get(c) is c
    config = constraints.serialize(c)
    assert config == {
        "module": "keras.constraints",
        "class_name": "MaxNorm",
        "config": {"max_value": 3, "axis": 0},
        "registered_name": None,
    }
    assert constraints.deserialize(config).get_config() == c.get_config()
    assert oracle.constraints.deserialize(config).get_config() == c.get_config()
    with pytest.raises(ValueError, match="max_norm"):
        constraints.get("maxnorm")
    assert {n for n in dir(oracle.constraints) if not n.startswith("_")} <= set(dir(constraints))
