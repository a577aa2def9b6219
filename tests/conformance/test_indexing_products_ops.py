"""Gathers, sorting and searching, counting, and products (matmul, einsum...)."""

from __future__ import annotations

import numpy as np

from .helpers import EXACT, C, F, L, T, d, f32, i32, params, rnd, run_case

X = rnd(3, 4)
X3 = rnd(2, 3, 4)
I = rnd(3, 4, lo=-9, hi=10, dtype="int32")

GATHER = [
    C("take", (X, i32([0, 5, 11])), lambda x, i: np.take(x, i), tol=EXACT, id="flat"),
    C(
        "take",
        (X, i32([2, 0, 2])),
        lambda x, i: np.take(x, i, 0),
        kw={"axis": 0},
        tol=EXACT,
        id="axis0",
    ),
    C(
        "take",
        (X3, i32([[0, 3], [1, 1]])),
        lambda x, i: np.take(x, i, -1),
        kw={"axis": -1},
        tol=EXACT,
        id="2d-indices",
    ),
    C(
        "take",
        (X, i32([-1, -4])),
        lambda x, i: np.take(x, i, 1),
        kw={"axis": 1},
        tol=EXACT,
        id="negative-indices",
    ),
    C("take", (X, 2), lambda x, i: np.take(x, i, 1), kw={"axis": 1}, tol=EXACT, id="scalar-index"),
    C(
        "take",
        (X, [1, 0]),
        lambda x, i: np.take(x, i, 0),
        kw={"axis": 0},
        tol=EXACT,
        id="list-index",
    ),
    C("take", (I, i32([1, 2])), lambda x, i: np.take(x, i, 0), kw={"axis": 0}, tol=EXACT, id="int"),
    C(
        "take",
        (X, i32(np.zeros((0,), int))),
        lambda x, i: np.take(x, i, 0),
        kw={"axis": 0},
        tol=EXACT,
        id="empty-indices",
    ),
    C(
        "take_along_axis",
        (X, i32([[0, 3], [1, 1], [2, 0]])),
        lambda x, i: np.take_along_axis(x, i, 1),
        kw={"axis": 1},
        tol=EXACT,
    ),
    C(
        "take_along_axis",
        (X, i32([[2, 0, 1, 1]])),
        lambda x, i: np.take_along_axis(x, i, 0),
        kw={"axis": 0},
        tol=EXACT,
        id="broadcast",
    ),
    C(
        "take_along_axis",
        (X, i32([[-1], [-2], [0]])),
        lambda x, i: np.take_along_axis(x, i, -1),
        kw={"axis": -1},
        tol=EXACT,
        id="negative",
    ),
    C(
        "take_along_axis",
        (X, i32([11, 0, 4])),
        lambda x, i: np.take_along_axis(x, i, None),
        kw={"axis": None},
        tol=EXACT,
        id="flat",
    ),
    C(
        "take_along_axis",
        (X3, np.argsort(X3, axis=1).astype("int32")),
        lambda x, i: np.take_along_axis(x, i, 1),
        kw={"axis": 1},
        tol=EXACT,
        id="3d",
    ),
]

DUP = f32([[3.0, 1.0, 2.0, 1.0, 3.0], [0.5, -1.0, 0.5, 0.5, -2.0]])
SORT = [
    C("sort", X, np.sort, tol=EXACT),
    C("sort", X, lambda x: np.sort(x, 0), kw={"axis": 0}, tol=EXACT, id="axis0"),
    C("sort", I, lambda x: np.sort(x, -1), tol=EXACT, id="int"),
    C("sort", X3, lambda x: np.sort(x, 1), kw={"axis": 1}, tol=EXACT, id="3d"),
    C("argsort", DUP, lambda x: np.argsort(x, kind="stable"), dtype="int32", id="stable"),
    C(
        "argsort",
        DUP,
        lambda x: np.argsort(x, 0, kind="stable"),
        kw={"axis": 0},
        dtype="int32",
        id="axis0",
    ),
    C("argsort", I, lambda x: np.argsort(x, kind="stable"), dtype="int32", id="int"),
    C(
        "searchsorted",
        (f32([1, 2, 2, 3, 5]), f32([0, 2, 2.5, 5, 6])),
        lambda s, v: np.searchsorted(s, v),
        dtype="int32",
    ),
    C(
        "searchsorted",
        (f32([1, 2, 2, 3, 5]), f32([0, 2, 2.5, 5, 6])),
        lambda s, v: np.searchsorted(s, v, "right"),
        kw={"side": "right"},
        dtype="int32",
        id="right",
    ),
    C(
        "searchsorted",
        (i32([1, 3, 5, 7]), i32([[0, 3], [6, 9]])),
        lambda s, v: np.searchsorted(s, v),
        dtype="int32",
        id="int-2d-values",
    ),
    C(
        "digitize",
        (f32([0.2, 6.4, 3.0, 1.6, 1.0]), f32([0.0, 1.0, 2.5, 4.0, 10.0])),
        np.digitize,
        dtype="int32",
    ),
    C("digitize", (i32([-1, 0, 5, 10, 3]), i32([0, 3, 6])), np.digitize, dtype="int32", id="int"),
]


