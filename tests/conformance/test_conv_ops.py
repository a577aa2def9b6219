"""Convolutions and pooling against direct NumPy loops (``references.py``).

1-D/2-D/3-D, channels_last and channels_first, strides, dilation, ``valid``/``same``
(TensorFlow semantics: output ``ceil(n / stride)``, extra pad after) and ``causal``
padding, grouped, depthwise, separable and transposed convolutions, max and average
pooling (``same`` average pooling ignores the padded elements).
"""

from __future__ import annotations

import numpy as np

from kerasx import ops

from . import references as R
from .helpers import C, L, check_output, covers, params, rnd, run_case


def cf(x):
    """channels_last array -> channels_first copy."""
    return np.ascontiguousarray(np.moveaxis(x, -1, 1))


def conv_case(op, x, kernels, id, **kw):
    ref = getattr(R, op)
    return C(op, (x, *kernels), lambda *a: ref(*a, **kw), kw=kw, tol=L, id=id)


X1 = rnd(2, 7, 3)
X2 = rnd(2, 5, 6, 2)
X3 = rnd(1, 4, 5, 4, 2)
K1 = rnd(3, 3, 4)
K2 = rnd(3, 3, 2, 3)
K3 = rnd(2, 3, 2, 2, 3)

CONV = [
    conv_case("conv", X1, [K1], "1d-valid"),
    conv_case("conv", X1, [K1], "1d-same-stride2", strides=2, padding="same"),
    conv_case("conv", X1, [K1], "1d-same-dilation2", padding="same", dilation_rate=2),
    conv_case("conv", X1, [K1], "1d-causal-dilation2", padding="causal", dilation_rate=2),
    conv_case("conv", X1, [K1], "1d-causal", padding="causal"),
    conv_case(
        "conv", cf(X1), [K1], "1d-channels-first-stride2", strides=2, data_format="channels_first"
    ),
    conv_case("conv", X2, [K2], "2d-valid"),
    conv_case("conv", X2, [K2], "2d-default-format", data_format=None, padding="same"),
    conv_case("conv", X2, [rnd(2, 2, 2, 3)], "2d-same-even-kernel", padding="same"),
    conv_case("conv", X2, [K2], "2d-same-strides21", strides=(2, 1), padding="same"),
    conv_case("conv", X2, [rnd(2, 4, 2, 3)], "2d-same-stride3-even", strides=3, padding="same"),
    conv_case(
        "conv",
        cf(X2),
        [K2],
        "2d-channels-first-dilation",
        dilation_rate=(2, 1),
        data_format="channels_first",
    ),
    conv_case(
        "conv",
        cf(X2),
        [K2],
        "2d-channels-first-same",
        strides=2,
        padding="same",
        data_format="channels_first",
    ),
    conv_case("conv", rnd(1, 5, 5, 4), [rnd(3, 3, 2, 6)], "2d-groups2", padding="same"),
    conv_case("conv", rnd(1, 6, 4), [rnd(2, 1, 8)], "1d-depthwise-groups", strides=2),
    conv_case("conv", X3, [K3], "3d-valid"),
    conv_case("conv", X3, [K3], "3d-same-stride2", strides=2, padding="same"),
    conv_case(
        "conv", cf(X3), [K3], "3d-channels-first", padding="same", data_format="channels_first"
    ),
    conv_case(
        "depthwise_conv", X2, [rnd(3, 3, 2, 2)], "2d-same-stride2", strides=2, padding="same"
    ),
    conv_case(
        "depthwise_conv",
        cf(X2),
        [rnd(2, 2, 2, 3)],
        "2d-channels-first-dilation",
        dilation_rate=2,
        data_format="channels_first",
    ),
    conv_case("depthwise_conv", X1, [rnd(3, 3, 1)], "1d-valid"),
    conv_case("depthwise_conv", X1, [rnd(2, 3, 2)], "1d-same-even", padding="same"),
    conv_case("depthwise_conv", X3, [rnd(2, 2, 2, 2, 1)], "3d-valid"),
    conv_case("separable_conv", X2, [rnd(3, 3, 2, 2), rnd(1, 1, 4, 3)], "2d-same", padding="same"),
    conv_case(
        "separable_conv",
        cf(X2),
        [rnd(2, 2, 2, 1), rnd(1, 1, 2, 4)],
        "2d-channels-first-stride2",
        strides=2,
        data_format="channels_first",
    ),
    conv_case("separable_conv", X1, [rnd(3, 3, 2), rnd(1, 6, 2)], "1d-dilation", dilation_rate=2),
]

