"""Array creation, window functions, triangles/diagonals and shape manipulation."""

from __future__ import annotations

import numpy as np

from .helpers import EXACT, C, T, d, f32, i32, params, rnd, run_case

X = rnd(2, 3, 4)
M = rnd(3, 4)
I = rnd(3, 4, lo=-9, hi=10, dtype="int32")
BOOL = rnd(2, 3, dtype="bool")
E = np.zeros((0, 3), np.float32)


def shape_is(shape, dtype=None):
    """Check for ops whose values are unspecified (``empty``)."""

    def check(out, *args):
        assert tuple(out.shape) == tuple(shape), f"shape {out.shape} != {shape}"

    return check


CREATION = [
    C("arange", (5,), np.arange(5), dtype="int32", id="stop"),
    C("arange", (1, 10, 3), np.arange(1, 10, 3), dtype="int32", id="start-stop-step"),
    C("arange", (5, 0, -2), np.arange(5, 0, -2), dtype="int32", id="negative-step"),
    C("arange", (0.0, 1.0, 0.25), np.arange(0.0, 1.0, 0.25), dtype="float32", id="float"),
    C("arange", (0, 1, 0.3), np.arange(0, 1, 0.3), dtype="float32", id="float-step"),
    C("arange", (4,), np.arange(4), kw={"dtype": "float32"}, dtype="float32", id="dtype"),
    C("arange", (0,), np.arange(0), dtype="int32", id="empty"),
    C("full", ((2, 3), 1.5), np.full((2, 3), 1.5), dtype="float32"),
    C("full", ((2,), 7), np.full((2,), 7), kw={"dtype": "int32"}, dtype="int32", id="int"),
    C("full", ((2, 2), True), np.full((2, 2), True), kw={"dtype": "bool"}, dtype="bool", id="bool"),
    C("zeros", ((2, 3),), np.zeros((2, 3)), dtype="float32"),
    C("zeros", ((2,), "int32"), np.zeros(2), dtype="int32", id="int"),
    C("zeros", ((0, 3),), np.zeros((0, 3)), dtype="float32", id="empty"),
    C("ones", ((3,),), np.ones(3), dtype="float32"),
    C("ones", ((2, 2),), np.ones((2, 2), bool), kw={"dtype": "bool"}, dtype="bool", id="bool"),
    C("empty", ((2, 3),), check=shape_is((2, 3)), dtype="float32"),
    C("empty", ((4,),), check=shape_is((4,)), kw={"dtype": "int32"}, dtype="int32", id="int"),
    C("full_like", (M, 2.0), lambda x, v: np.full_like(x, v)),
    C("full_like", (I, 7), lambda x, v: np.full_like(x, v), tol=EXACT, id="int"),
    C("full_like", (M, 3), lambda x, v: np.full(x.shape, 3), kw={"dtype": "int32"}, dtype="int32", id="dtype"),
    C("zeros_like", I, np.zeros_like, tol=EXACT),
    C("zeros_like", M, np.zeros_like, kw={"dtype": "int32"}, dtype="int32", id="dtype"),
    C("ones_like", M, np.ones_like),
    C("ones_like", BOOL, np.ones_like, id="bool"),
    C("empty_like", M, check=shape_is((3, 4)), dtype="float32"),
    C("eye", (3,), np.eye(3), dtype="float32"),
    C("eye", (3, 4), np.eye(3, 4, k=1), kw={"k": 1}, dtype="float32", id="k"),
    C("eye", (4, 3), np.eye(4, 3, k=-1), kw={"k": -1, "dtype": "int32"}, dtype="int32", id="int"),
    C("identity", (3,), np.identity(3), dtype="float32"),
    C("identity", (2,), np.identity(2), kw={"dtype": "int32"}, dtype="int32", id="int"),
    C("tri", (3,), np.tri(3), dtype="float32"),
    C("tri", (3, 4), np.tri(3, 4, 1), kw={"k": 1, "dtype": "int32"}, dtype="int32", id="k"),
    C("tri", (4, 2), np.tri(4, 2, -1), kw={"k": -1}, dtype="float32", id="k-neg"),
    C("linspace", (0, 1, 5), np.linspace(0, 1, 5), dtype="float32"),
    C("linspace", (2.0, 3.0, 4), np.linspace(2, 3, 4, endpoint=False), kw={"endpoint": False}, dtype="float32", id="endpoint"),
    C("linspace", (0, 8, 5), np.linspace(0, 8, 5), kw={"dtype": "int32"}, dtype="int32", id="int"),
    C("linspace", (-1.0, 1.0, 1), np.linspace(-1, 1, 1), dtype="float32", id="num1"),
    C("linspace", (f32([0.0, 1.0]), f32([1.0, 3.0]), 3), np.linspace([0.0, 1.0], [1.0, 3.0], 3), dtype="float32", id="array"),
    C("logspace", (0, 2, 5), np.logspace(0, 2, 5), dtype="float32", tol=T),
    C("logspace", (1.0, 4.0, 4), np.logspace(1, 4, 4, base=2.0), kw={"base": 2.0}, dtype="float32", tol=T, id="base"),
    C("logspace", (0.0, 1.0, 4), np.logspace(0, 1, 4, endpoint=False), kw={"endpoint": False}, dtype="float32", tol=T, id="endpoint"),
    C("geomspace", (1.0, 1000.0, 4), np.geomspace(1, 1000, 4), dtype="float32", tol=T),
    C("geomspace", (2.0, 32.0, 5), np.geomspace(2, 32, 5), dtype="float32", tol=T, id="powers-of-2"),
    C("array", ([1, 2, 3],), np.array([1, 2, 3]), dtype="int32", id="ints"),
    C("array", ([1.0, 2, 3],), np.array([1.0, 2, 3]), dtype="float32", id="mixed"),
    C("array", ([[True, False]],), np.array([[True, False]]), dtype="bool", id="bool"),
    C("array", (M,), lambda x: x, raw=True, id="numpy"),
    C("array", ([1, 2],), np.array([1.0, 2.0]), kw={"dtype": "float32"}, dtype="float32", id="dtype"),
    C("meshgrid", (f32([1, 2, 3]), f32([4, 5])), lambda a, b: np.meshgrid(a, b), id="xy"),
    C("meshgrid", (f32([1, 2, 3]), f32([4, 5])), lambda a, b: np.meshgrid(a, b, indexing="ij"), kw={"indexing": "ij"}, id="ij"),
    C("meshgrid", (i32([1, 2]), i32([3, 4, 5]), i32([6, 7, 8, 9])), lambda a, b, c: np.meshgrid(a, b, c), id="3d"),
]