def _check_argpartition(out, x, kth, axis=-1):
    """Keras/NumPy contract: the kth element is in sorted position, smaller before."""
    out = np.asarray(out)
    vals = np.take_along_axis(x, out.astype(np.int64), axis)
    srt = np.sort(x, axis)
    np.testing.assert_array_equal(np.take(vals, kth, axis), np.take(srt, kth, axis))
    pivot = np.take(vals, [kth], axis)
    assert np.all(np.take(vals, np.arange(kth), axis) <= pivot)
    assert np.all(np.take(vals, np.arange(kth + 1, x.shape[axis]), axis) >= pivot)
    np.testing.assert_array_equal(
        np.sort(out, axis),
        np.broadcast_to(
            np.arange(x.shape[axis]).reshape(
                [-1 if a == axis % x.ndim else 1 for a in range(x.ndim)]
            ),
            x.shape,
        ),
    )


SEARCH = [
    C(
        "argpartition",
        (rnd(3, 6), 2),
        check=lambda o, x, k: _check_argpartition(o, x, k),
        dtype="int32",
    ),
    C(
        "argpartition",
        (rnd(5, 2), 1),
        kw={"axis": 0},
        check=lambda o, x, k: _check_argpartition(o, x, k, 0),
        dtype="int32",
        id="axis0",
    ),
    C("nonzero", i32([[0, 2, 0], [3, 0, 4]]), lambda x: tuple(np.nonzero(x)), dtype="int32"),
    C(
        "nonzero",
        f32([0.0, 1.5, 0.0, -2.0]),
        lambda x: tuple(np.nonzero(x)),
        dtype="int32",
        id="1d-float",
    ),
    C(
        "nonzero",
        np.array([[True, False], [False, True]]),
        lambda x: tuple(np.nonzero(x)),
        dtype="int32",
        id="bool",
    ),
    C("bincount", i32([0, 1, 1, 3, 5, 1]), np.bincount, dtype="int32"),
    C(
        "bincount",
        i32([0, 1, 1, 3]),
        lambda x: np.bincount(x, minlength=6),
        kw={"minlength": 6},
        dtype="int32",
        id="minlength",
    ),
    C(
        "bincount",
        i32([0, 1, 1, 3]),
        lambda x: np.bincount(x, weights=[0.5, 1.0, 2.0, -1.0]),
        kw={"weights": f32([0.5, 1.0, 2.0, -1.0])},
        dtype="float32",
        id="weights",
    ),
    C(
        "bincount",
        i32([[0, 1, 1], [2, 2, 0]]),
        i32([[1, 2, 0, 0], [1, 0, 2, 0]]),
        kw={"minlength": 4},
        dtype="int32",
        id="batched",
    ),
    C(
        "unravel_index",
        (i32([0, 5, 7, 11]), (3, 4)),
        lambda i, s: tuple(np.unravel_index(i, s)),
        dtype="int32",
    ),
    C(
        "unravel_index",
        (i32([3, 23]), (2, 3, 4)),
        lambda i, s: tuple(np.unravel_index(i, s)),
        dtype="int32",
        id="3d",
    ),
    C("isin", (i32([[1, 2, 3], [4, 5, 6]]), i32([2, 5, 7])), np.isin, dtype="bool"),
    C(
        "isin",
        (i32([1, 2, 3]), i32([2])),
        lambda a, b: np.isin(a, b, invert=True),
        kw={"invert": True},
        dtype="bool",
        id="invert",
    ),
    C(
        "isin",
        (f32([0.5, 1.0, 2.0]), f32([[1.0, 3.0], [0.5, 9.0]])),
        np.isin,
        dtype="bool",
        id="float-2d-test",
    ),
]

