"""Core ops: conversion and casting, scatter/slice updates, control flow, scans,
custom gradients, indexing (``Backend.get_item``) and symbolic shape inference."""

from __future__ import annotations

import numpy as np
import pytest

from kerasx import ops

from .helpers import (
    EXACT,
    TRAINABLE,
    B,
    C,
    F,
    L,
    check_output,
    covers,
    f32,
    i32,
    params,
    rnd,
    run_case,
    to_numpy,
)

X = rnd(3, 4)
I = i32([[1, 2, 3], [4, 5, 6]])

CONVERT = [
    C("convert_to_tensor", (1.5,), f32(1.5), dtype="float32", id="pyfloat"),
    C("convert_to_tensor", (3,), i32(3), dtype="int32", id="pyint"),
    C("convert_to_tensor", (True,), np.True_, dtype="bool", id="pybool"),
    C(
        "convert_to_tensor",
        ([[1, 2], [3, 4]],),
        i32([[1, 2], [3, 4]]),
        dtype="int32",
        id="int-list",
    ),
    C("convert_to_tensor", ([1, 2.5],), f32([1, 2.5]), dtype="float32", id="mixed-list"),
    C("convert_to_tensor", ([True, False],), np.array([True, False]), dtype="bool", id="bool-list"),
    C("convert_to_tensor", (X,), lambda x: x, raw=True, tol=EXACT, id="numpy-float32"),
    C(
        "convert_to_tensor",
        (np.array([1, -2], np.int8),),
        lambda x: x,
        raw=True,
        tol=EXACT,
        id="numpy-int8",
    ),
    C(
        "convert_to_tensor",
        (np.array([1, 2], np.uint8),),
        lambda x: x,
        raw=True,
        tol=EXACT,
        id="numpy-uint8",
    ),
    C(
        "convert_to_tensor",
        (np.array([1.5], np.float16),),
        lambda x: x,
        raw=True,
        tol=EXACT,
        id="numpy-float16",
    ),
    C("convert_to_tensor", (X,), lambda x: x, tol=EXACT, id="tensor"),
    C(
        "convert_to_tensor",
        ([1, 2],),
        f32([1, 2]),
        kw={"dtype": "float32"},
        dtype="float32",
        id="dtype",
    ),
    C(
        "convert_to_tensor",
        (X,),
        lambda x: x.astype("float16"),
        kw={"dtype": "float16"},
        dtype="float16",
        tol=(1e-3, 1e-3),
        id="tensor-cast",
    ),
    C(
        "cast",
        (f32([-1.7, -0.5, 0.5, 2.9]), "int32"),
        i32([-1, 0, 0, 2]),
        dtype="int32",
        id="float-to-int-truncates",
    ),
    C("cast", (I, "float32"), lambda x, t: x.astype(t), dtype="float32"),
    C(
        "cast",
        (f32([0.0, 2.0, -0.5]), "bool"),
        np.array([False, True, True]),
        dtype="bool",
        id="to-bool",
    ),
    C("cast", (np.array([True, False]), "int32"), i32([1, 0]), dtype="int32", id="from-bool"),
    C(
        "cast",
        (X, "float16"),
        lambda x, t: x.astype(t),
        dtype="float16",
        tol=(1e-3, 1e-3),
        id="float16",
    ),
    C(
        "saturate_cast",
        (f32([-10.0, 100.5, 300.0]), "uint8"),
        np.array([0, 100, 255], np.uint8),
        dtype="uint8",
    ),
    C(
        "saturate_cast",
        (i32([-1000, 5, 1000]), "int8"),
        np.array([-128, 5, 127], np.int8),
        dtype="int8",
        id="int",
    ),
    C("stop_gradient", X, lambda x: x, tol=EXACT),
]

