"""The Loss base class, LossFunctionWrapper, reductions, errors and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import kerasx
from conftest import requires_training
from kerasx import losses, ops
from kerasx.saving.registry import register_keras_serializable

Y_TRUE = np.arange(12, dtype="float32").reshape(3, 4) / 10
Y_PRED = np.ones((3, 4), dtype="float32")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x), dtype="float64")


def test_invalid_reduction():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_custom_subclass_and_auto_names():
    class AbsSum(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.sum(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)

    loss = AbsSum()
    assert loss.name.startswith("abs_sum") and AbsSum().name != loss.name
    assert loss.get_config() == {"name": loss.name, "reduction": "sum_over_batch_size"}
    expected = np.abs(Y_TRUE - Y_PRED).sum(-1).mean()
    np.testing.assert_allclose(_np(loss(Y_TRUE, Y_PRED)), expected, rtol=1e-6)
    assert loss.dtype == "float32"
    with pytest.raises(NotImplementedError):
        losses.Loss()(Y_TRUE, Y_PRED)


def test_nested_structures_reach_call():
    class PairLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.add(losses.mse(y_true["a"], y_pred[0]), losses.mae(y_true["b"], y_pred[1]))

    out = PairLoss()({"a": Y_TRUE, "b": Y_TRUE}, [Y_PRED, Y_PRED])
    expected = ((Y_TRUE - 1) ** 2).mean(-1) + np.abs(Y_TRUE - 1).mean(-1)
    np.testing.assert_allclose(_np(out), expected.mean(), rtol=1e-6)


def test_loss_function_wrapper_config_round_trip():
    @register_keras_serializable(package="LossTest")
    def scaled_mse(y_true, y_pred, scale=1.0):
        return ops.multiply(losses.mse(y_true, y_pred), scale)

    wrapper = losses.LossFunctionWrapper(scaled_mse, reduction="sum", name="scaled", scale=3.0)
    config = wrapper.get_config()
    assert config == {
        "name": "scaled",
        "reduction": "sum",
        "fn": {
            "module": "builtins",
            "class_name": "function",
            "config": "LossTest>scaled_mse",
            "registered_name": "function",
        },
        "scale": 3.0,
    }
    rebuilt = losses.LossFunctionWrapper.from_config(config)
    assert rebuilt.fn is scaled_mse
    np.testing.assert_allclose(
        _np(rebuilt(Y_TRUE, Y_PRED)), 3.0 * ((Y_TRUE - 1) ** 2).mean(-1).sum(), rtol=1e-6
    )
    builtin = losses.LossFunctionWrapper(losses.huber, delta=0.5)
    assert losses.LossFunctionWrapper.from_config(builtin.get_config()).fn is losses.huber
    assert builtin.name.startswith("loss_function_wrapper")


def test_shape_mismatch_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"y_true.shape=\(3, 4\).*y_pred.shape=\(3, 5\)"):
        losses.MeanSquaredError()(Y_TRUE, np.ones((3, 5), "float32"))
    with pytest.raises(ValueError, match=r"y_true.shape=\(3, 4\).*y_pred.shape=\(3, 5\)"):
        losses.binary_crossentropy(Y_TRUE, np.full((3, 5), 0.5, "float32"))
    with pytest.raises(ValueError, match=r"y_true.shape=\(3, 2\).*y_pred.shape=\(3, 4\)"):
        losses.sparse_categorical_crossentropy(np.zeros((3, 2)), np.full((3, 4), 0.25, "float32"))
    with pytest.raises(ValueError, match="y_pred.shape"):
        losses.categorical_crossentropy(Y_TRUE, np.full((3, 5), 0.2, "float32"))


def test_sample_weight_broadcasting_and_reductions():
    per_sample = ((Y_TRUE - 1) ** 2).mean(-1)
    sw = np.array([1.0, 0.0, 2.0], dtype="float32")
    mse = losses.MeanSquaredError
    np.testing.assert_allclose(
        _np(mse()(Y_TRUE, Y_PRED, sample_weight=sw)), (per_sample * sw).sum() / 3, rtol=1e-6
    )
    np.testing.assert_allclose(
        _np(mse()(Y_TRUE, Y_PRED, sample_weight=sw[:, None])),
        (per_sample * sw).sum() / 3,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        _np(mse(reduction="mean_with_sample_weight")(Y_TRUE, Y_PRED, sample_weight=sw)),
        (per_sample * sw).sum() / 3.0,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        _np(mse(reduction="none")(Y_TRUE, Y_PRED, sample_weight=sw)), per_sample * sw, rtol=1e-6
    )
    np.testing.assert_allclose(
        _np(mse(reduction="sum")(Y_TRUE, Y_PRED, sample_weight=2.0)),
        2 * per_sample.sum(),
        rtol=1e-6,
    )
    zero = mse(reduction="mean_with_sample_weight")(
        Y_TRUE, Y_PRED, sample_weight=np.zeros(3, "float32")
    )
    assert float(_np(zero)) == 0.0  # divide_no_nan


def test_ignore_class_averages_over_valid_entries():
    labels = np.array([0, 1, 1, 2], dtype="int32")
    probs = np.full((4, 3), 1 / 3, dtype="float32")
    out = losses.SparseCategoricalCrossentropy(ignore_class=1)(labels, probs)
    np.testing.assert_allclose(_np(out), np.log(3.0), rtol=1e-6)
    per = losses.sparse_categorical_crossentropy(labels, probs, ignore_class=1)
    np.testing.assert_allclose(_np(per), [np.log(3), 0, 0, np.log(3)], rtol=1e-6)


def test_compute_dtype():
    out = losses.MeanSquaredError(dtype="float16")(Y_TRUE, Y_PRED)
    assert ops.dtype(out) == "float16"
    np.testing.assert_allclose(_np(out), ((Y_TRUE - 1) ** 2).mean(), rtol=1e-3)


@requires_training
@pytest.mark.parametrize(
    "name", ["MeanSquaredError", "CategoricalCrossentropy", "Huber", "BinaryFocalCrossentropy"]
)
def test_gradients_match_finite_differences(name):
    B = kerasx._backend.B
    rng = np.random.default_rng(0)
    y_true = np.eye(4, dtype="float32")[[0, 2, 3]]
    y_pred = rng.uniform(0.1, 0.9, size=(3, 4)).astype("float64")
    loss = getattr(losses, name)()

    def f(p):
        return loss(y_true, p)

    _, grad = B.value_and_grad(f)(ops.convert_to_tensor(y_pred.astype("float32")))
    grad = _np(grad)
    numeric = np.zeros_like(y_pred)
    h = 1e-3
    for idx in np.ndindex(*y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (
            float(_np(f(up.astype("float32")))) - float(_np(f(down.astype("float32"))))
        ) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=2e-2, atol=2e-3)


@pytest.mark.parametrize(
    "name,kwargs,make",
    [
        (
            "MeanSquaredError",
            {},
            lambda n: (
                np.ones((n, 3), "float32"),
                np.arange(3 * n, dtype="float32").reshape(n, 3) / 7,
            ),
        ),
        (
            "SparseCategoricalCrossentropy",
            {"from_logits": True, "ignore_class": 0},
            lambda n: (
                np.arange(2 * n).reshape(n, 2) % 3,
                np.linspace(-2, 2, 6 * n, dtype="float32").reshape(n, 2, 3),
            ),
        ),
        (
            "Circle",
            {},
            lambda n: (np.arange(n) % 2, np.linspace(-1, 1, 3 * n, dtype="float32").reshape(n, 3)),
        ),
        (
            "CTC",
            {},
            lambda n: (
                np.tile([[1, 2, 0]], (n, 1)),
                np.linspace(-1, 1, 20 * n, dtype="float32").reshape(n, 5, 4),
            ),
        ),
    ],
)
def test_losses_compile_with_changing_batch_size(name, kwargs, make):
    B = kerasx._backend.B
    loss = getattr(losses, name)(**kwargs)
    compiled = B.compile_function(lambda t, p: loss(t, p))
    for n in (4, 6, 3):
        y_true, y_pred = make(n)
        eager = _np(loss(y_true, y_pred))
        np.testing.assert_allclose(
            _np(compiled(ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred))),
            eager,
            rtol=1e-5,
            atol=1e-6,
        )
