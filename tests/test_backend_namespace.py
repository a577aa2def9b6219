"""kerasx.backend's tf.keras K functions, each checked against NumPy maths."""

from __future__ import annotations

import numpy as np
import pytest

import kerasx
from kerasx import backend as K
from kerasx.engine.variable import Variable

X = np.array([[0.5, -1.0, 2.0], [3.0, -0.25, 1.5]], dtype="float32")
Y = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]], dtype="float32")


def npv(x):
    return np.asarray(K.eval(x))


REDUCTIONS = [
    (K.mean, np.mean),
    (K.sum, np.sum),
    (K.max, np.max),
    (K.min, np.min),
    (K.prod, np.prod),
    (K.std, np.std),
    (K.var, np.var),
]


@pytest.mark.parametrize("fn,ref", REDUCTIONS, ids=lambda f: getattr(f, "__name__", ""))
def test_reductions(fn, ref):
    np.testing.assert_allclose(npv(fn(X)), ref(X), rtol=1e-5)
    np.testing.assert_allclose(
        npv(fn(X, axis=1, keepdims=True)), ref(X, axis=1, keepdims=True), rtol=1e-5
    )


ELEMENTWISE = [
    (K.square, np.square),
    (K.exp, np.exp),
    (K.abs, np.abs),
    (K.sign, np.sign),
    (K.sin, np.sin),
    (K.tanh, np.tanh),
    (K.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    (K.softplus, lambda x: np.log1p(np.exp(x))),
    (K.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    (K.sqrt, lambda x: np.sqrt(np.maximum(x, 0))),  # tf.keras clamps negatives
    (K.transpose, np.transpose),
    (K.flatten, np.ravel),
]


@pytest.mark.parametrize("fn,ref", ELEMENTWISE, ids=lambda f: getattr(f, "__name__", ""))
def test_elementwise(fn, ref):
    np.testing.assert_allclose(npv(fn(X)), ref(X), rtol=1e-5, atol=1e-6)


def test_log_clip_cast_argmax():
    np.testing.assert_allclose(npv(K.log(np.abs(X))), np.log(np.abs(X)), rtol=1e-5)
    np.testing.assert_allclose(npv(K.clip(X, -0.5, 1.0)), np.clip(X, -0.5, 1.0))
    # max below min: tf.keras raises max to min instead of failing
    np.testing.assert_allclose(npv(K.clip(X, 1.0, 0.0)), np.full_like(X, 1.0))
    assert K.dtype(K.cast(X, "int32")) == "int32"
    np.testing.assert_array_equal(npv(K.argmax(X)), np.argmax(X, axis=-1))
    np.testing.assert_array_equal(npv(K.argmin(X, axis=0)), np.argmin(X, axis=0))


def test_shapes_and_layout():
    assert K.int_shape(X) == (2, 3)
    assert K.ndim(X) == 2
    assert tuple(K.shape(X)) == (2, 3)
    assert K.int_shape(kerasx.Input((None, 4))) == (None, None, 4)
    assert K.is_keras_tensor(kerasx.Input((4,))) and not K.is_keras_tensor(X)
    np.testing.assert_array_equal(npv(K.concatenate([X, X], axis=0)), np.concatenate([X, X], 0))
    np.testing.assert_array_equal(npv(K.reshape(X, (3, 2))), X.reshape(3, 2))
    np.testing.assert_array_equal(npv(K.expand_dims(X)), X[..., None])
    np.testing.assert_array_equal(npv(K.squeeze(X[None], 0)), X)
    np.testing.assert_array_equal(npv(K.permute_dimensions(X, (1, 0))), X.T)
    np.testing.assert_array_equal(npv(K.repeat(X, 2)), np.stack([X, X], axis=1))
    np.testing.assert_array_equal(npv(K.repeat_elements(X, 2, 1)), np.repeat(X, 2, 1))
    np.testing.assert_array_equal(npv(K.batch_flatten(X[:, :, None])), X)
    np.testing.assert_array_equal(npv(K.gather(X, [1, 0, 1])), X[[1, 0, 1]])
    np.testing.assert_array_equal(npv(K.reverse(X, 1)), X[:, ::-1])
    np.testing.assert_array_equal(npv(K.one_hot(np.array([2, 0]), 3)), np.eye(3)[[2, 0]])
    np.testing.assert_array_equal(
        npv(K.temporal_padding(X[None], (1, 2))), np.pad(X[None], [(0, 0), (1, 2), (0, 0)])
    )


def test_creation_and_variables():
    np.testing.assert_array_equal(npv(K.zeros((2, 3))), np.zeros((2, 3)))
    ones = K.ones((2,), dtype="float32")
    assert isinstance(ones, Variable) and K.dtype(ones) == "float32"
    np.testing.assert_array_equal(npv(K.zeros_like(X)), np.zeros_like(X))
    np.testing.assert_array_equal(npv(K.ones_like(X)), np.ones_like(X))
    np.testing.assert_array_equal(npv(K.eye(3)), np.eye(3))
    np.testing.assert_array_equal(npv(K.constant(2.0, shape=(2, 2))), np.full((2, 2), 2.0))
    assert K.dtype(K.constant([1, 2])) == K.floatx()
    v = K.variable(X, name="kv")
    assert isinstance(v, Variable) and K.count_params(v) == 6
    np.testing.assert_array_equal(K.get_value(v), X)
    K.set_value(v, np.ones_like(X))
    K.batch_set_value([(v, 2 * np.ones_like(X))])
    np.testing.assert_array_equal(K.batch_get_value([v])[0], 2 * np.ones_like(X))
    K.update_add(v, np.ones_like(X))
    np.testing.assert_array_equal(K.eval(v), 3 * np.ones_like(X))
    K.moving_average_update(v, np.zeros_like(X), 0.9)
    np.testing.assert_allclose(K.eval(v), 2.7 * np.ones_like(X), rtol=1e-6)


def test_products():
    np.testing.assert_allclose(npv(K.dot(X, Y)), X @ Y, rtol=1e-5)
    a = np.arange(24, dtype="float32").reshape(2, 3, 4) / 10
    b = np.arange(40, dtype="float32").reshape(2, 4, 5) / 10
    ref = np.stack([a[i] @ b[i] for i in range(2)])
    np.testing.assert_allclose(npv(K.batch_dot(a, b)), ref, rtol=1e-5)
    bs = np.swapaxes(b, 1, 2)
    ref = np.stack([np.tensordot(a[i], bs[i], axes=([1], [1])) for i in range(2)])
    np.testing.assert_allclose(npv(K.batch_dot(a, bs, axes=(2, 2))), ref, rtol=1e-5)
    # two matrices: per-row dot products, kept as (batch, 1)
    ref = np.sum(X * X, axis=1, keepdims=True)
    np.testing.assert_allclose(npv(K.batch_dot(X, X, axes=1)), ref, rtol=1e-5)


def test_activations_and_losses():
    np.testing.assert_allclose(npv(K.relu(X)), np.maximum(X, 0))
    ref = np.where(X < 0.5, 0.1 * (X - 0.5), X)
    np.testing.assert_allclose(npv(K.relu(X, alpha=0.1, threshold=0.5)), ref, rtol=1e-6)
    np.testing.assert_allclose(
        npv(K.relu(X, alpha=0.1, max_value=2.0, threshold=0.5)), np.minimum(ref, 2.0), rtol=1e-6
    )
    e = np.exp(X - X.max(1, keepdims=True))
    p = e / e.sum(1, keepdims=True)
    np.testing.assert_allclose(npv(K.softmax(X)), p, rtol=1e-5)
    t = np.eye(3, dtype="float32")[[2, 0]]
    np.testing.assert_allclose(
        npv(K.categorical_crossentropy(t, p)), -np.sum(t * np.log(p), 1), rtol=1e-5
    )
    np.testing.assert_allclose(
        npv(K.categorical_crossentropy(t, X, from_logits=True)),
        -np.sum(t * np.log(p), 1),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        npv(K.sparse_categorical_crossentropy(np.array([2, 0]), p)),
        -np.log(p[[0, 1], [2, 0]]),
        rtol=1e-5,
    )
    q = 1 / (1 + np.exp(-X))
    tb = (X > 0).astype("float32")
    ref = -(tb * np.log(q) + (1 - tb) * np.log(1 - q))
    np.testing.assert_allclose(npv(K.binary_crossentropy(tb, q)), ref, rtol=1e-4)
    assert K.int_shape(K.binary_crossentropy(tb, q)) == X.shape  # element-wise, no reduction
    np.testing.assert_allclose(
        npv(K.l2_normalize(X, axis=1)), X / np.linalg.norm(X, axis=1, keepdims=True), rtol=1e-5
    )
    np.testing.assert_allclose(npv(K.switch(X > 0, X, -X)), np.abs(X))
    np.testing.assert_allclose(npv(K.stop_gradient(X)), X)


def test_random_and_settings():
    u = npv(K.random_uniform((200,), minval=-1.0, maxval=3.0, seed=3))
    assert u.shape == (200,) and u.min() >= -1.0 and u.max() < 3.0 and 0.5 < u.mean() < 1.5
    n = npv(K.random_normal((400,), mean=2.0, stddev=0.5, seed=4))
    assert abs(n.mean() - 2.0) < 0.15 and abs(n.std() - 0.5) < 0.1
    b = npv(K.random_bernoulli((400,), p=0.25, seed=5))
    assert set(np.unique(b)) <= {0.0, 1.0} and 0.15 < b.mean() < 0.35
    assert K.backend() == kerasx.config.backend()
    assert K.learning_phase() == 0
    old = K.epsilon()
    try:
        K.set_epsilon(1e-5)
        assert K.epsilon() == 1e-5
    finally:
        K.set_epsilon(old)
    assert K.image_data_format() in ("channels_last", "channels_first")
    K.clear_session()
    assert K.get_uid("kx") == 1 and K.get_uid("kx") == 2
    K.clear_session()
    assert K.get_uid("kx") == 1
    assert (
        K.is_float_dtype("bfloat16") and K.is_int_dtype("uint8") and not K.is_int_dtype("float32")
    )


def test_mixed_precision_namespace():
    from kerasx import mixed_precision, optimizers

    assert mixed_precision.LossScaleOptimizer is optimizers.LossScaleOptimizer
    try:
        mixed_precision.set_global_policy("mixed_float16")
        policy = mixed_precision.global_policy()
        assert isinstance(policy, mixed_precision.Policy)
        assert (policy.compute_dtype, policy.variable_dtype) == ("float16", "float32")
        layer = kerasx.layers.Dense(2)
        assert layer.compute_dtype == "float16"
    finally:
        mixed_precision.set_global_policy(None)
    assert mixed_precision.global_policy().name == K.floatx()
