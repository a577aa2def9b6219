"""Reductions, cumulative ops, statistics and their NaN-ignoring variants.

Checks axis=None / int / negative / tuple, keepdims, ``initial``, empty inputs and the
Keras 3 result dtypes (mean of int -> float32, sum of bool -> int32, argmax -> int32...).
"""

from __future__ import annotations

import numpy as np

from .helpers import EXACT, SAME, C, F, L, T, arr, d, f32, i32, params, rnd, run_case

X = rnd(2, 3, 4)
I = rnd(2, 3, 4, lo=-4, hi=5, dtype="int32")
BOOL = rnd(3, 4, dtype="bool")
E = np.zeros((0, 3), np.float32)
XN = f32([[1.0, np.nan, 3.0, -2.0], [np.nan, np.nan, 5.0, 0.5], [4.0, 2.0, np.nan, 1.0]])
AXES = [None, 0, -1, (0, 2), (-1, 0)]


def red(op, fn, x, axes=AXES, dtype=SAME, tol=F, keepdims=(False, True), **extra):
    """Cases over ``axes`` with reference ``fn``; keepdims alternates along the axes
    (both values for ``axis=None``) so every axis kind meets both settings across ops."""
    out = []
    for j, ax in enumerate(axes):
        kds = keepdims if ax is None or len(keepdims) == 1 else (keepdims[j % len(keepdims)],)
        for kd in kds:
            kw = {"axis": ax, "keepdims": kd, **extra}
            out.append(
                C(
                    op,
                    x,
                    lambda a, ax=ax, kd=kd: fn(a, axis=ax, keepdims=kd),
                    kw=kw,
                    dtype=dtype,
                    tol=tol,
                    id=f"axis={ax}-keepdims={kd}",
                )
            )
    return out


def f64(fn):
    return lambda a, **kw: fn(d(a), **kw)