SCATTER = [
    C(
        "scatter",
        (i32([[0], [2], [0]]), f32([1.0, 2.0, 3.0]), (4,)),
        f32([4.0, 0.0, 2.0, 0.0]),
        dtype="float32",
        id="duplicates-sum",
    ),
    C(
        "scatter",
        (i32([[0, 1], [2, 2]]), f32([5.0, 6.0]), (3, 3)),
        f32([[0, 5, 0], [0, 0, 0], [0, 0, 6]]),
        dtype="float32",
        id="2d",
    ),
    C(
        "scatter",
        (i32([[1], [3]]), f32([[1, 2], [3, 4]]), (4, 2)),
        f32([[0, 0], [1, 2], [0, 0], [3, 4]]),
        dtype="float32",
        id="rows",
    ),
    C("scatter", (i32([[1]]), i32([7]), (3,)), i32([0, 7, 0]), id="int"),
    C(
        "scatter_update",
        (np.zeros((4, 3), np.float32), i32([[0, 1], [3, 2]]), f32([1.0, 2.0])),
        f32([[0, 1, 0], [0, 0, 0], [0, 0, 0], [0, 0, 2]]),
    ),
    C(
        "scatter_update",
        (X, i32([[1], [0]]), rnd(2, 4)),
        lambda x, i, u: np.concatenate([u[1:2], u[0:1], x[2:]]),
        tol=EXACT,
        id="rows",
    ),
    C(
        "scatter_update",
        (f32([1, 2, 3]), i32([[0], [2], [0]]), f32([10, 20, 30])),
        f32([41, 2, 23]),
        kw={"reduction": "add"},
        id="add",
    ),
    C(
        "scatter_update",
        (f32([1, 5, 3]), i32([[0], [1], [0]]), f32([4, 2, -1])),
        f32([4, 5, 3]),
        kw={"reduction": "max"},
        id="max",
    ),
    C(
        "scatter_update",
        (f32([1, 5, 3]), i32([[0], [1], [0]]), f32([4, 2, -1])),
        f32([-1, 2, 3]),
        kw={"reduction": "min"},
        id="min",
    ),
    C(
        "scatter_update",
        (f32([1, 5, 3]), i32([[0], [1], [0]]), f32([4, 2, -1])),
        f32([-4, 10, 3]),
        kw={"reduction": "mul"},
        id="mul",
    ),
    C("slice", (X, (1, 0), (2, 3)), lambda x, s, sh: x[1:3, 0:3], tol=EXACT),
    C("slice", (X, [0, 2], [3, 2]), lambda x, s, sh: x[:, 2:4], tol=EXACT, id="lists"),
    C(
        "slice",
        (X, i32([2, 1]), (1, 2)),
        lambda x, s, sh: x[2:3, 1:3],
        tol=EXACT,
        id="tensor-start",
    ),
    C(
        "slice_update",
        (X, (1, 2), f32([[9, 8], [7, 6]])),
        lambda x, s, u: np.concatenate([x[:1], np.concatenate([x[1:3, :2], u], 1)]),
        tol=EXACT,
    ),
    C(
        "slice_update",
        (I, i32([0, 1]), i32([[0, 0]])),
        i32([[1, 0, 0], [4, 5, 6]]),
        id="tensor-start-int",
    ),
]

T3 = rnd(3, 2, 4)
UNSTACK = [
    C("unstack", T3, lambda x: [x[0], x[1], x[2]], tol=EXACT),
    C("unstack", T3, lambda x: [x[:, 0], x[:, 1]], kw={"axis": 1}, tol=EXACT, id="axis1"),
    C(
        "unstack",
        T3,
        lambda x: [x[..., i] for i in range(4)],
        kw={"axis": -1, "num": 4},
        tol=EXACT,
        id="neg-axis-num",
    ),
]

ALL_CASES = CONVERT + SCATTER + UNSTACK


@params(ALL_CASES)
def test_core(case):
    run_case(case)


@covers("convert_to_numpy", "is_tensor", "shape", "dtype")
def test_conversion_helpers():
    t = ops.convert_to_tensor(X)
    assert ops.is_tensor(t)
    assert not ops.is_tensor(X) or B.name == "numpy"
    assert not ops.is_tensor([1.0, 2.0])
    n = ops.convert_to_numpy(t)
    assert isinstance(n, np.ndarray) and n.dtype == np.float32
    np.testing.assert_array_equal(n, X)
    assert tuple(ops.shape(t)) == (3, 4)
    assert ops.shape(ops.zeros((0, 2))) == (0, 2)
    assert ops.dtype(t) == "float32"
    assert ops.dtype(ops.convert_to_tensor([1, 2])) == "int32"
    assert ops.dtype(ops.cast(t, "float16")) == "float16"


