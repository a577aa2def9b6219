"""Shared helpers: identical variables and gradient streams for kerasx and Keras 3.

Keras (the oracle, on JAX) and kerasx (on the backend under test) each get variables
with the same names and start values, then the same five gradient steps; the tests
compare every trainable and optimizer variable afterwards.
"""

from __future__ import annotations

import re

import numpy as np

import kerasx
from kerasx.engine.variable import Variable

SHAPES = {"kernel": (3, 4), "bias": (4,), "conv": (2, 3, 2)}
STEPS = 5


def initial_values() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    return {k: rng.normal(size=s).astype("float32") for k, s in SHAPES.items()}


def gradient_stream(steps: int = STEPS, scale: float = 1.0) -> list[list[np.ndarray]]:
    """A different gradient for every variable at every step."""
    out = []
    for step in range(steps):
        rng = np.random.default_rng(100 + step)
        out.append([(rng.normal(size=s) * scale).astype("float32") for s in SHAPES.values()])
    return out


def kerasx_variables() -> list[Variable]:
    return [Variable(v, name=k) for k, v in initial_values().items()]


def keras_variables(keras) -> list:
    return [keras.Variable(v, name=k) for k, v in initial_values().items()]


def run_kerasx(opt, grads_seq, variables=None):
    variables = variables if variables is not None else kerasx_variables()
    for grads in grads_seq:
        opt.apply([kerasx.ops.convert_to_tensor(g) for g in grads], variables)
    return variables


def run_keras(opt, keras, grads_seq, variables=None):
    variables = variables if variables is not None else keras_variables(keras)
    for grads in grads_seq:
        opt.apply(list(grads), variables)
    return variables


def run_keras_stateless(opt, keras, grads_seq):
    """Keras' LossScaleOptimizer only works statelessly on JAX: drive it that way."""
    variables = keras_variables(keras)
    opt.build(variables)
    tv = [v.value for v in variables]
    ov = [v.value for v in opt.variables]
    for grads in grads_seq:
        tv, ov = opt.stateless_apply(ov, list(grads), tv)
    for v, value in zip(variables, tv):
        v.assign(value)
    for v, value in zip(opt.variables, ov):
        v.assign(value)
    return variables


def as_numpy(values) -> list[np.ndarray]:
    return [
        np.asarray(
            kerasx.ops.convert_to_numpy(v.value if hasattr(v, "value") else v), dtype="float64"
        )
        for v in values
    ]


def keras_numpy(values) -> list[np.ndarray]:
    return [np.asarray(v.numpy() if hasattr(v, "numpy") else v, dtype="float64") for v in values]


def normalize_path(path: str) -> str:
    """Auto-numbered names (Nadam's ``variable_3``) differ between sessions."""
    return re.sub(r"variable(_\d+)?$", "variable", path)


def assert_all_close(actual, expected, atol: float = 1e-5, what: str = "") -> None:
    assert len(actual) == len(expected), f"{what}: {len(actual)} values vs {len(expected)}"
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert a.shape == e.shape, f"{what}[{i}]: shape {a.shape} vs {e.shape}"
        np.testing.assert_allclose(a, e, atol=atol, rtol=1e-5, err_msg=f"{what}[{i}]")