REDUCE = [
    *red("sum", f64(np.sum), X),
    *red("sum", np.sum, I, axes=[None, 1]),
    *red("sum", lambda a, **kw: np.sum(a, **kw), BOOL, axes=[None, 0], dtype="int32"),
    C("sum", arr([[100, 100], [100, 27]], "int8"), i32(327), dtype="int32", id="int8->int32"),
    C("sum", arr([200, 100], "uint8"), np.uint32(300), dtype="uint32", id="uint8->uint32"),
    C("sum", E, np.float32(0.0), id="empty"),
    C("sum", E, np.zeros(3, np.float32), kw={"axis": 0}, id="empty-axis0"),
    C("sum", E, np.zeros(0, np.float32), kw={"axis": 1}, id="empty-axis1"),
    C("mean", E, np.zeros(0, np.float32), kw={"axis": 1}, id="empty-axis1"),
    C("max", E, np.zeros((0, 1), np.float32), kw={"axis": 1, "keepdims": True}, id="empty-axis1"),
    C("argmax", E, np.zeros(0, np.int32), kw={"axis": 1}, dtype="int32", id="empty-axis1"),
    C("sum", f32(2.5), f32(2.5), id="scalar"),
    C(
        "sum",
        arr([[0.5, 1.5], [2.0, -1.0]], "float16"),
        arr([2.5, 0.5], "float16"),
        kw={"axis": 0},
        tol=(2e-3, 2e-3),
        id="float16",
    ),
    C(
        "mean",
        arr([[0.5, 1.5], [2.0, -1.0]], "float16"),
        arr([1.0, 0.5], "float16"),
        kw={"axis": 1},
        tol=(2e-3, 2e-3),
        id="float16",
    ),
    C(
        "max",
        arr([[0.5, 1.5], [2.0, -1.0]], "float16"),
        arr(2.0, "float16"),
        tol=EXACT,
        id="float16",
    ),
    C(
        "prod",
        arr([[100, 3], [-2, 50]], "int8"),
        i32([-200, 150]),
        kw={"axis": 0},
        dtype="int32",
        id="int8->int32",
    ),
    *red("prod", f64(np.prod), X, axes=[None, 1, (0, -1)], tol=T),
    C("prod", i32([[1, -2, 3], [4, 5, -1]]), i32([-6, -20]), kw={"axis": 1}, id="int"),
    C(
        "prod",
        BOOL,
        lambda a: np.prod(a, axis=0).astype("int32"),
        kw={"axis": 0},
        dtype="int32",
        id="bool",
    ),
    C("prod", E, np.float32(1.0), id="empty"),
    C(
        "prod",
        i32([[1, 2], [3, 4]]),
        f32([2.0, 12.0]),
        kw={"axis": 1, "dtype": "float32"},
        dtype="float32",
        id="dtype",
    ),
    *red("mean", f64(np.mean), X),
    *red("mean", f64(np.mean), I, axes=[None, -1], dtype="float32"),
    C("mean", BOOL, lambda a: d(a).mean(0), kw={"axis": 0}, dtype="float32", id="bool"),
    *red("max", np.max, X, tol=EXACT),
    *red("max", np.max, I, axes=[None, (1, 2)], tol=EXACT),
    C(
        "max",
        X,
        lambda a: np.max(a, axis=1, initial=0.5),
        kw={"axis": 1, "initial": 0.5},
        tol=EXACT,
        id="initial",
    ),
    C("max", E, np.float32(-1.0), kw={"initial": -1.0}, id="empty-initial"),
    C("max", BOOL, lambda a: a.max(1), kw={"axis": 1}, dtype="bool", id="bool"),
    *red("min", np.min, X, tol=EXACT),
    C(
        "min",
        I,
        lambda a: np.min(a, axis=(0, 1), initial=-1),
        kw={"axis": (0, 1), "initial": -1},
        tol=EXACT,
        id="initial",
    ),
    *red("amax", np.amax, X, axes=[None, -2], tol=EXACT),
    *red("amin", np.amin, X, axes=[None, (0, 1)], tol=EXACT),
    *red("ptp", np.ptp, X, axes=[None, 1]),
    *red("ptp", np.ptp, I, axes=[-1], keepdims=(False,), tol=EXACT),
    *red("all", np.all, BOOL, axes=[None, 0, -1], dtype="bool"),
    C("all", X, lambda a: np.all(a, axis=1), kw={"axis": 1}, dtype="bool", id="float"),
    C("all", E, np.True_, dtype="bool", id="empty"),
    *red("any", np.any, BOOL, axes=[None, 1], dtype="bool"),
    C(
        "any",
        i32([[0, 0], [0, 3]]),
        np.array([False, True]),
        kw={"axis": -1},
        dtype="bool",
        id="int",
    ),
    C("any", E, np.False_, dtype="bool", id="empty"),
    *red("var", f64(np.var), X, axes=[None, 1, (0, 2)]),
    C("var", I, lambda a: d(a).var(), dtype="float32", id="int"),
    *red("std", f64(np.std), X, axes=[None, -1, (0, 1)]),
    C("std", I, lambda a: d(a).std(axis=0), kw={"axis": 0}, dtype="float32", id="int"),
    C("average", X, lambda a: d(a).mean(), tol=F),
    C(
        "average",
        X,
        lambda a: np.average(d(a), axis=1, weights=[0.5, 1.0, 2.0]),
        kw={"axis": 1, "weights": f32([0.5, 1.0, 2.0])},
        id="weights-1d",
    ),
    C(
        "average",
        X[0],
        lambda a: np.average(d(a), weights=np.arange(1.0, 13.0).reshape(3, 4)),
        kw={"weights": f32(np.arange(1, 13).reshape(3, 4))},
        id="weights-full",
    ),
    C("average", I, lambda a: d(a).mean(-1), kw={"axis": -1}, dtype="float32", id="int"),
    C("count_nonzero", i32([[0, 1, 2], [0, 0, 3]]), i32(3), dtype="int32"),
    C(
        "count_nonzero",
        f32([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]]),
        i32([2, 1]),
        kw={"axis": 1},
        dtype="int32",
        id="axis",
    ),
    C(
        "count_nonzero",
        BOOL,
        lambda a: np.count_nonzero(a, axis=(0, 1)),
        kw={"axis": (0, 1)},
        dtype="int32",
        id="tuple",
    ),
]