WINDOWS = [
    C("hamming", (5,), np.hamming(5), dtype="float32"),
    C("hamming", (1,), np.hamming(1), dtype="float32", id="one"),
    C("hanning", (6,), np.hanning(6), dtype="float32", tol=T),
    C("blackman", (7,), np.blackman(7), dtype="float32", tol=(1e-4, 1e-6)),
    C("bartlett", (5,), np.bartlett(5), dtype="float32"),
    C("bartlett", (6,), np.bartlett(6), dtype="float32", id="even"),
]

T3 = rnd(2, 3, 4)
TRI_DIAG = [
    C("tril", M, np.tril, tol=EXACT),
    C("tril", M, lambda x: np.tril(x, 1), kw={"k": 1}, tol=EXACT, id="k1"),
    C("tril", I, lambda x: np.tril(x, -1), kw={"k": -1}, tol=EXACT, id="int"),
    C("tril", T3, np.tril, tol=EXACT, id="batched"),
    C("triu", M, np.triu, tol=EXACT),
    C("triu", M, lambda x: np.triu(x, -1), kw={"k": -1}, tol=EXACT, id="k-neg"),
    C("triu", T3, lambda x: np.triu(x, 2), kw={"k": 2}, tol=EXACT, id="batched"),
    C("diag", f32([1, 2, 3]), np.diag, tol=EXACT, id="1d"),
    C("diag", f32([1, 2, 3]), lambda x: np.diag(x, 1), kw={"k": 1}, tol=EXACT, id="1d-k1"),
    C("diag", i32([1, 2]), lambda x: np.diag(x, -2), kw={"k": -2}, tol=EXACT, id="1d-k-neg-int"),
    C("diag", M, np.diag, tol=EXACT, id="2d"),
    C("diag", M, lambda x: np.diag(x, 1), kw={"k": 1}, tol=EXACT, id="2d-k1"),
    C("diag", M, lambda x: np.diag(x, -1), kw={"k": -1}, tol=EXACT, id="2d-k-neg"),
    C("diagflat", f32([[1, 2], [3, 4]]), np.diagflat, tol=EXACT),
    C("diagflat", f32([1, 2]), lambda x: np.diagflat(x, 1), kw={"k": 1}, tol=EXACT, id="k1"),
    C("diagonal", M, np.diagonal, tol=EXACT),
    C("diagonal", M, lambda x: np.diagonal(x, 1), kw={"offset": 1}, tol=EXACT, id="offset"),
    C("diagonal", M, lambda x: np.diagonal(x, -1), kw={"offset": -1}, tol=EXACT, id="offset-neg"),
    C("diagonal", T3, lambda x: np.diagonal(x, 0, 1, 2), kw={"axis1": 1, "axis2": 2}, tol=EXACT, id="batched"),
    C("diagonal", T3, lambda x: np.diagonal(x, 1, 0, 2), kw={"offset": 1, "axis1": 0, "axis2": 2}, tol=EXACT, id="axes02"),
    C("trace", M, lambda x: np.trace(d(x))),
    C("trace", M, lambda x: np.trace(d(x), 1), kw={"offset": 1}, id="offset"),
    C("trace", I, np.trace, tol=EXACT, id="int"),
    C("trace", T3, lambda x: np.trace(d(x), 0, 1, 2), kw={"axis1": 1, "axis2": 2}, id="batched"),
    C("trace", BOOL, lambda x: np.trace(x), dtype="int32", id="bool"),
]

