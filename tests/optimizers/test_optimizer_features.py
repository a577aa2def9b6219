"""Base-class behaviour checked against NumPy maths and Keras' documented rules:
clipping, weight decay, EMA, accumulation, the learning-rate property, bookkeeping
and argument validation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from optimizer_oracle import (
    as_numpy,
    gradient_stream,
    initial_values,
    keras_numpy,
    kerasx_variables,
)

import kerasx.optimizers as kopt
from kerasx import _backend, ops
from kerasx.engine.variable import Variable


def _sgd_run(steps=1, **kwargs):
    """Plain SGD (lr=1) makes the applied update equal to minus the processed gradient."""
    opt = kopt.SGD(learning_rate=kwargs.pop("learning_rate", 1.0), **kwargs)
    variables = kerasx_variables()
    grads = gradient_stream(steps)
    for g in grads:
        opt.apply(g, variables)
    return opt, variables, grads


def test_clipnorm_clips_each_gradient():
    _, variables, grads = _sgd_run(clipnorm=0.5)
    for v, g, v0 in zip(as_numpy(variables), grads[0], initial_values().values()):
        expected = g * 0.5 / max(np.linalg.norm(g), 0.5)
        np.testing.assert_allclose(v0 - v, expected, atol=1e-6)


def test_global_clipnorm_scales_all_gradients_together():
    _, variables, grads = _sgd_run(global_clipnorm=0.5)
    norm = np.sqrt(sum(np.sum(g.astype("float64") ** 2) for g in grads[0]))
    for v, g, v0 in zip(as_numpy(variables), grads[0], initial_values().values()):
        np.testing.assert_allclose(v0 - v, g * 0.5 / max(norm, 0.5), atol=1e-6)


def test_clipvalue_clips_elementwise():
    _, variables, grads = _sgd_run(clipvalue=0.1)
    for v, g, v0 in zip(as_numpy(variables), grads[0], initial_values().values()):
        np.testing.assert_allclose(v0 - v, np.clip(g, -0.1, 0.1), atol=1e-6)


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="Only one of"):
        kopt.SGD(clipnorm=1.0, clipvalue=1.0)


def test_weight_decay_is_decoupled_and_applied_first():
    _, variables, grads = _sgd_run(learning_rate=0.1, weight_decay=0.5)
    for v, g, v0 in zip(as_numpy(variables), grads[0], initial_values().values()):
        np.testing.assert_allclose(v, v0 - v0 * 0.5 * 0.1 - 0.1 * g, atol=1e-6)


def test_exclude_from_weight_decay_by_name_and_by_variable():
    opt = kopt.SGD(learning_rate=0.1, weight_decay=0.5)
    variables = kerasx_variables()
    opt.exclude_from_weight_decay(var_list=[variables[0]], var_names=["conv"])
    grads = gradient_stream(1)[0]
    opt.apply(grads, variables)
    v0 = list(initial_values().values())
    out = as_numpy(variables)
    np.testing.assert_allclose(out[0], v0[0] - 0.1 * grads[0], atol=1e-6)  # excluded variable
    np.testing.assert_allclose(out[1], v0[1] - v0[1] * 0.05 - 0.1 * grads[1], atol=1e-6)
    np.testing.assert_allclose(out[2], v0[2] - 0.1 * grads[2], atol=1e-6)  # excluded name


def test_ema_tracks_moving_average_and_finalize_swaps_it_in():
    opt, variables, grads = _sgd_run(steps=3, learning_rate=0.1, use_ema=True, ema_momentum=0.8)
    v = [x.astype("float64") for x in initial_values().values()]
    avg = None
    for g in grads:
        v = [a - 0.1 * b for a, b in zip(v, g)]
        avg = list(v) if avg is None else [0.8 * a + 0.2 * b for a, b in zip(avg, v)]
    for got, want in zip(as_numpy(opt._model_variables_moving_average), avg):
        np.testing.assert_allclose(got, want, atol=1e-6)
    opt.finalize_variable_values(variables)
    for got, want in zip(as_numpy(variables), avg):
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_gradient_accumulation_applies_the_mean_every_n_steps():
    opt = kopt.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    variables = kerasx_variables()
    g1, g2, g3 = gradient_stream(3)
    v0 = list(initial_values().values())
    opt.apply(g1, variables)
    for v, a in zip(as_numpy(variables), v0):
        np.testing.assert_allclose(v, a, atol=0)  # nothing applied yet
    for acc, g in zip(as_numpy(opt._accumulated_gradients), g1):
        np.testing.assert_allclose(acc, g, atol=1e-6)
    assert int(ops.convert_to_numpy(opt.iterations)) == 0
    opt.apply(g2, variables)
    for v, a, x, y in zip(as_numpy(variables), v0, g1, g2):
        np.testing.assert_allclose(v, a - (x + y) / 2, atol=1e-6)
    for acc in as_numpy(opt._accumulated_gradients):
        assert not acc.any()
    assert int(ops.convert_to_numpy(opt.iterations)) == 1
    opt.apply(g3, variables)
    assert int(opt._iterations.numpy()) == 3
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        kopt.SGD(gradient_accumulation_steps=1)


def test_loss_scale_factor_unscales_gradients():
    opt, variables, grads = _sgd_run(learning_rate=0.1, loss_scale_factor=4.0)
    for v, g, v0 in zip(as_numpy(variables), grads[0], initial_values().values()):
        np.testing.assert_allclose(v, v0 - 0.1 * g / 4.0, atol=1e-6)
    assert float(ops.convert_to_numpy(opt.scale_loss(2.0))) == 8.0
    assert kopt.SGD().scale_loss(3.0) == 3.0


def test_iterations_is_an_integer_variable():
    opt, _, _ = _sgd_run(steps=3)
    assert isinstance(opt.iterations, Variable)
    assert opt.iterations.path.endswith("/iteration")
    assert opt.iterations.dtype == ("int32" if _backend.NAME == "jax" else "int64")
    assert int(opt.iterations.numpy()) == 3
    ret = opt.apply_gradients(zip(gradient_stream(1)[0], opt._trainable_variables))
    assert ret is opt._iterations and int(ret.numpy()) == 4


def test_learning_rate_property_and_setter():
    opt = kopt.Adam(learning_rate=0.1)
    assert isinstance(opt.learning_rate, Variable)
    assert opt.learning_rate.path.endswith("/learning_rate")
    opt.learning_rate = 0.5
    assert float(opt.learning_rate.numpy()) == 0.5
    assert opt.get_config()["learning_rate"] == 0.5
    n_before = len(opt.variables)
    opt.learning_rate = kopt.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert len(opt.variables) == n_before - 1  # the variable is no longer tracked
    np.testing.assert_allclose(float(ops.convert_to_numpy(opt.learning_rate)), 0.1, rtol=1e-6)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.3
    fixed = kopt.SGD(learning_rate=lambda: 0.25)
    assert fixed.learning_rate == 0.25
    with pytest.raises(ValueError, match="learning_rate"):
        kopt.SGD(learning_rate="fast")


def test_schedule_sees_the_iteration_count():
    sched = kopt.schedules.PiecewiseConstantDecay([0, 1], [1.0, 0.5, 0.25])
    opt = kopt.SGD(learning_rate=sched)
    variables = kerasx_variables()
    v = [x.astype("float64") for x in initial_values().values()]
    for step, g in enumerate(gradient_stream(3)):
        lr = [1.0, 0.5, 0.25][step]
        v = [a - lr * b for a, b in zip(v, g)]
        opt.apply(g, variables)
    for got, want in zip(as_numpy(variables), v):
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_missing_gradients_are_skipped_with_a_warning():
    opt = kopt.SGD(learning_rate=1.0)
    variables = kerasx_variables()
    g = gradient_stream(1)[0]
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply([g[0], None, g[2]], variables)
    v0 = list(initial_values().values())
    np.testing.assert_allclose(as_numpy(variables)[1], v0[1], atol=0)
    np.testing.assert_allclose(as_numpy(variables)[0], v0[0] - g[0], atol=1e-6)
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply([None, None, None], variables)


def test_apply_errors_and_no_op():
    opt = kopt.Adam()
    variables = kerasx_variables()
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply(gradient_stream(1)[0])
    opt.apply([], variables)  # nothing to do, not even building
    assert not opt.built
    opt.apply(gradient_stream(1)[0], variables)
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply([np.zeros((2,), "float32")], [Variable(np.zeros((2,), "float32"))])
    with pytest.raises(ValueError, match="one-to-one"):
        opt.apply(gradient_stream(1)[0][:2])
    opt.apply(gradient_stream(1)[0])  # grads only, once built
    assert int(opt.iterations.numpy()) == 2


def test_constraints_run_after_the_update():
    opt = kopt.SGD(learning_rate=1.0)
    variables = kerasx_variables()
    variables[0].constraint = lambda x: ops.clip(x, -0.1, 0.1)
    opt.apply(gradient_stream(1)[0], variables)
    assert np.abs(as_numpy(variables)[0]).max() <= 0.1 + 1e-7


def test_overwrite_with_gradient_matches_keras(oracle):
    from optimizer_oracle import keras_variables

    for kwargs in ({}, {"gradient_accumulation_steps": 2}):
        mine, theirs = kopt.Adam(name="o", **kwargs), oracle.optimizers.Adam(name="o", **kwargs)
        mv, tv = kerasx_variables(), keras_variables(oracle)
        mv[1].overwrite_with_gradient = True
        tv[1].overwrite_with_gradient = True
        for g in gradient_stream(4):
            mine.apply(g, mv)
            theirs.apply(list(g), tv)
        np.testing.assert_allclose(
            np.concatenate([a.ravel() for a in as_numpy(mv)]),
            np.concatenate([a.ravel() for a in keras_numpy(tv)]),
            atol=1e-5,
        )
        assert [v.path for v in mine.variables] == [v.path for v in theirs.variables]


def test_variable_state_round_trips():
    opt, _, _ = _sgd_run(steps=2, momentum=0.9)
    store: dict[str, np.ndarray] = {}
    opt.save_own_variables(store)
    assert len(store) == len(opt.variables) == 2 + 3
    fresh = kopt.SGD(learning_rate=1.0, momentum=0.9)
    fresh.build(kerasx_variables())
    fresh.load_own_variables(store)
    for a, b in zip(as_numpy(fresh.variables), as_numpy(opt.variables)):
        np.testing.assert_array_equal(a, b)
    other = kopt.SGD(momentum=0.9)
    other.build(kerasx_variables())
    other.set_weights([v.numpy() for v in opt.variables])
    for a, b in zip(as_numpy(other.variables), as_numpy(opt.variables)):
        np.testing.assert_array_equal(a, b)
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        kopt.Adam().load_own_variables(store)
    with pytest.raises(ValueError, match="not yet been built"):
        kopt.Adam().set_weights([])


def test_argument_validation():
    with pytest.raises(ValueError, match="not recognized"):
        kopt.Adam(bogus=1)
    with pytest.warns(UserWarning, match="decay"):
        kopt.Adam(decay=0.1)
    with pytest.raises(ValueError, match="ema_momentum"):
        kopt.Adam(use_ema=True, ema_momentum=2.0)
    with pytest.raises(ValueError, match="ema_overwrite_frequency"):
        kopt.Adam(use_ema=True, ema_overwrite_frequency=0.5)
    with pytest.raises(ValueError, match="momentum"):
        kopt.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        kopt.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        kopt.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="l1_regularization_strength"):
        kopt.Ftrl(l1_regularization_strength=-1.0)
    with pytest.raises(ValueError, match="learning_rate_power"):
        kopt.Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="dynamic=False"):
        kopt.LossScaleOptimizer(kopt.SGD(), dynamic=False)
    with pytest.raises(ValueError, match="weight_decay"):
        kopt.LossScaleOptimizer(kopt.SGD(), weight_decay=0.1)
    kopt.LossScaleOptimizer(kopt.SGD(), weight_decay=None, use_ema=False)  # old configs' defaults


def test_default_names_follow_keras():
    assert kopt.Adam().name.startswith("adam")
    assert kopt.RMSprop().name.startswith("rm_sprop")
    assert kopt.AdamW().name.startswith("adam_w")


def test_custom_optimizer_subclass():
    class SignSGD(kopt.Optimizer):
        def __init__(self, learning_rate=0.1, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

        def build(self, var_list):
            super().build(var_list)
            self.counts = self.add_optimizer_variables(var_list, "count")

        def update_step(self, gradient, variable, learning_rate):
            self.assign_sub(variable, ops.multiply(learning_rate, ops.sign(gradient)))
            self.assign_add(
                self.counts[self._get_variable_index(variable)], ops.ones(variable.shape)
            )

    opt = SignSGD(name="sign")
    variables = kerasx_variables()
    g = gradient_stream(1)[0]
    opt.apply(g, variables)
    for v, v0, gg in zip(as_numpy(variables), initial_values().values(), g):
        np.testing.assert_allclose(v, v0 - 0.1 * np.sign(gg), atol=1e-6)
    assert [v.path for v in opt.variables][2:] == [
        "sign/kernel_count",
        "sign/bias_count",
        "sign/conv_count",
    ]

    class Broken(kopt.Optimizer):
        def __init__(self):
            self.extra = Variable(1.0)

    with pytest.raises(RuntimeError, match="super"):
        Broken()


def test_legacy_aliases_point_at_the_same_classes():
    from kerasx.optimizers import legacy

    for name in (
        "SGD",
        "Adam",
        "RMSprop",
        "Adagrad",
        "Adadelta",
        "Adamax",
        "Nadam",
        "Ftrl",
        "Optimizer",
    ):
        assert getattr(legacy, name) is getattr(kopt, name)
    assert kopt.legacy is legacy


def test_optimizer_updates_run_without_warnings():
    opt = kopt.Adam()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.apply(gradient_stream(1)[0], kerasx_variables())