TIES = f32([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, -1.0]])
ARG = [
    C("argmax", TIES, i32(1), dtype="int32", id="flat"),
    C("argmax", TIES, i32([1, 0]), kw={"axis": 1}, dtype="int32", id="first-of-ties"),
    C(
        "argmax",
        TIES,
        i32([[1], [0]]),
        kw={"axis": -1, "keepdims": True},
        dtype="int32",
        id="keepdims",
    ),
    C("argmax", X, lambda a: np.argmax(a, 0), kw={"axis": 0}, dtype="int32", id="axis0"),
    C("argmax", I, lambda a: np.argmax(a, -2), kw={"axis": -2}, dtype="int32", id="int"),
    C("argmin", TIES, i32(6), dtype="int32", id="flat"),
    C("argmin", TIES, i32([3, 2]), kw={"axis": 1}, dtype="int32", id="first-of-ties"),
    C(
        "argmin",
        X,
        lambda a: np.argmin(a, 1, keepdims=True),
        kw={"axis": 1, "keepdims": True},
        dtype="int32",
        id="keepdims",
    ),
    C("nanargmax", XN, i32([2, 2, 0]), kw={"axis": 1}, dtype="int32"),
    C("nanargmax", XN, i32(6), dtype="int32", id="flat"),
    C("nanargmin", XN, i32([3, 3, 3]), kw={"axis": 1}, dtype="int32"),
]

CUMULATIVE = [
    C("cumsum", X, lambda a: np.cumsum(d(a)), tol=F, id="flat"),
    C("cumsum", X, lambda a: np.cumsum(d(a), axis=1), kw={"axis": 1}),
    C("cumsum", X, lambda a: np.cumsum(d(a), axis=-1), kw={"axis": -1}, id="neg-axis"),
    C("cumsum", I, lambda a: np.cumsum(a, axis=0), kw={"axis": 0}, tol=EXACT, id="int"),
    C("cumsum", BOOL, lambda a: np.cumsum(a, axis=1), kw={"axis": 1}, dtype="int32", id="bool"),
    C("cumsum", arr([100, 100, 100], "int8"), i32([100, 200, 300]), dtype="int32", id="int8"),
    C(
        "cumsum",
        I,
        lambda a: np.cumsum(d(a), axis=2),
        kw={"axis": 2, "dtype": "float32"},
        dtype="float32",
        id="dtype",
    ),
    C("cumsum", E, np.zeros((0, 3), np.float32), kw={"axis": 0}, id="empty"),
    C("cumprod", X, lambda a: np.cumprod(d(a)), tol=T, id="flat"),
    C("cumprod", X, lambda a: np.cumprod(d(a), axis=-2), kw={"axis": -2}, tol=T),
    C(
        "cumprod",
        i32([[1, 2, 3], [-1, 4, 2]]),
        i32([[1, 2, 6], [-1, -4, -8]]),
        kw={"axis": 1},
        id="int",
    ),
    C("cumprod", BOOL, lambda a: np.cumprod(a, axis=0), kw={"axis": 0}, dtype="int32", id="bool"),
    C("nancumsum", XN, lambda a: np.nancumsum(d(a), axis=1), kw={"axis": 1}),
    C("nancumsum", XN, lambda a: np.nancumsum(d(a)), id="flat"),
    C("nancumprod", XN, lambda a: np.nancumprod(d(a), axis=0), kw={"axis": 0}),
]

