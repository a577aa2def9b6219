"""``stateless_apply`` is ``apply`` as a pure function: same results, eagerly and
compiled (jax.jit / tf.function; eager elsewhere), without touching the variables."""

from __future__ import annotations

import numpy as np
import pytest
from optimizer_oracle import (
    as_numpy,
    assert_all_close,
    gradient_stream,
    initial_values,
    kerasx_variables,
)

import kerasx.optimizers as kopt
from kerasx import _backend, ops

CASES = [
    ("Adam", {}),
    ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("Nadam", {}),
    ("Adafactor", {}),
    ("Ftrl", {"l1_regularization_strength": 0.01}),
    ("RMSprop", {"centered": True, "weight_decay": 0.1, "global_clipnorm": 0.5}),
    ("Adam", {"gradient_accumulation_steps": 2, "use_ema": True, "ema_overwrite_frequency": 2}),
    ("SGD", {"momentum": 0.5, "gradient_accumulation_steps": 3, "clipnorm": 0.5}),
    ("LSO", {}),
]


def _make(name, kwargs):
    if name == "LSO":
        return kopt.LossScaleOptimizer(
            kopt.Adam(learning_rate=0.05), initial_scale=4.0, dynamic_growth_steps=2
        )
    return getattr(kopt, name)(learning_rate=0.05, **kwargs)


def _grads(name):
    grads = gradient_stream(steps=6)
    if name == "LSO":
        grads[1][2][0, 0, 0] = np.inf
    return [[ops.convert_to_tensor(g) for g in step] for step in grads]


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_stateless_apply_equals_apply(name, kwargs, compiled):
    stateful, stateless = _make(name, kwargs), _make(name, kwargs)
    v_stateful, v_stateless = kerasx_variables(), kerasx_variables()
    stateless.build(v_stateless)
    tv = [v.value for v in v_stateless]
    ov = [v.value for v in stateless.variables]
    step = (
        _backend.B.compile_function(stateless.stateless_apply)
        if compiled
        else stateless.stateless_apply
    )
    for grads in _grads(name):
        stateful.apply(grads, v_stateful)
        tv, ov = step(ov, grads, tv)
    assert_all_close(as_numpy(tv), as_numpy(v_stateful), what="trainable")
    assert_all_close(as_numpy(ov), as_numpy(stateful.variables), what="optimizer variables")
    # Nothing was written to the real variables.
    assert_all_close(
        as_numpy(v_stateless),
        [v.astype("float64") for v in initial_values().values()],
        what="untouched",
    )
    assert int(stateless.iterations.numpy() if hasattr(stateless.iterations, "numpy") else 0) == 0


def test_stateless_apply_validates_arguments():
    opt = kopt.Adam()
    variables = kerasx_variables()
    with pytest.raises(ValueError, match="must be built"):
        opt.stateless_apply([], [], [])
    opt.build(variables)
    with pytest.raises(ValueError, match="optimizer_variables"):
        opt.stateless_apply([], [v.value for v in variables], [v.value for v in variables])
    with pytest.raises(ValueError, match="trainable_variables"):
        opt.stateless_apply([v.value for v in opt.variables], [], [])


@pytest.mark.skipif(
    _backend.NAME != "tensorflow", reason="stateful compiled steps are a tf.function feature"
)
def test_stateful_apply_inside_tf_function():
    eager, graph = (
        kopt.Adam(learning_rate=0.05, gradient_accumulation_steps=2),
        kopt.Adam(learning_rate=0.05, gradient_accumulation_steps=2),
    )
    v_eager, v_graph = kerasx_variables(), kerasx_variables()
    graph.build(v_graph)
    step = _backend.B.compile_function(lambda g: graph.apply(g, v_graph))
    for grads in _grads("Adam"):
        eager.apply(grads, v_eager)
        step(grads)
    assert_all_close(as_numpy(v_graph), as_numpy(v_eager), what="trainable")
    assert_all_close(
        as_numpy(graph.variables), as_numpy(eager.variables), what="optimizer variables"
    )
