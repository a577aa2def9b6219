"""Custom training: overriding train_step / test_step / compute_loss portably, and the
native escape hatches of each framework (GradientTape, loss.backward(), jax.grad).

The reference is linear regression with plain gradient descent written in NumPy: a
Dense(1) layer with zero initial weights trained by SGD on mean squared error has an
exactly known trajectory.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.conftest import BACKEND, requires_training

import kerasx
from kerasx import layers, ops

pytestmark = requires_training

RNG = np.random.default_rng(5)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")
LR = 0.1


def numpy_sgd(steps: int, batch: int = 16, extra_l2: float = 0.0):
    """Reference trajectory: w, b after ``steps`` full passes of mini-batch SGD on MSE."""
    w = np.zeros((3, 1), "float64")
    b = np.zeros((1,), "float64")
    for _ in range(steps):
        for i in range(0, len(X), batch):
            x, y = X[i : i + batch].astype("float64"), Y[i : i + batch].astype("float64")
            err = x @ w + b - y
            gw = 2 * x.T @ err / err.size + 2 * extra_l2 * w
            gb = 2 * err.sum(axis=0) / err.size
            w, b = w - LR * gw, b - LR * gb
    return w, b


def _dense():
    return layers.Dense(1, kernel_initializer="zeros", bias_initializer="zeros")


class PortableModel(kerasx.Model):
    """A custom train_step written only with kerasx APIs (runs on every backend)."""

    def __init__(self):
        super().__init__()
        self.dense = _dense()
        self.loss_tracker = kerasx.metrics.Mean(name="loss")
        self.mae = kerasx.metrics.MeanAbsoluteError(name="mae")

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        x, y = data

        def loss_fn():
            pred = self(x, training=True)
            return ops.mean(ops.square(pred - y))

        loss, grads = kerasx.value_and_grad(loss_fn, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        self.mae.update_state(y, self(x))
        return {"loss": self.loss_tracker.result(), "mae": self.mae.result()}

    def test_step(self, data):
        x, y = data
        self.mae.update_state(y, self(x))
        return {"mae": self.mae.result()}


def _assert_dense(dense, steps, **kw):
    w, b = numpy_sgd(steps, **kw)
    np.testing.assert_allclose(ops.convert_to_numpy(dense.kernel), w, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(dense.bias), b, rtol=1e-4, atol=1e-5)


def test_custom_train_step_with_portable_gradients():
    model = PortableModel()
    model.compile(optimizer=kerasx.optimizers.SGD(LR))
    history = model.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    _assert_dense(model.dense, 3)
    assert set(history.history) == {"loss", "mae"}
    # Metrics held as attributes are found and reset each epoch: the last epoch's MAE
    # equals the MAE of the weights reached after its own step.
    assert history.history["loss"][0] > history.history["loss"][-1]
    result = model.evaluate(X, Y, verbose=0, return_dict=True)
    pred = X @ numpy_sgd(3)[0] + numpy_sgd(3)[1]
    assert result["mae"] == pytest.approx(float(np.abs(pred - Y).mean()), rel=1e-4)


def test_compute_loss_override_adds_a_penalty():
    class Penalised(kerasx.Model):
        def __init__(self):
            super().__init__()
            self.dense = _dense()

        def call(self, x):
            return self.dense(x)

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            base = super().compute_loss(x, y, y_pred, sample_weight, training=training)
            return base + 0.05 * ops.sum(ops.square(self.dense.kernel))

    model = Penalised()
    model.compile(optimizer=kerasx.optimizers.SGD(LR), loss="mse")
    model.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    _assert_dense(model.dense, 2, batch=8, extra_l2=0.05)


def test_stateless_call_and_value_and_grad_outside_fit():
    """Flax/Equinox style: state pulled out as arrays, a pure loss of those arrays."""
    model = kerasx.Sequential([kerasx.Input((3,)), _dense()])
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    out, _ = model.stateless_call(trainable, non_trainable, X)
    np.testing.assert_allclose(ops.convert_to_numpy(out), np.zeros((16, 1)))
    optimizer = kerasx.optimizers.SGD(LR)
    for _ in range(2):
        loss, grads = kerasx.value_and_grad(
            lambda: ops.mean(ops.square(ops.subtract(model(X), Y))), model.trainable_variables
        )
        optimizer.apply(grads, model.trainable_variables)
    _assert_dense(model.layers[0], 2)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="GradientTape is TensorFlow's own API")
def test_native_gradient_tape():
    import tensorflow as tf

    model = kerasx.Sequential([kerasx.Input((3,)), _dense()])
    optimizer = kerasx.optimizers.SGD(LR)
    for _ in range(2):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(X) - Y))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
    _assert_dense(model.layers[0], 2)


@pytest.mark.skipif(BACKEND != "torch", reason="loss.backward() is PyTorch's own API")
def test_native_torch_backward():
    import torch

    model = kerasx.Sequential([kerasx.Input((3,)), _dense()])
    params = [v.value for v in model.trainable_weights]
    assert all(isinstance(p, torch.nn.Parameter) for p in params)
    torch_opt = torch.optim.SGD(params, lr=LR)
    for _ in range(2):
        torch_opt.zero_grad()
        loss = torch.mean(torch.square(model(X) - torch.from_numpy(Y)))
        loss.backward()
        torch_opt.step()
    _assert_dense(model.layers[0], 2)


@pytest.mark.skipif(BACKEND != "jax", reason="jax.grad is JAX's own API")
def test_native_jax_grad_over_stateless_call():
    import jax

    model = kerasx.Sequential([kerasx.Input((3,)), _dense()])
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]

    @jax.jit
    def step(tv, ntv):
        def loss_fn(tv):
            pred, _ = model.stateless_call(tv, ntv, X)
            return jax.numpy.mean(jax.numpy.square(pred - Y))

        grads = jax.grad(loss_fn)(tv)
        return [v - LR * g for v, g in zip(tv, grads)]

    for _ in range(2):
        trainable = step(trainable, non_trainable)
    for var, value in zip(model.trainable_variables, trainable):
        var.assign(value)
    _assert_dense(model.layers[0], 2)
