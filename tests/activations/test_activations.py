"""kerasx.activations against NumPy formulas and real Keras 3 (the ``oracle``)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from kerasx import activations, ops
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.saving.registry import register_keras_serializable

X = np.linspace(-4.0, 4.0, 24, dtype="float32").reshape(2, 3, 4)
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sparsemax(x, axis=-1):
    x = np.moveaxis(x, axis, -1)
    z = np.sort(x, axis=-1)[..., ::-1]
    k = np.arange(1, x.shape[-1] + 1)
    cumsum = np.cumsum(z, axis=-1)
    support = (1 + k * z) > cumsum
    k_max = support.sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumsum, k_max - 1, axis=-1) - 1) / k_max
    return np.moveaxis(np.maximum(x - tau, 0), -1, axis)


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

REFERENCES = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)),
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, np.exp(x) - 1),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
    "glu": lambda x: x[..., :2] * _sigmoid(x[..., 2:]),
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "softmax": _softmax,
    "log_softmax": lambda x: np.log(_softmax(x)),
    "softplus": lambda x: np.logaddexp(0, x),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "tanh": np.tanh,
    "tanh_shrink": lambda x: x - np.tanh(x),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
    "sparse_plus": lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "sparse_sigmoid": lambda x: np.where(x <= -1, 0, np.where(x >= 1, 1, (x + 1) / 2)),
    "sparsemax": _sparsemax,
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "exponential": np.exp,
    "linear": lambda x: x,
    "log_sigmoid": lambda x: -np.logaddexp(0, -x),
    "mish": lambda x: x * np.tanh(np.logaddexp(0, x)),
}


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_matches_numpy_formula(name):
    fn = activations.get(name)
    expected = REFERENCES[name](X.astype("float64"))
    np.testing.assert_allclose(_np(fn(X)), expected, rtol=1e-5, atol=1e-5)


def test_threshold_formula():
    out = _np(activations.threshold(X, 0.5, -2.0))
    np.testing.assert_allclose(out, np.where(X > 0.5, X, -2.0), atol=1e-6)


def test_gelu_approximate_and_arguments():
    x = X.astype("float64")
    tanh_form = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(_np(activations.gelu(X, approximate=True)), tanh_form, atol=1e-5)
    np.testing.assert_allclose(
        _np(activations.elu(X, alpha=0.5)), np.where(x > 0, x, 0.5 * (np.exp(x) - 1)), atol=1e-5
    )
    np.testing.assert_allclose(
        _np(activations.leaky_relu(X, negative_slope=0.3)), np.where(x > 0, x, 0.3 * x), atol=1e-6
    )
    np.testing.assert_allclose(_np(activations.softmax(X, axis=1)), _softmax(x, axis=1), atol=1e-6)
    np.testing.assert_allclose(
        _np(activations.squareplus(X, b=1)), (x + np.sqrt(x * x + 1)) / 2, atol=1e-5
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"negative_slope": 0.1},
        {"max_value": 2.0},
        {"max_value": 6},
        {"threshold": 1.0},
        {"negative_slope": 0.1, "max_value": 2.5},
        {"negative_slope": 0.1, "threshold": -1.0},
        {"negative_slope": 0.2, "max_value": 3.0, "threshold": 0.5},
    ],
)
def test_relu_arguments(kwargs):
    slope = kwargs.get("negative_slope", 0.0)
    cap = kwargs.get("max_value")
    thr = kwargs.get("threshold", 0.0)
    x = X.astype("float64")
    expected = np.where(x > thr, x, slope * (x - thr))
    if cap is not None:
        expected = np.where(x > thr, np.minimum(x, cap), expected)
    np.testing.assert_allclose(_np(activations.relu(X, **kwargs)), expected, atol=1e-5)


def test_public_names_and_signatures_match_keras(oracle):
    keras_names = {n for n in dir(oracle.activations) if not n.startswith("_")}
    ours = {n for n in dir(activations) if not n.startswith("_")}
    missing = keras_names - ours
    assert not missing, f"missing from kerasx.activations: {sorted(missing)}"
    for name in keras_names - {"get", "serialize", "deserialize"}:
        theirs = inspect.signature(getattr(oracle.activations, name)).parameters
        mine = inspect.signature(getattr(activations, name)).parameters
        assert list(theirs) == list(mine), name
        assert [p.default for p in theirs.values()] == [p.default for p in mine.values()], name


# Keras 3.15's JAX sparsemax returns rows that do not sum to one (a Keras bug), so it is
# checked against the NumPy reference only.
@pytest.mark.parametrize("name", sorted(set(REFERENCES) - {"sparsemax"}))
def test_matches_keras(oracle, name):
    expected = np.asarray(getattr(oracle.activations, name)(X))
    np.testing.assert_allclose(_np(activations.get(name)(X)), expected, rtol=1e-5, atol=1e-5)


def test_get_identifiers():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    fn = lambda x: x  # noqa: E731
    assert activations.get(fn) is fn
    config = {
        "module": "builtins",
        "class_name": "function",
        "config": "gelu",
        "registered_name": "function",
    }
    assert activations.get(config) is activations.gelu
    with pytest.raises(ValueError, match="relu6"):
        activations.get("not_an_activation")
    with pytest.raises(ValueError):
        activations.get(3)


def test_serialize_matches_keras(oracle):
    for name in ("relu", "swish", "hard_swish", "softmax", "linear"):
        assert activations.serialize(activations.get(name)) == oracle.activations.serialize(
            oracle.activations.get(name)
        )
    assert activations.deserialize("silu") is activations.silu
    assert activations.deserialize(activations.serialize(activations.mish)) is activations.mish


def test_custom_activation_round_trip():
    @register_keras_serializable(package="ActTest")
    def scaled_tanh(x):
        return ops.multiply(ops.tanh(x), 2.0)

    config = activations.serialize(scaled_tanh)
    assert config == {
        "module": "builtins",
        "class_name": "function",
        "config": "ActTest>scaled_tanh",
        "registered_name": "function",
    }
    assert activations.deserialize(config) is scaled_tanh
    assert activations.get("ActTest>scaled_tanh") is scaled_tanh


def test_symbolic_inputs_keep_shape():
    x = KerasTensor((None, 6), "float32")
    for name in ("relu", "gelu", "softmax", "mish", "sparsemax"):
        y = activations.get(name)(x)
        assert isinstance(y, KerasTensor) and y.shape == (None, 6), name
    assert activations.relu(x, negative_slope=0.1, max_value=3.0, threshold=0.5).shape == (None, 6)
    assert activations.glu(x).shape == (None, 3)


def test_relu_accepts_lists_and_keeps_input_dtype():
    x = ops.convert_to_tensor(np.array([-1.0, 2.0]), dtype="float64")  # float32 on JAX without x64
    y = activations.relu(x, max_value=1.5, negative_slope=0.1)
    assert ops.dtype(y) == ops.dtype(x)
    np.testing.assert_allclose(_np(y), [-0.1, 1.5], atol=1e-6)
    np.testing.assert_allclose(_np(activations.relu([-1.0, 2.0])), [0.0, 2.0])
