"""Gradients through ``Backend.value_and_grad`` against float64 finite differences.

For each case, ``L(args) = sum(op(args) * W)`` with a fixed random weight ``W`` is
differentiated by the backend (float32) and, by central differences, through the
case's float64 NumPy reference.  Inputs stay away from kinks (relu at 0, ties in max...).
The NumPy backend is inference-only: it must raise ``TrainingNotSupportedError``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from kerasx import ops
from kerasx.backends import TrainingNotSupportedError

from . import references as R
from .helpers import BACKEND, COVERED, TRAINABLE, B, away, d, f32, i32, numeric_grad, rnd, to_numpy


@dataclasses.dataclass
class G:
    op: str
    call: Callable[..., Any]  # kerasx ops on backend tensors
    ref: Callable[..., Any]  # float64 NumPy on arrays
    args: tuple[Any, ...]
    diff: tuple[int, ...] | None = None  # positions to differentiate (default: float arrays)
    tol: tuple[float, float] = (2e-3, 2e-4)
    id: str = ""

    def __post_init__(self) -> None:
        COVERED.add(self.op)
        if self.diff is None:
            self.diff = tuple(
                i
                for i, a in enumerate(self.args)
                if isinstance(a, np.ndarray) and a.dtype.kind == "f"
            )


def un(op, ref, x=None, **kw):
    x = rnd(2, 3) if x is None else x
    fn = getattr(ops, op)
    return G(op, lambda a: fn(a, **kw), lambda a: ref(d(a)), (x,), id=str(kw) if kw else "")


XA = away(rnd(2, 3), 0.2)
XP = rnd(2, 3, lo=0.3, hi=2.0)
XU = rnd(2, 3, lo=-0.8, hi=0.8)
M1, M2 = rnd(3, 4), rnd(4, 2)
LOGITS = rnd(3, 4)
ONEHOT = np.eye(4, dtype=np.float32)[[1, 3, 0]]
X3 = rnd(2, 3, 4)

GRADS = [
    # elementwise maths
    un("exp", np.exp),
    un("log", np.log, XP),
    un("log1p", np.log1p, XP),
    un("expm1", np.expm1),
    un("sqrt", np.sqrt, XP),
    un("rsqrt", lambda a: 1 / np.sqrt(a), XP),
    un("reciprocal", lambda a: 1 / a, XP),
    un("square", np.square),
    un("abs", np.abs, XA),
    un("negative", np.negative),
    un("sin", np.sin),
    un("cos", np.cos),
    un("tan", np.tan, XU),
    un("arctan", np.arctan),
    un("arcsin", np.arcsin, XU),
    un("sinh", np.sinh),
    un("tanh", np.tanh),
    un("erf", R.erf),
    G("add", ops.add, np.add, (rnd(2, 3), rnd(1, 3)), id="broadcast"),
    G("subtract", ops.subtract, np.subtract, (rnd(2, 3), rnd(3))),
    G("multiply", ops.multiply, np.multiply, (rnd(2, 3), rnd(2, 1))),
    G("divide", ops.divide, np.divide, (rnd(2, 3), rnd(3, lo=0.5, hi=2.0))),
    G("power", ops.power, np.power, (XP, rnd(2, 3))),
    G("maximum", ops.maximum, np.maximum, (f32([[1.0, -2.0, 0.5]]), f32([[0.0, -1.0, 2.0]]))),
    G("minimum", ops.minimum, np.minimum, (f32([[1.0, -2.0, 0.5]]), f32([[0.0, -1.0, 2.0]]))),
    G(
        "where",
        lambda a, b: ops.where(np.array([[True, False, True]]), a, b),
        lambda a, b: np.where([[True, False, True]], a, b),
        (rnd(2, 3), rnd(2, 3)),
    ),
    G(
        "clip",
        lambda a: ops.clip(a, -0.5, 0.5),
        lambda a: np.clip(a, -0.5, 0.5),
        (f32([[-1.0, -0.3, 0.2, 0.9]]),),
    ),
    # activations
    un("relu", lambda a: np.maximum(a, 0), XA),
    un("relu6", lambda a: np.clip(a, 0, 6), XA * 4),
    un("sigmoid", R.sigmoid),
    un("log_sigmoid", lambda a: -R.softplus(-a)),
    un("softplus", R.softplus),
    un("softsign", lambda a: a / (1 + np.abs(a)), XA),
    un("silu", lambda a: a * R.sigmoid(a)),
    un("gelu", R.gelu),
    un("gelu", lambda a: R.gelu(a, False), approximate=False),
    un("elu", R.elu, XA),
    un("selu", lambda a: 1.0507009873554805 * R.elu(a, 1.6732632423543772), XA),
    un("leaky_relu", lambda a: np.where(a >= 0, a, 0.2 * a), XA),
    un("softmax", R.softmax, LOGITS),
    un("softmax", lambda a: R.softmax(a, 0), LOGITS, axis=0),
    un("log_softmax", R.log_softmax, LOGITS),
    # reductions
    un("sum", lambda a: np.sum(a, axis=1), axis=1),
    un("mean", np.mean),
    un("max", lambda a: np.max(a, axis=0), f32([[1.0, 5.0, -2.0], [3.0, 0.5, -1.0]]), axis=0),
    un("min", np.min, f32([[1.0, 5.0, -2.0], [3.0, 0.5, -1.0]])),
    un("prod", lambda a: np.prod(a, axis=-1), XA, axis=-1),
    un("var", lambda a: np.var(a, axis=1), axis=1),
    un("std", np.std),
    un("logsumexp", lambda a: R.logsumexp(a, axis=-1), axis=-1),
    un("cumsum", lambda a: np.cumsum(a, axis=1), axis=1),
    un("cumprod", lambda a: np.cumprod(a, axis=1), XA, axis=1),
    un("norm", lambda a: np.linalg.norm(a, axis=-1), XA, axis=-1),
    # products
    G("matmul", ops.matmul, lambda a, b: a @ b, (M1, M2)),
    G("matmul", ops.matmul, lambda a, b: a @ b, (rnd(2, 2, 3), rnd(3, 2)), id="batched"),
    G(
        "einsum",
        lambda a, b: ops.einsum("bij,jk->bik", a, b),
        lambda a, b: np.einsum("bij,jk->bik", a, b),
        (rnd(2, 2, 3), rnd(3, 2)),
    ),
    G(
        "tensordot",
        lambda a, b: ops.tensordot(a, b, axes=([1], [0])),
        lambda a, b: np.tensordot(a, b, ([1], [0])),
        (M1, M2),
    ),
    G("dot", ops.dot, np.dot, (rnd(4), M2)),
    G("outer", ops.outer, np.outer, (rnd(3), rnd(2))),
    # losses and normalisation
    G(
        "binary_crossentropy",
        ops.binary_crossentropy,
        R.binary_crossentropy,
        (rnd(2, 3, lo=0, hi=1), rnd(2, 3, lo=0.1, hi=0.9)),
        diff=(1,),
    ),
    G(
        "binary_crossentropy",
        lambda t, o: ops.binary_crossentropy(t, o, from_logits=True),
        lambda t, o: R.binary_crossentropy(t, o, True),
        (rnd(2, 3, lo=0, hi=1), rnd(2, 3)),
        diff=(1,),
        id="logits",
    ),
    G(
        "categorical_crossentropy",
        lambda t, o: ops.categorical_crossentropy(t, o, from_logits=True),
        lambda t, o: R.categorical_crossentropy(t, o, True),
        (ONEHOT, LOGITS),
        diff=(1,),
    ),
    G(
        "categorical_crossentropy",
        ops.categorical_crossentropy,
        R.categorical_crossentropy,
        (ONEHOT, rnd(3, 4, lo=0.1, hi=1.0)),
        diff=(1,),
        id="probs",
    ),
    G(
        "sparse_categorical_crossentropy",
        lambda t, o: ops.sparse_categorical_crossentropy(t, o, from_logits=True),
        lambda t, o: R.sparse_categorical_crossentropy(t, o, True),
        (i32([1, 3, 0]), LOGITS),
    ),
    G(
        "layer_normalization",
        lambda x, g, b: ops.layer_normalization(x, g, b, epsilon=1e-3),
        lambda x, g, b: (
            (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3) * g + b
        ),
        (X3, rnd(4), rnd(4)),
    ),
    G(
        "batch_normalization",
        lambda x, m, v, s: ops.batch_normalization(x, m, v, -1, scale=s),
        lambda x, m, v, s: (x - m) / np.sqrt(v + 1e-3) * s,
        (X3, rnd(4), rnd(4, lo=0.5, hi=2), rnd(4)),
    ),
    G(
        "rms_normalization",
        lambda x, s: ops.rms_normalization(x, s, epsilon=1e-5),
        lambda x, s: x / np.sqrt(np.mean(x * x, -1, keepdims=True) + 1e-5) * s,
        (X3, rnd(4)),
    ),
    G("normalize", ops.normalize, lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True), (X3,)),
    G("moments", lambda x: ops.moments(x, [0, 1])[1], lambda x: np.var(x, axis=(0, 1)), (X3,)),
    G(
        "dot_product_attention",
        ops.dot_product_attention,
        R.attention,
        (rnd(1, 3, 2, 2), rnd(1, 3, 2, 2), rnd(1, 3, 2, 2)),
    ),
    # convolution and pooling
    G(
        "conv",
        lambda x, k: ops.conv(x, k, padding="same", strides=2),
        lambda x, k: R.conv(x, k, 2, "same"),
        (rnd(1, 5, 4, 2), rnd(3, 3, 2, 2)),
    ),
    G(
        "conv",
        lambda x, k: ops.conv(x, k, dilation_rate=2),
        lambda x, k: R.conv(x, k, dilation_rate=2),
        (rnd(1, 7, 2), rnd(2, 2, 3)),
        id="1d",
    ),
    G(
        "depthwise_conv",
        lambda x, k: ops.depthwise_conv(x, k, padding="same"),
        lambda x, k: R.depthwise_conv(x, k, padding="same"),
        (rnd(1, 4, 4, 2), rnd(2, 2, 2, 2)),
    ),
    G(
        "separable_conv",
        ops.separable_conv,
        R.separable_conv,
        (rnd(1, 4, 4, 2), rnd(2, 2, 2, 1), rnd(1, 1, 2, 3)),
    ),
    G(
        "conv_transpose",
        lambda x, k: ops.conv_transpose(x, k, strides=2, padding="same"),
        lambda x, k: R.conv_transpose(x, k, 2, "same"),
        (rnd(1, 3, 3, 2), rnd(3, 3, 2, 2)),
    ),
    G(
        "max_pool",
        lambda x: ops.max_pool(x, 2, strides=2),
        lambda x: R.max_pool(x, 2, 2),
        (rnd(1, 4, 4, 2),),
    ),
    G(
        "average_pool",
        lambda x: ops.average_pool(x, 3, strides=2, padding="same"),
        lambda x: R.average_pool(x, 3, 2, "same"),
        (rnd(1, 5, 4, 2),),
    ),
    # shape, indexing, gathers
    G(
        "take",
        lambda x: ops.take(x, i32([2, 0, 2]), axis=1),
        lambda x: np.take(x, [2, 0, 2], 1),
        (rnd(2, 3),),
    ),
    G(
        "take_along_axis",
        lambda x: ops.take_along_axis(x, i32([[0, 0], [2, 1]]), axis=1),
        lambda x: np.take_along_axis(x, np.array([[0, 0], [2, 1]]), 1),
        (rnd(2, 3),),
    ),
    G(
        "concatenate",
        lambda a, b: ops.concatenate([a, b], axis=1),
        lambda a, b: np.concatenate([a, b], 1),
        (rnd(2, 3), rnd(2, 2)),
    ),
    G(
        "stack",
        lambda a, b: ops.stack([a, b], axis=-1),
        lambda a, b: np.stack([a, b], -1),
        (rnd(2, 3), rnd(2, 3)),
    ),
    G("reshape", lambda x: ops.reshape(x, (3, 2)), lambda x: x.reshape(3, 2), (rnd(2, 3),)),
    G("transpose", lambda x: ops.transpose(x, (2, 0, 1)), lambda x: x.transpose(2, 0, 1), (X3,)),
    G("expand_dims", lambda x: ops.expand_dims(x, 1), lambda x: x[:, None], (rnd(2, 3),)),
    G("squeeze", lambda x: ops.squeeze(x, 1), lambda x: x[:, 0], (rnd(2, 1, 3),)),
    G(
        "broadcast_to",
        lambda x: ops.broadcast_to(x, (2, 3)),
        lambda x: np.broadcast_to(x, (2, 3)),
        (rnd(3),),
    ),
    G(
        "pad",
        lambda x: ops.pad(x, [(1, 0), (2, 1)], mode="reflect"),
        lambda x: np.pad(x, [(1, 0), (2, 1)], mode="reflect"),
        (rnd(3, 4),),
    ),
    G("tile", lambda x: ops.tile(x, (2, 1)), lambda x: np.tile(x, (2, 1)), (rnd(2, 3),)),
    G("repeat", lambda x: ops.repeat(x, 2, axis=0), lambda x: np.repeat(x, 2, 0), (rnd(2, 3),)),
    G("flip", lambda x: ops.flip(x, axis=1), lambda x: np.flip(x, 1), (rnd(2, 3),)),
    G("roll", lambda x: ops.roll(x, 1, axis=1), lambda x: np.roll(x, 1, 1), (rnd(2, 3),)),
    G("slice", lambda x: ops.slice(x, (0, 1), (2, 2)), lambda x: x[0:2, 1:3], (rnd(3, 4),)),
    G(
        "slice_update",
        lambda x, u: ops.slice_update(x, (1, 1), u),
        lambda x, u: np.concatenate([x[:1], np.concatenate([x[1:, :1], u, x[1:, 3:]], 1)]),
        (rnd(3, 4), rnd(2, 2)),
    ),
    G(
        "scatter",
        lambda v: ops.scatter(i32([[0], [2], [0]]), v, (4, 2)),
        lambda v: np.stack([v[0] + v[2], 0 * v[0], v[1], 0 * v[0]]),
        (rnd(3, 2),),
    ),
    G(
        "segment_sum",
        lambda x: ops.segment_sum(x, i32([0, 1, 0]), num_segments=2),
        lambda x: np.stack([x[0] + x[2], x[1]]),
        (rnd(3, 2),),
    ),
    # linear algebra
    G("inv", ops.inv, np.linalg.inv, (rnd(3, 3) + 3 * np.eye(3, dtype=np.float32),)),
    G(
        "solve",
        ops.solve,
        np.linalg.solve,
        (rnd(3, 3) + 3 * np.eye(3, dtype=np.float32), rnd(3, 2)),
    ),
    G("det", ops.det, np.linalg.det, (rnd(3, 3) + 2 * np.eye(3, dtype=np.float32),)),
]


def _ids():
    seen: dict[str, int] = {}
    out = []
    for g in GRADS:
        base = f"{g.op}-{g.id}" if g.id else g.op
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return out


def _compiled(fn):
    """On JAX, compile the gradient function: one XLA compilation per case is much
    cheaper than compiling every primitive of the forward and backward pass eagerly.
    (The other backends run eagerly; tf.function retracing would cost more.)"""
    return B.compile_function(fn) if BACKEND == "jax" else fn


needs_training = pytest.mark.skipif(not TRAINABLE, reason="inference-only backend")


@needs_training
@pytest.mark.parametrize("case", GRADS, ids=_ids())
def test_gradient_matches_finite_differences(case: G):
    ref_out = np.asarray(
        case.ref(*[d(a) if i in case.diff else a for i, a in enumerate(case.args)]), np.float64
    )
    weight = np.random.default_rng(99).uniform(0.5, 1.5, ref_out.shape) * np.where(
        np.arange(ref_out.size).reshape(ref_out.shape) % 2, -1, 1
    )
    w = ops.convert_to_tensor(weight.astype(np.float32))
    tensors = [ops.convert_to_tensor(a) if isinstance(a, np.ndarray) else a for a in case.args]

    def loss(*diff_args):
        full = list(tensors)
        for pos, t in zip(case.diff, diff_args):
            full[pos] = t
        return ops.sum(ops.multiply(case.call(*full), w))

    inputs = [tensors[i] for i in case.diff]
    if len(inputs) == 1:  # default argnums=0: a single gradient
        value, grad = _compiled(B.value_and_grad(loss))(*inputs)
        grads = (grad,)
    else:  # a sequence of argnums: a tuple of gradients
        value, grads = _compiled(B.value_and_grad(loss, argnums=tuple(range(len(inputs)))))(*inputs)
    assert len(grads) == len(case.diff)

    def ref_loss(*args):
        return float(np.sum(np.asarray(case.ref(*args), np.float64) * weight))

    np.testing.assert_allclose(
        float(to_numpy(value)), ref_loss(*case.args), rtol=1e-4, atol=1e-4, err_msg="loss value"
    )
    for pos, g in zip(case.diff, grads):
        num = numeric_grad(ref_loss, list(case.args), pos)
        got = to_numpy(g)
        assert got.shape == num.shape, f"grad shape {got.shape} != {num.shape} for argument {pos}"
        rtol, atol = case.tol
        np.testing.assert_allclose(
            got,
            num,
            rtol=rtol,
            atol=atol * max(1.0, float(np.abs(num).max())),
            err_msg=f"gradient of argument {pos}",
        )


@needs_training
def test_value_and_grad_pytrees_aux_and_stop_gradient():
    COVERED.add("stop_gradient")
    params = {"w": ops.convert_to_tensor(f32([1.0, 2.0])), "b": ops.convert_to_tensor(f32(0.5))}
    x = ops.convert_to_tensor(f32([3.0, -1.0]))

    def loss(p, x):
        y = ops.add(ops.multiply(p["w"], x), p["b"])
        return ops.sum(ops.square(y)), {"y": y}

    (value, aux), grads = B.value_and_grad(loss, argnums=0, has_aux=True)(params, x)
    np.testing.assert_allclose(float(to_numpy(value)), 3.5**2 + 1.5**2, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(aux["y"]), [3.5, -1.5], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(grads["w"]), [2 * 3.5 * 3.0, 2 * -1.5 * -1.0], rtol=1e-5)
    np.testing.assert_allclose(float(to_numpy(grads["b"])), 2 * 3.5 + 2 * -1.5, rtol=1e-5)
    _, (gw, gx) = B.value_and_grad(lambda p, x: ops.sum(ops.multiply(p, x)), argnums=(0, 1))(
        params["w"], x
    )
    np.testing.assert_allclose(to_numpy(gw), [3.0, -1.0])
    np.testing.assert_allclose(to_numpy(gx), [1.0, 2.0])
    _, g = B.value_and_grad(lambda t: ops.sum(ops.multiply(ops.stop_gradient(t), t)))(x)
    np.testing.assert_allclose(to_numpy(g), [3.0, -1.0])
    _, g = B.value_and_grad(lambda t, u: ops.sum(t), argnums=1)(
        x, ops.convert_to_tensor(f32([1.0]))
    )
    np.testing.assert_allclose(to_numpy(g), [0.0])  # unused argument -> zeros


@pytest.mark.skipif(TRAINABLE, reason="only inference-only backends refuse gradients")
def test_numpy_backend_refuses_gradients():
    x = ops.convert_to_tensor(f32([1.0, 2.0]))
    with pytest.raises(TrainingNotSupportedError):
        B.value_and_grad(lambda t: ops.sum(ops.square(t)))(x)


def test_curated_list_is_large_enough():
    assert len({g.op for g in GRADS}) >= 40
