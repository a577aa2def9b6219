"""``kerasx.optimizers.get/serialize/deserialize`` against Keras 3's configs."""

from __future__ import annotations

import inspect

import pytest

import kerasx.optimizers as kopt

NAMES = [
    "SGD",
    "Adam",
    "AdamW",
    "Adamax",
    "Adagrad",
    "Adadelta",
    "RMSprop",
    "Nadam",
    "Ftrl",
    "Lion",
    "Lamb",
    "Adafactor",
]


@pytest.mark.parametrize("name", NAMES)
def test_signature_and_default_config_match_keras(oracle, name):
    mine, theirs = getattr(kopt, name), getattr(oracle.optimizers, name)
    assert list(inspect.signature(mine).parameters) == list(inspect.signature(theirs).parameters)
    for p in inspect.signature(theirs).parameters.values():
        if p.default is not inspect.Parameter.empty:
            assert inspect.signature(mine).parameters[p.name].default == p.default, p.name
    assert mine(name="o").get_config() == theirs(name="o").get_config()


@pytest.mark.parametrize("name", NAMES)
def test_serialize_matches_keras_and_round_trips(oracle, name):
    kwargs = {
        "name": "o",
        "learning_rate": 0.02,
        "clipnorm": 1.5,
        "use_ema": True,
        "ema_overwrite_frequency": 3,
    }
    mine, theirs = getattr(kopt, name)(**kwargs), getattr(oracle.optimizers, name)(**kwargs)
    assert kopt.serialize(mine) == oracle.optimizers.serialize(theirs)
    again = kopt.deserialize(oracle.optimizers.serialize(theirs))
    assert type(again) is getattr(kopt, name)
    assert again.get_config() == mine.get_config()


def test_schedule_learning_rate_round_trips(oracle):
    sched = {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9}
    mine = kopt.SGD(learning_rate=kopt.schedules.ExponentialDecay(**sched), name="s")
    theirs = oracle.optimizers.SGD(
        learning_rate=oracle.optimizers.schedules.ExponentialDecay(**sched), name="s"
    )
    assert kopt.serialize(mine) == oracle.optimizers.serialize(theirs)
    again = kopt.deserialize(kopt.serialize(mine))
    assert isinstance(again._learning_rate, kopt.schedules.ExponentialDecay)
    assert again.get_config() == mine.get_config()


def test_loss_scale_optimizer_config(oracle):
    mine = kopt.LossScaleOptimizer(
        kopt.Adam(name="inner"), initial_scale=64.0, dynamic_growth_steps=10, name="lso"
    )
    theirs = oracle.optimizers.LossScaleOptimizer(
        oracle.optimizers.Adam(name="inner"),
        initial_scale=64.0,
        dynamic_growth_steps=10,
        name="lso",
    )
    assert mine.get_config() == theirs.get_config()
    assert kopt.serialize(mine) == oracle.optimizers.serialize(theirs)
    again = kopt.deserialize(oracle.optimizers.serialize(theirs))
    assert isinstance(again, kopt.LossScaleOptimizer) and isinstance(
        again.inner_optimizer, kopt.Adam
    )
    assert again.get_config() == mine.get_config()
    assert again.inner_optimizer.loss_scale_factor is None
    assert float(again.learning_rate.numpy()) == pytest.approx(0.001)


def test_get_accepts_names_configs_and_instances():
    for ident, cls in [
        ("adam", kopt.Adam),
        ("Adam", kopt.Adam),
        ("ADAM", kopt.Adam),
        ("sgd", kopt.SGD),
        ("rmsprop", kopt.RMSprop),
        ("adamw", kopt.AdamW),
        ("nadam", kopt.Nadam),
        ("ftrl", kopt.Ftrl),
        ("lion", kopt.Lion),
        ("adafactor", kopt.Adafactor),
        ("lamb", kopt.Lamb),
    ]:
        assert type(kopt.get(ident)) is cls
    opt = kopt.Adagrad()
    assert kopt.get(opt) is opt
    assert kopt.get(None) is None
    cfg = {"class_name": "RMSprop", "config": {"learning_rate": 0.3, "rho": 0.5}}
    got = kopt.get(cfg)
    assert isinstance(got, kopt.RMSprop) and got.rho == 0.5
    assert float(got.learning_rate.numpy()) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="Valid names are") as err:
        kopt.get("adamm")
    assert "adam" in str(err.value)
    with pytest.raises(ValueError, match="Could not interpret"):
        kopt.get(42)


def test_custom_optimizer_deserializes_with_custom_objects():
    class Mine(kopt.SGD):
        pass

    config = kopt.serialize(Mine(learning_rate=0.3, name="mine"))
    again = kopt.deserialize(config, custom_objects={"Mine": Mine})
    assert (
        type(again) is Mine
        and again.get_config() == Mine(learning_rate=0.3, name="mine").get_config()
    )