XT1 = rnd(1, 4, 2)
XT2 = rnd(1, 3, 3, 2)
TRANSPOSE = [
    conv_case("conv_transpose", XT1, [rnd(3, 3, 2)], "1d-valid-stride2", strides=2),
    conv_case("conv_transpose", XT1, [rnd(3, 3, 2)], "1d-same-stride2", strides=2, padding="same"),
    conv_case("conv_transpose", XT1, [rnd(2, 3, 2)], "1d-valid-stride3", strides=3),
    conv_case(
        "conv_transpose", XT1, [rnd(4, 1, 2)], "1d-same-even-stride2", strides=2, padding="same"
    ),
    conv_case(
        "conv_transpose",
        XT1,
        [rnd(3, 2, 2)],
        "1d-valid-output-padding",
        strides=2,
        output_padding=1,
    ),
    conv_case(
        "conv_transpose", XT1, [rnd(3, 2, 2)], "1d-same-dilation2", padding="same", dilation_rate=2
    ),
    conv_case(
        "conv_transpose",
        XT2,
        [rnd(3, 3, 4, 2)],
        "2d-same-stride2-output-padding",
        strides=2,
        padding="same",
        output_padding=1,
    ),
    conv_case("conv_transpose", XT2, [rnd(3, 3, 4, 2)], "2d-valid", strides=1),
    conv_case(
        "conv_transpose",
        cf(XT2),
        [rnd(2, 2, 3, 2)],
        "2d-channels-first-dilation",
        dilation_rate=2,
        data_format="channels_first",
    ),
    conv_case(
        "conv_transpose",
        XT2,
        [rnd(4, 3, 2, 2)],
        "2d-same-strides21",
        strides=(2, 1),
        padding="same",
    ),
    conv_case(
        "conv_transpose",
        cf(XT2),
        [rnd(3, 3, 2, 2)],
        "2d-channels-first-same-stride2",
        strides=2,
        padding="same",
        data_format="channels_first",
    ),
    conv_case(
        "conv_transpose", rnd(1, 2, 3, 2, 2), [rnd(2, 2, 2, 3, 2)], "3d-valid-stride2", strides=2
    ),
    conv_case(
        "conv_transpose",
        rnd(1, 2, 2, 2, 2),
        [rnd(3, 3, 3, 2, 2)],
        "3d-same-stride2",
        strides=2,
        padding="same",
    ),
]

XP1 = rnd(2, 7, 3)
XP2 = rnd(2, 5, 6, 2)
XP3 = rnd(1, 4, 5, 3, 2)
POOL = []
for _op in ("max_pool", "average_pool"):
    POOL += [
        conv_case(_op, XP1, [2], "1d-valid"),
        conv_case(_op, XP1, [3], "1d-same-stride2", strides=2, padding="same"),
        conv_case(_op, XP1, [2], "1d-same-stride1", strides=1, padding="same"),
        conv_case(_op, cf(XP1), [3], "1d-channels-first", strides=1, data_format="channels_first"),
        conv_case(_op, XP2, [(2, 2)], "2d-valid"),
        conv_case(_op, XP2, [(3, 3)], "2d-same-stride2", strides=(2, 2), padding="same"),
        conv_case(_op, XP2, [(2, 3)], "2d-same-strides12", strides=(1, 2), padding="same"),
        conv_case(
            _op,
            cf(XP2),
            [3],
            "2d-channels-first-same",
            strides=2,
            padding="same",
            data_format="channels_first",
        ),
        conv_case(_op, XP3, [2], "3d-valid"),
        conv_case(_op, XP3, [(2, 2, 2)], "3d-same", padding="same"),
        conv_case(
            _op,
            cf(XP3),
            [(3, 2, 2)],
            "3d-channels-first-same-stride",
            strides=(2, 1, 2),
            padding="same",
            data_format="channels_first",
        ),
    ]

ALL_CASES = CONV + TRANSPOSE + POOL


@params(ALL_CASES)
def test_conv_and_pool(case):
    run_case(case)


@covers("conv", "conv_transpose", "max_pool", "average_pool")
def test_output_shapes_follow_keras_rules():
    x = rnd(1, 9, 9, 2)
    assert ops.shape(ops.conv(x, rnd(4, 4, 2, 3), strides=2, padding="same")) == (1, 5, 5, 3)
    assert ops.shape(ops.conv(x, rnd(4, 4, 2, 3), strides=2, padding="valid")) == (1, 3, 3, 3)
    assert ops.shape(ops.max_pool(x, 2, padding="valid")) == (1, 4, 4, 2)
    assert ops.shape(ops.max_pool(x, 2, padding="same")) == (1, 5, 5, 2)
    assert ops.shape(ops.conv_transpose(x, rnd(3, 3, 4, 2), strides=2, padding="same")) == (
        1,
        18,
        18,
        4,
    )
    assert ops.shape(ops.conv_transpose(x, rnd(3, 3, 4, 2), strides=2, padding="valid")) == (
        1,
        19,
        19,
        4,
    )


def test_same_average_pool_excludes_padding():
    x = np.arange(1, 5, dtype=np.float32).reshape(1, 4, 1)
    out = ops.average_pool(x, 3, strides=1, padding="same")
    check_output(out, np.array([1.5, 2.0, 3.0, 3.5]).reshape(1, 4, 1), "float32", L)