# ----------------------------------------------------------------- control flow
@covers("cond")
def test_cond():
    x = ops.convert_to_tensor(f32([1.0, 2.0]))
    check_output(
        ops.cond(True, lambda: ops.multiply(x, 2.0), lambda: ops.add(x, 1.0)),
        f32([2, 4]),
        "float32",
        F,
    )
    pred = ops.less(ops.sum(x), 0.0)
    check_output(
        ops.cond(pred, lambda: ops.multiply(x, 2.0), lambda: ops.add(x, 1.0)),
        f32([2, 3]),
        "float32",
        F,
    )
    out = ops.cond(
        ops.convert_to_tensor(True), lambda: (x, ops.sum(x)), lambda: (ops.negative(x), ops.max(x))
    )
    check_output(out, (f32([1, 2]), f32(3)), "float32", F)


@covers("while_loop")
def test_while_loop():
    i0, s0 = ops.convert_to_tensor(0), ops.convert_to_tensor(1.0)
    out = ops.while_loop(
        lambda i, s: ops.less(i, 5), lambda i, s: (ops.add(i, 1), ops.multiply(s, 2.0)), (i0, s0)
    )
    assert isinstance(out, tuple) and len(out) == 2
    check_output(out, (i32(5), f32(32.0)), ("int32", "float32"), EXACT)
    out = ops.while_loop(
        lambda i, s: ops.less(i, 100),
        lambda i, s: [ops.add(i, 1), ops.add(s, 1.0)],
        [i0, s0],
        maximum_iterations=3,
    )
    assert isinstance(out, list)
    check_output(out, [i32(3), f32(4.0)], ("int32", "float32"), EXACT)
    single = ops.while_loop(
        lambda v: ops.less(ops.sum(v), 10.0),
        lambda v: ops.multiply(v, 2.0),
        ops.convert_to_tensor(f32([1.0, 1.0])),
    )
    single = single[0] if isinstance(single, (tuple, list)) else single
    check_output(single, f32([8.0, 8.0]), "float32", EXACT)


@covers("fori_loop")
def test_fori_loop():
    out = ops.fori_loop(
        0, 5, lambda i, acc: ops.add(acc, ops.cast(i, "float32")), ops.convert_to_tensor(0.5)
    )
    check_output(out, f32(10.5), "float32", F)
    out = ops.fori_loop(
        2, 4, lambda i, acc: ops.multiply(acc, 3), ops.convert_to_tensor(i32([1, 2]))
    )
    check_output(out, i32([9, 18]), "int32", EXACT)


@covers("scan")
def test_scan():
    xs = ops.convert_to_tensor(f32([[1, 2], [3, 4], [5, 6]]))

    def step(carry, x):
        new = ops.add(carry, x)
        return new, ops.multiply(new, 2.0)

    carry, ys = ops.scan(step, ops.zeros((2,)), xs)
    check_output(carry, f32([9, 12]), "float32", F)
    check_output(ys, f32([[2, 4], [8, 12], [18, 24]]), "float32", F)
    carry, ys = ops.scan(step, ops.zeros((2,)), xs, reverse=True)
    check_output(carry, f32([9, 12]), "float32", F)
    check_output(ys, f32([[18, 24], [16, 20], [10, 12]]), "float32", F)
    carry, ys = ops.scan(lambda c, _: (ops.add(c, 1), c), ops.convert_to_tensor(0), None, length=4)
    check_output(carry, i32(4), "int32", EXACT)
    check_output(ys, i32([0, 1, 2, 3]), "int32", EXACT)
    pytree = {"a": xs, "b": ops.convert_to_tensor(f32([1, 1, 1]))}
    carry, ys = ops.scan(
        lambda c, x: (ops.add(c, x["b"]), ops.sum(x["a"])), ops.convert_to_tensor(0.0), pytree
    )
    check_output(carry, f32(3.0), "float32", F)
    check_output(ys, f32([3, 7, 11]), "float32", F)