S = rnd(1, 3, 1, 2)
SHAPE = [
    C("reshape", (X, (6, 4)), lambda x, s: x.reshape(s), tol=EXACT),
    C("reshape", (X, (-1,)), lambda x, s: x.reshape(s), tol=EXACT, id="flat"),
    C("reshape", (X, (4, -1, 2)), lambda x, s: x.reshape(s), tol=EXACT, id="infer"),
    C("reshape", (I, (2, 6)), lambda x, s: x.reshape(s), tol=EXACT, id="int"),
    C("reshape", (E, (3, 0)), lambda x, s: x.reshape(s), tol=EXACT, id="empty"),
    C("ravel", X, np.ravel, tol=EXACT),
    C("transpose", X, np.transpose, tol=EXACT),
    C("transpose", (X, (1, 0, 2)), lambda x, p: np.transpose(x, p), tol=EXACT, id="perm"),
    C("transpose", I, np.transpose, tol=EXACT, id="int"),
    C("swapaxes", (X, 0, -1), np.swapaxes, tol=EXACT),
    C("swapaxes", (X, 1, 2), np.swapaxes, tol=EXACT, id="12"),
    C("moveaxis", (X, 0, -1), np.moveaxis, tol=EXACT),
    C("moveaxis", (X, [0, 1], [-1, 0]), np.moveaxis, tol=EXACT, id="lists"),
    C("expand_dims", (M, 0), np.expand_dims, tol=EXACT),
    C("expand_dims", (M, -1), np.expand_dims, tol=EXACT, id="neg"),
    C("expand_dims", (M, 1), np.expand_dims, tol=EXACT, id="middle"),
    C("expand_dims", (M, (0, -1)), np.expand_dims, tol=EXACT, id="tuple"),
    C("squeeze", S, np.squeeze, tol=EXACT),
    C("squeeze", S, lambda x: np.squeeze(x, 0), kw={"axis": 0}, tol=EXACT, id="axis"),
    C("squeeze", S, lambda x: np.squeeze(x, -2), kw={"axis": -2}, tol=EXACT, id="neg-axis"),
    C("squeeze", S, lambda x: np.squeeze(x, (0, 2)), kw={"axis": (0, 2)}, tol=EXACT, id="tuple"),
    C("broadcast_to", (rnd(1, 4), (3, 4)), np.broadcast_to, tol=EXACT),
    C("broadcast_to", (f32([1, 2, 3]), (2, 4, 3)), np.broadcast_to, tol=EXACT, id="new-dims"),
    C("broadcast_to", (I[:1, :1], (2, 2)), np.broadcast_to, tol=EXACT, id="int"),
    C("concatenate", ([rnd(2, 3), rnd(1, 3)],), lambda xs: np.concatenate(xs), tol=EXACT),
    C("concatenate", ([rnd(2, 3), rnd(2, 2)],), lambda xs: np.concatenate(xs, -1), kw={"axis": -1}, tol=EXACT, id="neg-axis"),
    C("concatenate", ([i32([[1, 2]]), f32([[0.5, 1.5]])],), lambda xs: np.concatenate(xs), dtype="float32", tol=EXACT, id="promote"),
    C("concatenate", ([rnd(2, 3), E],), lambda xs: np.concatenate(xs), tol=EXACT, id="empty"),
    C("concatenate", ([rnd(2, 1, 2), rnd(2, 3, 2), rnd(2, 2, 2)],), lambda xs: np.concatenate(xs, 1), kw={"axis": 1}, tol=EXACT, id="three"),
    C("append", (M, f32([1, 2])), np.append, tol=EXACT),
    C("append", (M, rnd(1, 4)), lambda a, b: np.append(a, b, axis=0), kw={"axis": 0}, tol=EXACT, id="axis"),
    C("stack", ([M, M * 2],), lambda xs: np.stack(xs), tol=EXACT),
    C("stack", ([M, M * 2, M],), lambda xs: np.stack(xs, -1), kw={"axis": -1}, tol=EXACT, id="neg-axis"),
    C("stack", ([I, I],), lambda xs: np.stack(xs, 1), kw={"axis": 1}, tol=EXACT, id="int"),
    C("hstack", ([f32([1, 2]), f32([3, 4, 5])],), lambda xs: np.hstack(xs), tol=EXACT, id="1d"),
    C("hstack", ([M, rnd(3, 2)],), lambda xs: np.hstack(xs), tol=EXACT, id="2d"),
    C("vstack", ([f32([1, 2]), f32([3, 4])],), lambda xs: np.vstack(xs), tol=EXACT, id="1d"),
    C("vstack", ([M, rnd(2, 4)],), lambda xs: np.vstack(xs), tol=EXACT, id="2d"),
    C("dstack", ([f32([1, 2]), f32([3, 4])],), lambda xs: np.dstack(xs), tol=EXACT, id="1d"),
    C("dstack", ([M, M],), lambda xs: np.dstack(xs), tol=EXACT, id="2d"),
    C("split", (rnd(6, 4), 3), lambda x, n: np.split(x, n), tol=EXACT),
    C("split", (rnd(6, 4), [1, 4]), lambda x, n: np.split(x, n), tol=EXACT, id="points"),
    C("split", (rnd(6, 4), 2), lambda x, n: np.split(x, n, -1), kw={"axis": -1}, tol=EXACT, id="neg-axis"),
    C("split", (rnd(3, 5), [2]), lambda x, n: np.split(x, n, 1), kw={"axis": 1}, tol=EXACT, id="one-point"),
    C("array_split", (rnd(7, 2), 3), lambda x, n: np.array_split(x, n), tol=EXACT),
    C("array_split", (rnd(2, 5), 2), lambda x, n: np.array_split(x, n, 1), kw={"axis": 1}, tol=EXACT, id="axis"),
    C("hsplit", (rnd(3, 4), 2), np.hsplit, tol=EXACT),
    C("hsplit", (f32([1, 2, 3, 4, 5, 6]), 3), np.hsplit, tol=EXACT, id="1d"),
    C("vsplit", (rnd(4, 3), [1, 3]), np.vsplit, tol=EXACT),
    C("dsplit", (rnd(2, 2, 4), 2), np.dsplit, tol=EXACT),
    C("tile", (f32([1, 2, 3]), 2), np.tile, tol=EXACT),
    C("tile", (M, (2, 1)), np.tile, tol=EXACT, id="tuple"),
    C("tile", (M, (2, 1, 2)), np.tile, tol=EXACT, id="more-dims"),
    C("tile", (I, (1, 2)), np.tile, tol=EXACT, id="int"),
    C("repeat", (M, 2), np.repeat, tol=EXACT, id="flat"),
    C("repeat", (M, 2), lambda x, r: np.repeat(x, r, 0), kw={"axis": 0}, tol=EXACT, id="axis0"),
    C("repeat", (M, [1, 0, 2, 1]), lambda x, r: np.repeat(x, r, -1), kw={"axis": -1}, tol=EXACT, id="per-element-list"),
    C("repeat", (M, i32([2, 1, 0])), lambda x, r: np.repeat(x, r, 0), kw={"axis": 0}, tol=EXACT, id="per-element-tensor"),
    C("repeat", (I, 3), lambda x, r: np.repeat(x, r, 1), kw={"axis": 1}, tol=EXACT, id="int"),
    C("flip", X, np.flip, tol=EXACT),
    C("flip", X, lambda x: np.flip(x, 0), kw={"axis": 0}, tol=EXACT, id="axis0"),
    C("flip", X, lambda x: np.flip(x, -1), kw={"axis": -1}, tol=EXACT, id="neg"),
    C("flip", X, lambda x: np.flip(x, (0, 2)), kw={"axis": (0, 2)}, tol=EXACT, id="tuple"),
    C("fliplr", M, np.fliplr, tol=EXACT),
    C("flipud", M, np.flipud, tol=EXACT),
    C("flipud", I, np.flipud, tol=EXACT, id="int"),
    C("rot90", M, np.rot90, tol=EXACT),
    C("rot90", M, lambda x: np.rot90(x, 2), kw={"k": 2}, tol=EXACT, id="k2"),
    C("rot90", M, lambda x: np.rot90(x, 3), kw={"k": 3}, tol=EXACT, id="k3"),
    C("rot90", M, lambda x: np.rot90(x, -1), kw={"k": -1}, tol=EXACT, id="k-neg"),
    C("rot90", X, lambda x: np.rot90(x, 1, (1, 2)), kw={"k": 1, "axes": (1, 2)}, tol=EXACT, id="axes"),
    C("roll", (M, 2), np.roll, tol=EXACT, id="flat"),
    C("roll", (M, -1), lambda x, s: np.roll(x, s, 1), kw={"axis": 1}, tol=EXACT, id="axis"),
    C("roll", (X, (1, 2)), lambda x, s: np.roll(x, s, (0, 2)), kw={"axis": (0, 2)}, tol=EXACT, id="tuple"),
    C("roll", (I, 5), lambda x, s: np.roll(x, s, 0), kw={"axis": 0}, tol=EXACT, id="int-wrap"),
    C("pad", (M, 1), np.pad, tol=EXACT, id="int"),
    C("pad", (f32([1, 2, 3]), ((1, 2),)), np.pad, tol=EXACT, id="pair"),
    C("pad", (M, (1, 2)), np.pad, tol=EXACT, id="pair-all-axes"),
    C("pad", (X, [(0, 0), (1, 2), (2, 1)]), lambda x, p: np.pad(x, p, constant_values=1.5), kw={"constant_values": 1.5}, tol=EXACT, id="value"),
    C("pad", (M, [(2, 1), (1, 3)]), lambda x, p: np.pad(x, p, mode="reflect"), kw={"mode": "reflect"}, tol=EXACT, id="reflect"),
    C("pad", (M, [(2, 1), (1, 3)]), lambda x, p: np.pad(x, p, mode="symmetric"), kw={"mode": "symmetric"}, tol=EXACT, id="symmetric"),
    C("pad", (I, [(1, 1), (0, 2)]), lambda x, p: np.pad(x, p, constant_values=-1), kw={"constant_values": -1}, tol=EXACT, id="int-value"),
    C("ndim", X, 3, dtype=None),
    C("ndim", f32(1.0), 0, dtype=None, id="scalar"),
    C("size", X, 24, dtype=None),
    C("size", E, 0, dtype=None, id="empty"),
]

ALL_CASES = CREATION + WINDOWS + TRI_DIAG + SHAPE


@params(ALL_CASES)
def test_creation_and_shape(case):
    run_case(case)

