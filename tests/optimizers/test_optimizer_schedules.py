"""Learning-rate schedules against Keras 3 at many steps, plus their configs."""

from __future__ import annotations

import numpy as np
import pytest

import kerasx.optimizers.schedules as ks
from kerasx import _backend, ops
from kerasx.engine.variable import Variable

STEPS = [0, 1, 3, 5, 10, 13, 37, 100, 1000]

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.5, "decay_steps": 7, "decay_rate": 0.5, "staircase": True},
    ),
    ("PiecewiseConstantDecay", {"boundaries": [3, 10, 100], "values": [1.0, 0.5, 0.1, 0.01]}),
    ("PiecewiseConstantDecay", {"boundaries": [5], "values": [0.3, 0.2], "name": "pc"}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 20}),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 20, "end_learning_rate": 0.01, "power": 2.0},
    ),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 8, "power": 0.5, "cycle": True},
    ),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5}),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5, "staircase": True},
    ),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 50}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 50, "alpha": 0.1}),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 50, "warmup_target": 0.2, "warmup_steps": 10},
    ),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.01, "decay_steps": 30, "warmup_target": 0.1, "warmup_steps": 0},
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 10}),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 7, "t_mul": 1.0, "m_mul": 0.5},
    ),
    (
        "CosineDecayRestarts",
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 5,
            "t_mul": 1.5,
            "m_mul": 0.8,
            "alpha": 0.05,
        },
    ),
]


def _value(x):
    return float(np.asarray(ops.convert_to_numpy(x)))


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_schedule_matches_keras(oracle, name, kwargs):
    mine = getattr(ks, name)(**kwargs)
    theirs = getattr(oracle.optimizers.schedules, name)(**kwargs)
    for step in STEPS:
        want = float(np.asarray(theirs(step)))
        np.testing.assert_allclose(
            _value(mine(step)), want, rtol=1e-5, atol=1e-7, err_msg=f"step {step}"
        )
        # The optimizer passes its int iteration variable.
        var = Variable(np.asarray(step, dtype="int32"))
        np.testing.assert_allclose(
            _value(mine(var)), want, rtol=1e-5, atol=1e-7, err_msg=f"variable step {step}"
        )
    assert mine.get_config() == theirs.get_config()
    assert ks.serialize(mine) == oracle.optimizers.schedules.serialize(theirs)
    again = ks.deserialize(oracle.optimizers.schedules.serialize(theirs))
    assert type(again) is type(mine) and again.get_config() == mine.get_config()


def test_schedule_inside_compiled_function():
    sched = ks.CosineDecay(0.0, 20, warmup_target=0.1, warmup_steps=5)
    fn = _backend.B.compile_function(lambda s: sched(s))
    for step in (0, 3, 5, 12, 40):
        np.testing.assert_allclose(
            _value(fn(ops.convert_to_tensor(step, dtype="int32"))), _value(sched(step)), rtol=1e-6
        )


def test_schedule_validation():
    for cls in (ks.ExponentialDecay, ks.InverseTimeDecay):
        with pytest.raises(ValueError, match="decay_steps"):
            cls(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="decay_steps"):
        ks.PolynomialDecay(0.1, -1)
    with pytest.raises(ValueError, match="decay_steps"):
        ks.CosineDecay(0.1, 0)
    with pytest.raises(ValueError, match="first_decay_steps"):
        ks.CosineDecayRestarts(0.1, 0)
    with pytest.raises(ValueError, match="1 less"):
        ks.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(NotImplementedError):
        ks.LearningRateSchedule()(1)
    with pytest.raises(NotImplementedError):
        ks.LearningRateSchedule().get_config()


def test_custom_schedule_serializes_with_custom_objects():
    class Halving(ks.LearningRateSchedule):
        def __init__(self, start):
            self.start = start

        def __call__(self, step):
            return ops.multiply(self.start, ops.power(0.5, ops.cast(step, "float32")))

        def get_config(self):
            return {"start": self.start}

    config = ks.serialize(Halving(0.8))
    again = ks.deserialize(config, custom_objects={"Halving": Halving})
    assert isinstance(again, Halving) and again.start == 0.8
    assert _value(again(2)) == pytest.approx(0.2)