@covers("map")
def test_map():
    xs = ops.convert_to_tensor(rnd(3, 4))
    check_output(
        ops.map(lambda x: ops.sum(ops.square(x)), xs),
        (to_numpy(xs).astype(np.float64) ** 2).sum(1),
        "float32",
        L,
    )
    out = ops.map(lambda x: (x["u"] * 2, ops.max(x["v"])), {"u": xs, "v": xs})
    check_output(out, (to_numpy(xs) * 2, to_numpy(xs).max(1)), "float32", F)


@covers("vectorized_map")
def test_vectorized_map():
    xs = ops.convert_to_tensor(rnd(3, 4))
    w = ops.convert_to_tensor(rnd(4, 2))
    out = ops.vectorized_map(lambda x: ops.matmul(x, w), xs)
    check_output(out, to_numpy(xs).astype(np.float64) @ to_numpy(w), "float32", L)
    out = ops.vectorized_map(lambda x: ops.add(x[0], x[1]), (xs, xs))
    check_output(out, to_numpy(xs) * 2, "float32", F)


@covers("switch")
def test_switch():
    branches = [
        lambda x: ops.add(x, 1.0),
        lambda x: ops.multiply(x, 10.0),
        lambda x: ops.negative(x),
    ]
    x = ops.convert_to_tensor(f32([1.0, 2.0]))
    check_output(ops.switch(1, branches, x), f32([10, 20]), "float32", F)
    check_output(ops.switch(ops.convert_to_tensor(2), branches, x), f32([-1, -2]), "float32", F)
    check_output(
        ops.switch(ops.convert_to_tensor(7), branches, x), f32([-1, -2]), "float32", F
    )  # clamped
    check_output(ops.switch(-3, branches, x), f32([2, 3]), "float32", F)  # clamped
    check_output(ops.switch(0, [lambda a, b: ops.add(a, b)], x, x), f32([2, 4]), "float32", F)


@covers("associative_scan")
def test_associative_scan():
    x = f32([[1, 2, 3, 4], [5, 6, 7, 8]])
    check_output(
        ops.associative_scan(lambda a, b: ops.add(a, b), ops.convert_to_tensor(x[0])),
        np.cumsum(x[0]),
        "float32",
        F,
    )
    check_output(
        ops.associative_scan(lambda a, b: ops.add(a, b), ops.convert_to_tensor(x), axis=1),
        np.cumsum(x, 1),
        "float32",
        F,
    )
    rev = np.cumsum(x[0][::-1])[::-1]
    check_output(
        ops.associative_scan(lambda a, b: ops.add(a, b), ops.convert_to_tensor(x[0]), reverse=True),
        rev,
        "float32",
        F,
    )
    check_output(
        ops.associative_scan(
            lambda a, b: ops.maximum(a, b), ops.convert_to_tensor(f32([1, 3, 2, 5, 4]))
        ),
        f32([1, 3, 3, 5, 5]),
        "float32",
        EXACT,
    )
    pair = ops.associative_scan(
        lambda a, b: (ops.add(a[0], b[0]), ops.multiply(a[1], b[1])),
        (ops.convert_to_tensor(x[0]), ops.convert_to_tensor(x[1])),
    )
    check_output(pair, (np.cumsum(x[0]), np.cumprod(x[1])), "float32", F)


@covers("custom_gradient")
def test_custom_gradient():
    @ops.custom_gradient
    def clipped_square(x):
        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.multiply(upstream, 100.0)

        return ops.square(x), grad

    x = ops.convert_to_tensor(f32([1.0, -2.0, 3.0]))
    check_output(clipped_square(x), f32([1, 4, 9]), "float32", F)
    if not TRAINABLE:
        return
    value, grads = B.value_and_grad(lambda t: ops.sum(clipped_square(t)))(x)
    check_output(value, f32(14.0), "float32", F)
    check_output(grads, f32([100, 100, 100]), "float32", F)


GET_ITEM = [
    ((1,), lambda x: x[1]),
    ((-1,), lambda x: x[-1]),
    ((slice(1, None),), lambda x: x[1:]),
    ((slice(None, None, -1),), lambda x: x[::-1]),
    (((slice(None), 2),), lambda x: x[:, 2]),
    (((Ellipsis, 0),), lambda x: x[..., 0]),
    (((None, slice(0, 2)),), lambda x: x[None, 0:2]),
    (((1, None, slice(None, None, 2)),), lambda x: x[1, None, ::2]),
    ((i32([2, 0, 2]),), lambda x: x[np.array([2, 0, 2])]),
    ((np.array([True, False, True]),), lambda x: x[np.array([True, False, True])]),
    (((slice(None), i32([3, 1])),), lambda x: x[:, np.array([3, 1])]),
    ((X > 0,), lambda x: x[X > 0]),
]