NAN = [
    *red("nansum", f64(np.nansum), XN, axes=[None, 0, -1]),
    *red("nanprod", f64(np.nanprod), XN, axes=[None, 1], keepdims=(False,)),
    *red("nanmean", f64(np.nanmean), XN, axes=[None, 1], tol=F),
    C(
        "nanmean",
        f32([[np.nan, np.nan], [1.0, 2.0]]),
        f32([np.nan, 1.5]),
        kw={"axis": 1},
        id="all-nan-row",
    ),
    *red("nanvar", f64(np.nanvar), XN, axes=[None, 1], keepdims=(False,)),
    *red("nanstd", f64(np.nanstd), XN, axes=[None, 0], keepdims=(True,)),
    *red("nanmax", np.nanmax, XN, axes=[None, 1], tol=EXACT),
    C(
        "nanmax",
        f32([[np.nan, np.nan], [1.0, np.nan]]),
        f32([np.nan, 1.0]),
        kw={"axis": 1},
        id="all-nan-row",
    ),
    *red("nanmin", np.nanmin, XN, axes=[None, 0], tol=EXACT),
    C("nansum", I, lambda a: a.sum(1), kw={"axis": 1}, tol=EXACT, id="int"),
]

Q = rnd(3, 5)
STATS = [
    C("median", Q, lambda a: np.median(d(a))),
    C("median", Q, lambda a: np.median(d(a), axis=1), kw={"axis": 1}, id="axis"),
    C(
        "median",
        Q,
        lambda a: np.median(d(a), axis=0, keepdims=True),
        kw={"axis": 0, "keepdims": True},
        id="even-keepdims",
    ),
    C(
        "median",
        i32([[1, 5, 2, 8], [3, 3, 9, 0]]),
        f32([3.5, 3.0]),
        kw={"axis": -1},
        dtype="float32",
        id="int",
    ),
    C("quantile", (Q, 0.3), lambda a, q: np.quantile(d(a), q)),
    C("quantile", (Q, 0.3), lambda a, q: np.quantile(d(a), q, axis=1), kw={"axis": 1}, id="axis"),
    C(
        "quantile",
        (Q, f32([0.1, 0.5, 0.9])),
        lambda a, q: np.quantile(d(a), d(q), axis=1),
        kw={"axis": 1},
        id="vector-q",
    ),
    C(
        "quantile",
        (Q, f32([0.25, 0.8])),
        lambda a, q: np.quantile(d(a), d(q), axis=0, keepdims=True),
        kw={"axis": 0, "keepdims": True},
        id="vector-q-keepdims",
    ),
    C(
        "quantile",
        (X, 0.4),
        lambda a, q: np.quantile(d(a), q, axis=(0, 2)),
        kw={"axis": (0, 2)},
        id="tuple-axis",
    ),
]
for _m in ("lower", "higher", "nearest", "midpoint", "linear"):
    STATS.append(
        C(
            "quantile",
            (Q, 0.3),
            lambda a, q, m=_m: np.quantile(d(a), q, axis=1, method=m),
            kw={"axis": 1, "method": _m},
            id=_m,
        )
    )
STATS += [
    C("percentile", (Q, 30.0), lambda a, q: np.percentile(d(a), q)),
    C(
        "percentile",
        (Q, f32([10.0, 75.0])),
        lambda a, q: np.percentile(d(a), d(q), axis=-1),
        kw={"axis": -1},
        id="vector-q",
    ),
    C(
        "percentile",
        (i32([[1, 2, 3, 4, 10]]), 50),
        lambda a, q: np.percentile(d(a), q, axis=1),
        kw={"axis": 1},
        dtype="float32",
        id="int",
    ),
    C("logsumexp", X, lambda a: np.log(np.sum(np.exp(d(a)))), tol=T),
]

ALL_CASES = REDUCE + ARG + CUMULATIVE + NAN + STATS


@params(ALL_CASES)
def test_reduction(case):
    run_case(case)


def test_reductions_accept_python_lists():
    from kerasx import ops

    from .helpers import check_output

    check_output(ops.sum([[1, 2], [3, 4]], axis=0), i32([4, 6]), "int32", EXACT)
    check_output(ops.mean([1.0, 2.0, 4.0]), np.float32(7 / 3), "float32", F)
    check_output(ops.max(np.array([1.5, -2.0], np.float32)), np.float32(1.5), "float32", EXACT)
    check_output(
        ops.var(np.arange(6, dtype=np.float32).reshape(2, 3), axis=1),
        f32([2 / 3, 2 / 3]),
        "float32",
        L,
    )