A = rnd(3, 4)
BM = rnd(4, 5)
PRODUCTS = [
    C("matmul", (A, BM), lambda a, b: d(a) @ d(b), tol=L),
    C("matmul", (rnd(2, 3, 4), rnd(2, 4, 2)), lambda a, b: d(a) @ d(b), tol=L, id="batched"),
    C(
        "matmul",
        (rnd(2, 1, 3, 4), rnd(3, 4, 2)),
        lambda a, b: d(a) @ d(b),
        tol=L,
        id="broadcast-batch",
    ),
    C("matmul", (A, rnd(4)), lambda a, b: d(a) @ d(b), tol=L, id="matrix-vector"),
    C("matmul", (rnd(3), rnd(3, 2)), lambda a, b: d(a) @ d(b), tol=L, id="vector-matrix"),
    C("matmul", (rnd(4), rnd(4)), lambda a, b: d(a) @ d(b), tol=L, id="vector-vector"),
    C(
        "matmul",
        (I, rnd(4, 2, lo=-3, hi=4, dtype="int32")),
        lambda a, b: a @ b,
        tol=EXACT,
        id="int",
    ),
    C("matmul", (I, BM), lambda a, b: d(a) @ d(b), dtype="float32", tol=L, id="int-float"),
    C("matmul", (np.zeros((0, 3), np.float32), rnd(3, 2)), lambda a, b: a @ b, id="empty"),
    C(
        "matmul",
        (A.astype("float16"), BM.astype("float16")),
        lambda a, b: d(a) @ d(b),
        tol=(5e-3, 5e-3),
        id="float16",
    ),
    C(
        "matmul",
        (A.astype("float16"), BM),
        lambda a, b: d(a) @ d(b),
        dtype="float32",
        tol=(1e-3, 1e-3),
        id="float16-float32",
    ),
    C("einsum", ("ij,jk->ik", A, BM), lambda s, a, b: np.einsum(s, d(a), d(b)), tol=L),
    C(
        "einsum",
        ("bij,bjk->bik", rnd(2, 3, 4), rnd(2, 4, 2)),
        lambda s, a, b: np.einsum(s, d(a), d(b)),
        tol=L,
        id="batched",
    ),
    C("einsum", ("ii->", rnd(3, 3)), lambda s, a: np.einsum(s, d(a)), tol=L, id="trace"),
    C("einsum", ("ij->ji", A), lambda s, a: np.einsum(s, a), tol=EXACT, id="transpose"),
    C(
        "einsum",
        ("i,j->ij", rnd(3), rnd(2)),
        lambda s, a, b: np.einsum(s, d(a), d(b)),
        tol=L,
        id="outer",
    ),
    C(
        "einsum",
        ("...ij,...j->...i", rnd(2, 3, 4), rnd(2, 4)),
        lambda s, a, b: np.einsum(s, d(a), d(b)),
        tol=L,
        id="ellipsis",
    ),
    C(
        "einsum",
        ("ij,jk,kl->il", rnd(2, 3), rnd(3, 4), rnd(4, 2)),
        lambda s, *o: np.einsum(s, *map(d, o)),
        tol=L,
        id="three",
    ),
    C(
        "einsum",
        ("ij,ij->i", I, I),
        lambda s, a, b: np.einsum(s, a, b),
        dtype="int32",
        tol=EXACT,
        id="int",
    ),
    C("tensordot", (rnd(2, 3, 4), rnd(3, 4, 5)), lambda a, b: np.tensordot(d(a), d(b)), tol=L),
    C(
        "tensordot",
        (A, BM),
        lambda a, b: np.tensordot(d(a), d(b), 1),
        kw={"axes": 1},
        tol=L,
        id="axes1",
    ),
    C(
        "tensordot",
        (rnd(2, 3, 4), rnd(4, 2, 3)),
        lambda a, b: np.tensordot(d(a), d(b), ([1, 2], [2, 0])),
        kw={"axes": ([1, 2], [2, 0])},
        tol=L,
        id="pairs",
    ),
    C(
        "tensordot",
        (rnd(2, 3), rnd(4, 5)),
        lambda a, b: np.tensordot(d(a), d(b), 0),
        kw={"axes": 0},
        tol=L,
        id="axes0",
    ),
    C("dot", (A, BM), lambda a, b: np.dot(d(a), d(b)), tol=L),
    C("dot", (rnd(4), rnd(4)), lambda a, b: np.dot(d(a), d(b)), tol=L, id="1d"),
    C("dot", (A, rnd(4)), lambda a, b: np.dot(d(a), d(b)), tol=L, id="2d-1d"),
    C("dot", (rnd(2, 3, 4), rnd(5, 4, 2)), lambda a, b: np.dot(d(a), d(b)), tol=L, id="nd-md"),
    C("dot", (A, f32(2.0)), lambda a, b: np.dot(d(a), d(b)), tol=L, id="scalar"),
    C("dot", (I, I.T.copy()), lambda a, b: a @ b, tol=EXACT, id="int"),
    C("vdot", (A, rnd(3, 4)), lambda a, b: np.vdot(d(a), d(b)), tol=L),
    C("inner", (rnd(4), rnd(4)), lambda a, b: np.inner(d(a), d(b)), tol=L),
    C("inner", (rnd(2, 4), rnd(3, 4)), lambda a, b: np.inner(d(a), d(b)), tol=L, id="2d"),
    C("outer", (rnd(3), rnd(4)), lambda a, b: np.outer(d(a), d(b)), tol=F),
    C(
        "outer",
        (rnd(2, 2), i32([1, 2])),
        lambda a, b: np.outer(d(a), d(b)),
        dtype="float32",
        tol=F,
        id="flattens-promotes",
    ),
    C("kron", (f32([[1, 2], [3, 4]]), f32([[0, 1], [1, 0], [2, 2]])), np.kron, tol=EXACT),
    C("kron", (i32([1, 2, 3]), i32([[1], [10]])), np.kron, tol=EXACT, id="mixed-rank"),
    C("cross", (rnd(3), rnd(3)), lambda a, b: np.cross(d(a), d(b)), tol=T),
    C("cross", (rnd(4, 3), rnd(4, 3)), lambda a, b: np.cross(d(a), d(b)), tol=T, id="batched"),
    C(
        "cross",
        (rnd(3, 2), rnd(3, 2)),
        lambda a, b: np.cross(d(a), d(b), axis=0),
        kw={"axis": 0},
        tol=T,
        id="axis0",
    ),
    C(
        "cross",
        (f32([1, 2]), f32([3, 4, 5])),
        lambda a, b: np.cross(d(a), d(b)),
        tol=T,
        id="2-by-3",
    ),
    C("cross", (f32([[1, 2], [3, 1]]), f32([[3, 4], [0, 2]])), f32([-2, 6]), tol=T, id="2-by-2-z"),
    C("vander", f32([1, 2, 3, 0.5]), lambda x: np.vander(d(x)), tol=T),
    C(
        "vander",
        f32([1, 2, 3]),
        lambda x: np.vander(d(x), 2, increasing=True),
        kw={"N": 2, "increasing": True},
        tol=T,
        id="N-increasing",
    ),
    C("trapezoid", f32([1, 2, 4, 8]), lambda y: np.trapezoid(d(y)), dtype="float32", tol=F),
    C(
        "trapezoid",
        (X,),
        lambda y: np.trapezoid(d(y), dx=0.5, axis=0),
        kw={"dx": 0.5, "axis": 0},
        tol=F,
        id="dx-axis",
    ),
    C(
        "trapezoid",
        (f32([1, 2, 4]), f32([0, 1, 3])),
        lambda y, x: np.trapezoid(d(y), d(x)),
        tol=F,
        id="x",
    ),
    C("trapezoid", i32([1, 2, 4]), lambda y: np.trapezoid(d(y)), dtype="float32", tol=F, id="int"),
    C("diff", X, lambda x: np.diff(d(x)), tol=F),
    C("diff", X, lambda x: np.diff(d(x), 2, 0), kw={"n": 2, "axis": 0}, tol=F, id="n2-axis0"),
    C("diff", I, lambda x: np.diff(x), tol=EXACT, id="int"),
    C(
        "correlate",
        (f32([1, 2, 3, 4]), f32([0, 1, 0.5])),
        lambda a, v: np.correlate(d(a), d(v)),
        tol=F,
    ),
    C(
        "correlate",
        (f32([1, 2, 3, 4]), f32([0, 1, 0.5])),
        lambda a, v: np.correlate(d(a), d(v), "same"),
        kw={"mode": "same"},
        tol=F,
        id="same",
    ),
    C(
        "correlate",
        (f32([1, 2, 3, 4, 5]), f32([2, 1])),
        lambda a, v: np.correlate(d(a), d(v), "same"),
        kw={"mode": "same"},
        tol=F,
        id="same-even",
    ),
    C(
        "correlate",
        (f32([1, 2, 3]), f32([0, 1, 0.5])),
        lambda a, v: np.correlate(d(a), d(v), "full"),
        kw={"mode": "full"},
        tol=F,
        id="full",
    ),
    C("corrcoef", rnd(3, 6), lambda x: np.corrcoef(d(x)), tol=L),
]

ALL_CASES = GATHER + SORT + SEARCH + PRODUCTS


@params(ALL_CASES)
def test_indexing_and_products(case):
    run_case(case)


def test_sort_keeps_dtype_and_handles_empty():
    from kerasx import ops

    from .helpers import check_output

    check_output(ops.sort(np.zeros((2, 0), np.float32)), np.zeros((2, 0)), "float32", EXACT)
    check_output(ops.argsort(np.array([2, 1], np.int32)), i32([1, 0]), "int32", EXACT)