@pytest.mark.parametrize("key,ref", GET_ITEM, ids=[f"key{i}" for i in range(len(GET_ITEM))])
def test_get_item(key, ref):
    """``Backend.get_item`` (the backend side of ``tensor[key]``), NumPy semantics."""
    (k,) = key
    if isinstance(k, np.ndarray):
        k = ops.convert_to_tensor(k)
    out = B.get_item(ops.convert_to_tensor(X), k)
    check_output(out, ref(X), "float32", EXACT)


@covers("add", "matmul", "sum", "reshape", "concatenate", "conv", "argmax")
def test_symbolic_shape_inference():
    """Ops on KerasTensors infer shapes (``Backend.compute_output_spec``), None dims kept."""
    from kerasx.engine.keras_tensor import KerasTensor

    a = KerasTensor((None, 3))
    b = KerasTensor((3, 5))
    out = ops.matmul(a, b)
    assert isinstance(out, KerasTensor) and out.shape == (None, 5) and out.dtype == "float32"
    assert ops.add(a, 1).shape == (None, 3)
    assert ops.sum(a, axis=1).shape == (None,)
    assert ops.reshape(KerasTensor((2, 6)), (3, 4)).shape == (3, 4)
    assert ops.concatenate([a, a], axis=-1).shape == (None, 6)
    assert ops.argmax(KerasTensor((None, 4)), axis=-1).dtype == "int32"
    img = KerasTensor((None, 8, 8, 3))
    assert ops.conv(img, KerasTensor((3, 3, 3, 4)), strides=2, padding="same").shape == (
        None,
        4,
        4,
        4,
    )
    assert ops.add(KerasTensor((None, 2), "int32"), 1.5).dtype == "float32"


# ------------------------------------------------------- backend-level contract
def _wrap32(v):
    """int64 values -> int32 with two's-complement wrap-around."""
    return np.asarray(np.asarray(v, np.int64) & 0xFFFFFFFF).astype(np.uint32).view(np.int32)


class _NumpyInt32:
    """The int32 ops ``common.portable_random`` needs, evaluated with NumPy."""

    def convert_to_tensor(self, x, dtype=None):
        return np.asarray(x, dtype=dtype or np.int32)

    def cast(self, x, dtype):
        return np.asarray(x).astype(dtype)

    def get_item(self, x, i):
        return np.asarray(x)[i]

    def arange(self, n, dtype=None):
        return np.arange(n, dtype=np.int32)

    def reshape(self, x, shape):
        return np.reshape(x, shape)

    def add(self, a, b):
        return _wrap32(np.asarray(a, np.int64) + np.asarray(b, np.int64))

    def multiply(self, a, b):
        return _wrap32(np.asarray(a, np.int64) * np.asarray(b, np.int64))

    def bitwise_xor(self, a, b):
        return np.bitwise_xor(
            np.int32(a) if np.ndim(a) == 0 else a, np.int32(b) if np.ndim(b) == 0 else b
        )

    def bitwise_and(self, a, b):
        return np.bitwise_and(a, np.int32(b) if isinstance(b, int) else b)

    def bitwise_right_shift(self, a, k):
        return np.right_shift(a, np.int32(k))


@pytest.mark.parametrize("seed", [0, 42, 2**40 + 7])
def test_random_bits_are_portable(seed):
    """``random_bits`` must equal the same int32 arithmetic done in NumPy (wrapping
    multiply, arithmetic shift), which makes every backend draw identical bits."""
    from kerasx.backends.common import portable_random

    with np.errstate(over="ignore"):
        want = portable_random.random_bits(_NumpyInt32(), (3, 5), seed)
    got = B.random_bits((3, 5), seed)
    check_output(got, want, "int32", EXACT)
    u = to_numpy(B.random_uniform((2000,), seed, 1.0, 3.0))
    assert u.dtype == np.float32 and u.min() >= 1.0 and u.max() < 3.0 and abs(u.mean() - 2.0) < 0.05
    z = to_numpy(B.random_normal((2000,), seed, mean=1.0, stddev=2.0))
    assert abs(z.mean() - 1.0) < 0.15 and abs(z.std() - 2.0) < 0.15


