"""Activations, softmax family, encodings, normalisation, losses and attention."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kerasx import ops

from . import references as R
from .helpers import (
    EXACT,
    SAME,
    C,
    L,
    T,
    check_output,
    covers,
    d,
    f32,
    i32,
    params,
    rnd,
    run_case,
    to_numpy,
)

X = rnd(3, 4, lo=-4, hi=4)
X3 = rnd(2, 3, 4)
I = rnd(3, 4, lo=-5, hi=6, dtype="int32")
E = np.zeros((0, 4), np.float32)


def act(op, fn, x=X, dtype=SAME, tol=T, id="", **kw):
    return C(op, x, lambda a: fn(d(a)), kw=kw, dtype=dtype, tol=tol, id=id)


SELU_A, SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
XS = f32([[-3.0, -1.2, -0.7, -0.3, 0.2, 0.6, 1.1, 3.0]])  # kinks avoided

ACTIVATIONS = [
    act("relu", lambda a: np.maximum(a, 0)),
    act("relu", lambda a: np.maximum(a, 0), I, tol=EXACT, id="int"),
    act("relu", lambda a: np.maximum(a, 0), E, id="empty"),
    act("relu6", lambda a: np.clip(a, 0, 6), X * 2),
    act("sigmoid", R.sigmoid),
    act("sigmoid", R.sigmoid, I, dtype="float32", id="int"),
    act("sigmoid", R.sigmoid, f32([-100.0, 100.0, 0.0]), id="saturate"),
    act("log_sigmoid", lambda a: -R.softplus(-a)),
    act("log_sigmoid", lambda a: -R.softplus(-a), f32([-50.0, 50.0]), id="extreme"),
    act("softplus", R.softplus),
    act("softplus", R.softplus, f32([-60.0, 60.0, 0.0]), id="extreme"),
    act("softsign", lambda a: a / (1 + np.abs(a))),
    act("silu", lambda a: a * R.sigmoid(a)),
    act("hard_sigmoid", lambda a: np.clip(a / 6 + 0.5, 0, 1)),
    act("hard_silu", lambda a: a * np.clip(a / 6 + 0.5, 0, 1)),
    act("hard_tanh", lambda a: np.clip(a, -1, 1), XS),
    act("hard_shrink", lambda a: np.where(np.abs(a) > 0.5, a, 0), XS),
    act(
        "hard_shrink", lambda a: np.where(np.abs(a) > 1.0, a, 0), XS, threshold=1.0, id="threshold"
    ),
    act("soft_shrink", lambda a: np.where(a > 0.5, a - 0.5, np.where(a < -0.5, a + 0.5, 0)), XS),
    act(
        "soft_shrink",
        lambda a: np.where(a > 1.0, a - 1.0, np.where(a < -1.0, a + 1.0, 0)),
        XS,
        threshold=1.0,
        id="threshold",
    ),
    act("tanh_shrink", lambda a: a - np.tanh(a)),
    act("leaky_relu", lambda a: np.where(a >= 0, a, 0.2 * a)),
    act("leaky_relu", lambda a: np.where(a >= 0, a, 0.05 * a), negative_slope=0.05, id="slope"),
    act("elu", R.elu),
    act("elu", lambda a: R.elu(a, 0.5), alpha=0.5, id="alpha"),
    act("selu", lambda a: SELU_S * R.elu(a, SELU_A)),
    act("celu", lambda a: np.maximum(a, 0) + np.expm1(np.minimum(a, 0))),
    act(
        "celu",
        lambda a: np.maximum(a, 0) + 2.0 * np.expm1(np.minimum(a, 0) / 2.0),
        alpha=2.0,
        id="alpha",
    ),
    act("gelu", R.gelu),
    act("gelu", lambda a: R.gelu(a, False), approximate=False, id="exact"),
    act("glu", lambda a: a[:, :2] * R.sigmoid(a[:, 2:])),
    act("glu", lambda a: a[:1] * R.sigmoid(a[1:]), X3[:, 0], axis=0, id="axis0"),
    act("squareplus", lambda a: (a + np.sqrt(a * a + 4)) / 2),
    act("squareplus", lambda a: (a + np.sqrt(a * a + 1)) / 2, b=1, id="b"),
    act(
        "sparse_plus", lambda a: np.where(a <= -1, 0, np.where(a >= 1, a, 0.25 * (a + 1) ** 2)), XS
    ),
    act("sparse_sigmoid", lambda a: np.clip(0.5 * (a + 1), 0, 1), XS),
    C("threshold", (XS, 0.5, -1.0), lambda a, t, v: np.where(a > t, a, v)),
    C("threshold", (I, 1, 0), lambda a, t, v: np.where(a > t, a, v), tol=EXACT, id="int"),
    act("softmax", R.softmax),
    act("softmax", lambda a: R.softmax(a, 0), axis=0, id="axis0"),
    act("softmax", lambda a: R.softmax(a, (1, 2)), X3, axis=(1, 2), id="tuple-axis"),
    act("softmax", R.softmax, f32([[1000.0, 1001.0, 999.0]]), id="large"),
    act("softmax", R.softmax, I, dtype="float32", id="int"),
    act("softmax", R.softmax, X.astype("float16"), tol=(2e-3, 2e-3), id="float16"),
    act("relu", lambda a: np.maximum(a, 0), X.astype("float16"), tol=EXACT, id="float16"),
    act("sigmoid", R.sigmoid, X.astype("float16"), tol=(2e-3, 2e-3), id="float16"),
    act("log_softmax", R.log_softmax),
    act("log_softmax", lambda a: R.log_softmax(a, 1), X3, axis=1, id="axis1"),
    act("log_softmax", R.log_softmax, f32([[1000.0, 0.0, -1000.0]]), id="large"),
    act("sparsemax", R.sparsemax, f32([[0.5, 0.3, -1.0, 2.0], [0.1, 0.2, 0.3, 0.15]])),
    act("sparsemax", lambda a: R.sparsemax(a, 0), X3[0], axis=0, id="axis0"),
]

ENCODING = [
    C("one_hot", (i32([0, 2, 1]), 3), lambda x, n: np.eye(n)[x], dtype="float32"),
    C(
        "one_hot",
        (i32([0, -1, 3, 1]), 3),
        f32([[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 1, 0]]),
        dtype="float32",
        id="out-of-range",
    ),
    C(
        "one_hot",
        (i32([[0, 2], [1, 1]]), 3),
        lambda x, n: np.moveaxis(np.eye(n)[x], -1, 0),
        kw={"axis": 0},
        dtype="float32",
        id="axis0",
    ),
    C(
        "one_hot",
        (i32([1, 0]), 2),
        i32([[0, 1], [1, 0]]),
        kw={"dtype": "int32"},
        dtype="int32",
        id="dtype",
    ),
    C("multi_hot", (i32([[0, 2], [1, 1]]), 4), f32([[1, 0, 1, 0], [0, 1, 0, 0]]), dtype="float32"),
    C("multi_hot", (i32([0, 3]), 4), f32([1, 0, 0, 1]), dtype="float32", id="1d"),
    C(
        "multi_hot",
        (i32([[3, 0, 0]]), 4),
        i32([[1, 0, 0, 1]]),
        kw={"dtype": "int32"},
        dtype="int32",
        id="dtype",
    ),
]

D2S = rnd(2, 2, 3, 8)
S2D = rnd(2, 4, 6, 3)


def _d2s_ref(x, bs=2):
    b, h, w, c = x.shape
    return (
        x.reshape(b, h, w, bs, bs, c // (bs * bs))
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(b, h * bs, w * bs, c // (bs * bs))
    )


def _s2d_ref(x, bs=2):
    b, h, w, c = x.shape
    return (
        x.reshape(b, h // bs, bs, w // bs, bs, c)
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(b, h // bs, w // bs, bs * bs * c)
    )


SPACE = [
    C("depth_to_space", (D2S, 2), lambda x, b: _d2s_ref(x, b), tol=EXACT),
    C("space_to_depth", (S2D, 2), lambda x, b: _s2d_ref(x, b), tol=EXACT),
]

SCALE, OFFSET = rnd(4, lo=0.5, hi=1.5), rnd(4)
NORMS = [
    C("moments", (X3, [0, 1]), lambda x, ax: R.moments(x, tuple(ax)), tol=L),
    C(
        "moments",
        (X3, [-1]),
        lambda x, ax: R.moments(x, -1, True),
        kw={"keepdims": True},
        tol=L,
        id="keepdims",
    ),
    C("moments", (X3, (0, 2)), lambda x, ax: R.moments(x, ax), tol=L, id="tuple"),
    C(
        "batch_normalization",
        (X3, f32([0.1, -0.2, 0.3, 0.0]), f32([1.0, 0.5, 2.0, 0.1]), -1),
        lambda x, m, v, ax: (d(x) - m) / np.sqrt(d(v) + 1e-3) * d(SCALE) + d(OFFSET),
        kw={"offset": OFFSET, "scale": SCALE},
        tol=L,
    ),
    C(
        "batch_normalization",
        (X3, f32([0.1, -0.2, 0.3]), f32([1.0, 0.5, 2.0]), 1),
        lambda x, m, v, ax: (d(x) - d(m)[:, None]) / np.sqrt(d(v)[:, None] + 0.01),
        kw={"epsilon": 0.01},
        tol=L,
        id="axis1-no-affine",
    ),
    C(
        "layer_normalization",
        (X3,),
        lambda x: (
            (d(x) - d(x).mean(-1, keepdims=True))
            / np.sqrt(d(x).var(-1, keepdims=True) + 1e-3)
            * d(SCALE)
            + d(OFFSET)
        ),
        kw={"gamma": SCALE, "beta": OFFSET, "epsilon": 1e-3},
        tol=L,
    ),
    C(
        "layer_normalization",
        (X3,),
        lambda x: (
            (d(x) - d(x).mean((1, 2), keepdims=True))
            / np.sqrt(d(x).var((1, 2), keepdims=True) + 1e-5)
        ),
        kw={"axis": (1, 2), "epsilon": 1e-5},
        tol=L,
        id="tuple-axis",
    ),
    # Keras 3: ops.layer_normalization's epsilon=None means backend.epsilon() (1e-7).
    C(
        "layer_normalization",
        (X3,),
        lambda x: (
            (d(x) - d(x).mean(-1, keepdims=True)) / np.sqrt(d(x).var(-1, keepdims=True) + 1e-7)
        ),
        tol=L,
        id="default-epsilon",
    ),
    C(
        "rms_normalization",
        (X3,),
        lambda x: d(x) / np.sqrt(np.mean(d(x) ** 2, -1, keepdims=True) + 1e-7) * d(SCALE),
        kw={"scale": SCALE},
        tol=L,
    ),
    C(
        "rms_normalization",
        (X3,),
        lambda x: d(x) / np.sqrt(np.mean(d(x) ** 2, 1, keepdims=True) + 0.1),
        kw={"axis": 1, "epsilon": 0.1},
        tol=L,
        id="axis-epsilon",
    ),
    C("normalize", X3, lambda x: d(x) / np.linalg.norm(d(x), axis=-1, keepdims=True), tol=L),
    C(
        "normalize",
        X3,
        lambda x: d(x) / np.abs(d(x)).sum(0, keepdims=True),
        kw={"axis": 0, "order": 1},
        tol=L,
        id="l1-axis0",
    ),
    C(
        "normalize",
        f32([[0.0, 0.0], [3.0, 4.0]]),
        f32([[0.0, 0.0], [0.6, 0.8]]),
        tol=L,
        id="zero-row",
    ),
]

P = rnd(3, 4, lo=0.05, hi=0.95)
TGT = rnd(3, 4, lo=0.0, hi=1.0)
LOGITS = rnd(3, 5, lo=-3, hi=3)
ONEHOT = np.eye(5, dtype=np.float32)[[1, 0, 4]]
PROBS = (R.softmax(LOGITS) * 1.3).astype(np.float32)  # unnormalised on purpose
LABELS = i32([1, 0, 4])
LOSSES = [
    C("binary_crossentropy", (TGT, P), R.binary_crossentropy, tol=L),
    C(
        "binary_crossentropy",
        (TGT, X),
        lambda t, o: R.binary_crossentropy(t, o, True),
        kw={"from_logits": True},
        tol=L,
        id="logits",
    ),
    C(
        "binary_crossentropy",
        (f32([1.0, 0.0]), f32([1.0, 0.0])),
        lambda t, o: R.binary_crossentropy(t, o),
        tol=(1e-3, 1e-5),
        id="clipped",
    ),
    C("categorical_crossentropy", (ONEHOT, PROBS), R.categorical_crossentropy, tol=L),
    C(
        "categorical_crossentropy",
        (ONEHOT, LOGITS),
        lambda t, o: R.categorical_crossentropy(t, o, True),
        kw={"from_logits": True},
        tol=L,
        id="logits",
    ),
    C(
        "categorical_crossentropy",
        (ONEHOT.T.copy(), LOGITS.T.copy()),
        lambda t, o: R.categorical_crossentropy(t, o, True, 0),
        kw={"from_logits": True, "axis": 0},
        tol=L,
        id="axis0",
    ),
    C(
        "sparse_categorical_crossentropy",
        (LABELS, PROBS),
        R.sparse_categorical_crossentropy,
        dtype="float32",
        tol=L,
    ),
    C(
        "sparse_categorical_crossentropy",
        (LABELS, LOGITS),
        lambda t, o: R.sparse_categorical_crossentropy(t, o, True),
        kw={"from_logits": True},
        dtype="float32",
        tol=L,
        id="logits",
    ),
    C(
        "sparse_categorical_crossentropy",
        (LABELS[:, None], LOGITS),
        lambda t, o: R.sparse_categorical_crossentropy(t[:, 0], o, True),
        kw={"from_logits": True},
        dtype="float32",
        tol=L,
        id="trailing-1",
    ),
    C(
        "psnr",
        (P, TGT, 1.0),
        lambda a, b, m: 20 * math.log10(m) - 10 * np.log10(np.mean((d(a) - d(b)) ** 2)),
        tol=L,
    ),
    C(
        "psnr",
        (P * 255, TGT * 255, 255.0),
        lambda a, b, m: 20 * math.log10(m) - 10 * np.log10(np.mean((d(a) - d(b)) ** 2)),
        tol=L,
        id="255",
    ),
]

Q, K, V = rnd(2, 3, 2, 4), rnd(2, 3, 2, 4), rnd(2, 3, 2, 4)
KL, VL = rnd(2, 5, 2, 4), rnd(2, 5, 2, 4)
MASK = rnd(2, 1, 3, 5, dtype="bool")
MASK[..., 0] = True  # no fully-masked row
BIAS = rnd(1, 2, 3, 5)
ATTENTION = [
    C("dot_product_attention", (Q, K, V), R.attention, tol=L),
    C(
        "dot_product_attention",
        (Q, KL, VL),
        lambda q, k, v: R.attention(q, k, v, bias=BIAS, mask=MASK),
        kw={"bias": BIAS, "mask": MASK},
        tol=L,
        id="bias-mask",
    ),
    C(
        "dot_product_attention",
        (Q, K, V),
        lambda q, k, v: R.attention(q, k, v, is_causal=True),
        kw={"is_causal": True},
        tol=L,
        id="causal",
    ),
    C(
        "dot_product_attention",
        (Q, KL, VL),
        lambda q, k, v: R.attention(q, k, v, scale=0.3),
        kw={"scale": 0.3},
        tol=L,
        id="scale",
    ),
]

ALL_CASES = ACTIVATIONS + ENCODING + SPACE + NORMS + LOSSES + ATTENTION


@params(ALL_CASES)
def test_nn(case):
    run_case(case)


@covers("depth_to_space", "space_to_depth")
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_depth_space_round_trip(data_format):
    x = rnd(2, 8, 4, 6) if data_format == "channels_first" else rnd(2, 4, 6, 8)
    y = ops.depth_to_space(x, 2, data_format=data_format)
    want = (2, 2, 8, 12) if data_format == "channels_first" else (2, 8, 12, 2)
    assert tuple(ops.shape(y)) == want
    back = ops.space_to_depth(y, 2, data_format=data_format)
    check_output(back, x, "float32", EXACT)


def test_losses_check_shapes():
    with pytest.raises(ValueError):
        ops.binary_crossentropy(np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError):
        ops.categorical_crossentropy(np.zeros((2, 3), np.float32), np.zeros((3, 3), np.float32))


def test_softmax_rows_sum_to_one():
    out = to_numpy(ops.softmax(rnd(4, 7)))
    np.testing.assert_allclose(out.sum(-1), np.ones(4), rtol=1e-5)