def test_variables():
    h = B.variable_create(ops.convert_to_tensor(f32([1.0, 2.0])), True, "v")
    check_output(B.variable_read(h), f32([1.0, 2.0]), "float32", EXACT)
    B.variable_assign(h, ops.convert_to_tensor(f32([3.0, -1.0])))
    check_output(B.variable_read(h), f32([3.0, -1.0]), "float32", EXACT)
    hi = B.variable_create(ops.convert_to_tensor(i32([1, 2])), False, "counter")
    B.variable_assign(hi, ops.add(B.variable_read(hi), 1))
    check_output(B.variable_read(hi), i32([2, 3]), "int32", EXACT)


@covers("slice", "slice_update", "cond", "while_loop", "scatter_update", "fori_loop")
def test_control_flow_and_dynamic_slices_compile():
    """Inside ``compile_function`` (jax.jit / tf.function): traced predicates, loops and
    start indices that are tensors."""

    def fn(x, start):
        block = ops.slice(x, [start, 0], (2, 2))
        y = ops.slice_update(x, [0, start], ops.multiply(block, 10.0))
        y = ops.cond(
            ops.greater(ops.sum(block), 0.0), lambda: ops.add(y, 1.0), lambda: ops.subtract(y, 1.0)
        )
        i, acc = ops.while_loop(
            lambda i, a: ops.less(i, start + 2),
            lambda i, a: (ops.add(i, 1), ops.add(a, 1.0)),
            (ops.convert_to_tensor(0), ops.convert_to_tensor(0.0)),
        )
        z = ops.scatter_update(
            y, ops.reshape(ops.stack([start, start]), (1, 2)), ops.reshape(acc, (1,))
        )
        return z, ops.fori_loop(0, 3, lambda j, a: ops.add(a, j), start)

    x = rnd(4, 4)
    compiled = B.compile_function(fn)
    for s in (1, 2):
        block = x[s : s + 2, 0:2]
        want = x.astype(np.float64).copy()
        want[0:2, s : s + 2] = block * 10
        want += 1.0 if block.sum() > 0 else -1.0
        want[s, s] = s + 2
        out = compiled(ops.convert_to_tensor(x), ops.convert_to_tensor(s))
        check_output(out, (want, i32(s + 3)), ("float32", "int32"), F)


def test_64_bit_inputs():
    """NumPy 64-bit arrays keep their dtype, except on JAX without x64 (32-bit)."""
    f64 = "float32" if B.name == "jax" else "float64"
    i64 = "int32" if B.name == "jax" else "int64"
    check_output(ops.convert_to_tensor(np.array([1.5, 2.0])), np.array([1.5, 2.0]), f64, EXACT)
    check_output(ops.convert_to_tensor(np.array([1, 2], np.int64)), np.array([1, 2]), i64, EXACT)
    check_output(ops.add(np.array([1.5]), 1), np.array([2.5]), f64, EXACT)
    check_output(ops.add(np.array([1.5]), np.array([1.0], np.float32)), np.array([2.5]), f64, EXACT)


def test_python_inputs():
    """Every op accepts Python scalars and nested lists (ints -> int32, floats -> float32)."""
    check_output(ops.add([1, 2], 3), i32([4, 5]), "int32", EXACT)
    check_output(ops.multiply([[1.0], [2.0]], [1, 2]), f32([[1, 2], [2, 4]]), "float32", EXACT)
    check_output(ops.exp([0.0, 1.0]), np.exp([0.0, 1.0]), "float32", F)
    check_output(ops.sqrt(4), f32(2.0), "float32", F)
    check_output(ops.where([True, False], [1, 2], [3, 4]), i32([1, 4]), "int32", EXACT)
    check_output(ops.matmul([[1, 2]], [[3], [4]]), i32([[11]]), "int32", EXACT)
    check_output(ops.maximum(2, 3.5), f32(3.5), "float32", EXACT)
    check_output(ops.concatenate([[1, 2], [3]]), i32([1, 2, 3]), "int32", EXACT)
