"""Elementwise NumPy-like ops: unary maths, binary arithmetic, comparisons, logic,
bitwise ops, and Keras 3 dtype promotion (Python scalars are weak)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .helpers import EXACT, SAME, C, T, arr, away, d, f32, i32, params, rnd, run_case
from .references import erf

X = rnd(3, 4)  # float32 in [-2, 2)
XP = rnd(3, 4, lo=0.1, hi=3.0)  # positive
XU = rnd(2, 5, lo=-0.9, hi=0.9)  # inside (-1, 1)
XG = rnd(2, 3, lo=1.1, hi=4.0)  # > 1
I = rnd(3, 4, lo=-5, hi=6, dtype="int32")
IP = rnd(2, 3, lo=1, hi=9, dtype="int32")
BOOL = np.array([[True, False, True], [False, False, True]])
E = np.zeros((0, 3), np.float32)  # empty


def un(op, fn, x=X, dtype=SAME, tol=T, id="", **kw):
    """Unary case with a float64 reference ``fn``."""
    return C(op, x, lambda a: fn(d(a)), dtype=dtype, tol=tol, id=id, kw=kw)


FLOAT_UNARY = [
    un("exp", np.exp),
    un("exp", np.exp, I, dtype="float32", id="int"),
    un("exp", np.exp, E, id="empty"),
    un("exp2", np.exp2),
    un("exp2", np.exp2, I, dtype="float32", id="int"),
    un("expm1", np.expm1),
    un("log", np.log, XP),
    un("log", np.log, IP, dtype="float32", id="int"),
    un("log1p", np.log1p, XP),
    un("log2", np.log2, XP),
    un("log10", np.log10, XP),
    un("log10", np.log10, IP, dtype="float32", id="int"),
    un("sqrt", np.sqrt, XP),
    un("sqrt", np.sqrt, IP, dtype="float32", id="int"),
    un("sqrt", np.sqrt, BOOL, dtype="float32", id="bool"),
    un("cbrt", np.cbrt),
    un("reciprocal", lambda a: 1 / a, XP),
    un("sin", np.sin),
    un("sin", np.sin, I, dtype="float32", id="int"),
    un("cos", np.cos),
    un("tan", np.tan, XU),
    un("arcsin", np.arcsin, XU),
    un("arccos", np.arccos, XU),
    un("arctan", np.arctan),
    un("arctan", np.arctan, I, dtype="float32", id="int"),
    un("sinh", np.sinh),
    un("cosh", np.cosh),
    un("tanh", np.tanh),
    un("tanh", np.tanh, I, dtype="float32", id="int"),
    un("arcsinh", np.arcsinh),
    un("arccosh", np.arccosh, XG),
    un("arctanh", np.arctanh, XU),
    un("deg2rad", np.deg2rad, X * 90),
    un("deg2rad", np.deg2rad, I, dtype="float32", id="int"),
    un("rad2deg", np.rad2deg),
    un("rad2deg", np.rad2deg, I, dtype="float32", id="int"),
    un("sinc", np.sinc, f32([[-1.5, -0.5, 0.0, 0.25, 1.0, 2.5]])),
    un("fabs", np.fabs),
    un("fabs", np.fabs, I, dtype="float32", id="int"),
    un("exp", np.exp, arr([-1.0, 0.5, 2.0], "float16"), tol=(2e-3, 2e-3), id="float16"),
    un("sqrt", np.sqrt, arr([0.25, 2.0, 9.0], "float16"), tol=(2e-3, 2e-3), id="float16"),
    un("tanh", np.tanh, arr([-1.0, 0.5, 2.0], "float16"), tol=(2e-3, 2e-3), id="float16"),
]

KEEP_UNARY = [
    un("abs", np.abs, tol=EXACT),
    un("abs", np.abs, I, tol=EXACT, id="int"),
    un("abs", np.abs, arr([-128 + 1, -3, 0, 5], "int8"), tol=EXACT, id="int8"),
    un("absolute", np.abs, tol=EXACT),
    un("absolute", np.abs, I, tol=EXACT, id="int"),
    un("negative", np.negative, tol=EXACT),
    un("negative", np.negative, I, tol=EXACT, id="int"),
    un("sign", np.sign, f32([[-2.5, 0.0, 3.0], [1e-3, -1e-3, 0.0]]), tol=EXACT),
    un("sign", np.sign, I, tol=EXACT, id="int"),
    un("square", np.square),
    un("square", np.square, I, tol=EXACT, id="int"),
    C("square", BOOL, BOOL.astype("int32"), dtype="int32", id="bool"),
    un("floor", np.floor, X * 3, tol=EXACT),
    un("ceil", np.ceil, X * 3, tol=EXACT),
    un("trunc", np.trunc, X * 3, tol=EXACT),
    un("trunc", lambda a: a, I, tol=EXACT, id="int"),
    un(
        "round",
        np.round,
        f32([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.4, -3.7]),
        tol=EXACT,
        id="half-even",
    ),
    C(
        "round",
        f32([0.25, 0.75, -1.25, 3.14159]),
        f32([0.2, 0.8, -1.2, 3.1]),
        kw={"decimals": 1},
        id="decimals1",
    ),
    C(
        "round",
        f32([0.125, 3.14159, -7.0625]),
        f32([0.12, 3.14, -7.06]),
        kw={"decimals": 2},
        tol=(1e-6, 1e-6),
        id="decimals2",
    ),
    un("conj", np.conj, tol=EXACT),
    un("conjugate", np.conj, tol=EXACT),
    un("real", np.real, tol=EXACT),
    un("imag", np.imag, tol=EXACT),
    un("angle", np.angle, f32([-2.0, -0.5, 0.0, 1.0, 3.0])),
    un("copy", np.copy, tol=EXACT),
    un("copy", np.copy, I, tol=EXACT, id="int"),
    C("copy", BOOL, BOOL, dtype="bool", id="bool"),
]

SPECIAL = f32([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0])
PREDICATES = [
    C("isnan", SPECIAL, np.isnan, dtype="bool"),
    C("isinf", SPECIAL, np.isinf, dtype="bool"),
    C("isfinite", SPECIAL, np.isfinite, dtype="bool"),
    C("isfinite", I, np.ones(I.shape, bool), dtype="bool", id="int"),
    C("isneginf", SPECIAL, np.isneginf, dtype="bool"),
    C("isposinf", SPECIAL, np.isposinf, dtype="bool"),
    C("signbit", SPECIAL[1:], np.signbit, dtype="bool"),
    C("signbit", I, np.signbit, dtype="bool", id="int"),
    C("isreal", X, np.isreal, dtype="bool"),
    C("nan_to_num", SPECIAL, lambda a: np.nan_to_num(a), dtype="float32"),
    C(
        "nan_to_num",
        SPECIAL,
        lambda a: np.nan_to_num(a, nan=-1.0, posinf=9.0, neginf=-9.0),
        kw={"nan": -1.0, "posinf": 9.0, "neginf": -9.0},
        id="values",
    ),
    C("logical_not", BOOL, np.logical_not, dtype="bool"),
    C("logical_not", f32([0.0, 1.5, -2.0]), np.logical_not, dtype="bool", id="float"),
    C(
        "isclose",
        (f32([1.0, 1.0, 1.0, np.nan]), f32([1.0 + 1e-6, 1.1, 1.0 + 1e-4, np.nan])),
        lambda a, b: np.isclose(a, b),
        dtype="bool",
    ),
    C(
        "isclose",
        (f32([1.0, np.nan, 2.0]), f32([1.0, np.nan, 2.5])),
        lambda a, b: np.isclose(a, b, atol=0.6, equal_nan=True),
        kw={"atol": 0.6, "equal_nan": True},
        dtype="bool",
        id="kw",
    ),
    C("allclose", (f32([1.0, 2.0]), f32([1.0, 2.0 + 1e-7])), np.True_, dtype="bool"),
    C("allclose", (f32([1.0, 2.0]), f32([1.0, 2.1])), np.False_, dtype="bool", id="false"),
]


def bi(op, fn, a, b, dtype=SAME, tol=T, id="", **kw):
    """Binary case with a float64 (or exact integer) reference ``fn``."""

    def ref(x, y):
        if (
            np.asarray(x).dtype.kind in "fc"
            or np.asarray(y).dtype.kind in "fc"
            or isinstance(x, float)
            or isinstance(y, float)
        ):
            return fn(d(x), d(y))
        return fn(np.asarray(x, np.int64), np.asarray(y, np.int64))

    return C(op, (a, b), ref, dtype=dtype, tol=tol, id=id, kw=kw)


A34, B14, B31, B4 = rnd(3, 4), rnd(1, 4), rnd(3, 1), rnd(4)
INZ = np.array([[-7, 7, 5, -5], [9, -4, 3, 8], [-1, 2, 6, -3]], np.int32)
IDEN = np.array([[2, -2, 3, 3], [4, 3, -2, -5], [2, -3, 4, 1]], np.int32)
FNZ = f32([[-7.5, 7.5, 5.25, -5.0], [9.0, -4.5, 3.0, 8.0], [-1.5, 2.0, 6.0, -3.0]])
FDEN = f32([[2.0, -2.0, 3.0, 3.5], [4.0, 3.0, -2.0, -5.0], [2.0, -3.0, 4.0, 1.5]])
I8 = arr([1, -2, 100, -100], "int8")
U8 = arr([1, 2, 200, 255], "uint8")
F16 = arr([0.5, -1.0, 2.0, 4.0], "float16")
F32_4 = f32([1.0, 2.0, -3.0, 0.25])
I32_4 = i32([1, -2, 3, 4])
B4B = np.array([True, False, True, True])

ARITH = [
    bi("add", np.add, A34, B14, tol=(1e-6, 1e-6), id="broadcast-row"),
    bi("add", np.add, A34, B31, tol=(1e-6, 1e-6), id="broadcast-col"),
    bi("add", np.add, I, IP[:1, :1], tol=EXACT, id="int"),
    bi("add", np.add, I, 1.5, dtype="float32", id="int+pyfloat"),
    bi("add", np.add, I8, 1, dtype="int8", tol=EXACT, id="int8+pyint"),
    bi("add", np.add, F16, F32_4, dtype="float32", id="f16+f32"),
    bi("add", np.add, U8, I8, dtype="int16", tol=EXACT, id="uint8+int8"),
    bi("add", np.add, B4B, I32_4, dtype="int32", tol=EXACT, id="bool+int32"),
    bi("add", np.add, I32_4, F32_4, dtype="float32", id="int32+float32"),
    bi("add", np.add, F16, 1.5, dtype="float16", tol=(1e-3, 1e-3), id="f16+pyfloat"),
    bi("add", np.add, 2, F32_4, dtype="float32", id="pyint+float"),
    bi("add", np.add, E, f32([1.0, 2.0, 3.0]), id="empty"),
    bi("subtract", np.subtract, A34, B4),
    bi("subtract", np.subtract, I, 3, tol=EXACT, id="int"),
    bi("subtract", np.subtract, I32_4, 0.5, dtype="float32", id="int-pyfloat"),
    bi("multiply", np.multiply, A34, B31),
    bi("multiply", np.multiply, I, I, tol=EXACT, id="int"),
    bi("multiply", np.multiply, B4B, B4B, dtype="bool", tol=EXACT, id="bool"),
    bi("multiply", np.multiply, U8, I8, dtype="int16", tol=EXACT, id="uint8*int8"),
    bi("divide", np.divide, A34, away(B14, 0.5)),
    bi("divide", np.divide, INZ, IDEN, dtype="float32", id="int/int"),
    bi("divide", np.divide, I32_4, 2, dtype="float32", id="int/pyint"),
    bi("true_divide", np.true_divide, A34, away(B31, 0.5)),
    bi("true_divide", np.true_divide, INZ, IDEN, dtype="float32", id="int"),
    C(
        "divide_no_nan",
        (f32([1.0, 2.0, -3.0, 0.0]), f32([2.0, 0.0, 4.0, 0.0])),
        f32([0.5, 0.0, -0.75, 0.0]),
    ),
    bi("floor_divide", np.floor_divide, INZ, IDEN, tol=EXACT, id="int"),
    bi("floor_divide", np.floor_divide, FNZ, FDEN, tol=EXACT, id="float"),
    bi("floor_divide", np.floor_divide, INZ, 3, tol=EXACT, id="int-pyint"),
    bi("mod", np.mod, INZ, IDEN, tol=EXACT, id="int"),
    bi("mod", np.mod, FNZ, FDEN, id="float"),
    bi("mod", np.mod, INZ, -3, tol=EXACT, id="pyint-negative-divisor"),
    bi("fmod", np.fmod, INZ, IDEN, tol=EXACT, id="int"),
    bi("fmod", np.fmod, FNZ, FDEN, id="float"),
    bi("power", np.power, XP, A34),
    bi("power", np.power, IP, IP % 3, tol=EXACT, id="int"),
    bi("power", np.power, IP, 2.0, dtype="float32", id="int**pyfloat"),
    bi("power", np.power, X, 2, id="float**pyint"),
    bi("power", np.power, 2.0, A34, dtype="float32", id="pyfloat**float"),
    bi("maximum", np.maximum, A34, B14, tol=EXACT),
    bi("maximum", np.maximum, I, 0, tol=EXACT, id="int"),
    bi("maximum", np.maximum, I, 1.5, dtype="float32", id="int-pyfloat"),
    bi("minimum", np.minimum, A34, B31, tol=EXACT),
    bi("minimum", np.minimum, I, IP[:1, :1], tol=EXACT, id="int"),
    bi("minimum", np.minimum, I8, U8, dtype="int16", tol=EXACT, id="int8-uint8"),
    bi(
        "fmax", np.fmax, f32([1.0, np.nan, 3.0, np.nan]), f32([2.0, 1.0, np.nan, np.nan]), tol=EXACT
    ),
    bi("fmax", np.fmax, I, IP[:1, :1], tol=EXACT, id="int"),
    bi(
        "fmin", np.fmin, f32([1.0, np.nan, 3.0, np.nan]), f32([2.0, 1.0, np.nan, np.nan]), tol=EXACT
    ),
    bi("arctan2", np.arctan2, A34, B31),
    bi("arctan2", np.arctan2, INZ, IDEN, dtype="float32", id="int"),
    bi("hypot", np.hypot, A34, B14),
    bi("hypot", np.hypot, i32([3, 5, 8]), i32([4, 12, 15]), dtype="float32", id="int"),
    bi("logaddexp", np.logaddexp, A34 * 20, B14 * 20),
    bi("logaddexp2", np.logaddexp2, A34 * 20, B31 * 20),
    C("ldexp", (A34, i32([[1, -2, 0, 3]])), lambda a, b: d(a) * 2.0**b, dtype="float32"),
    bi("heaviside", np.heaviside, f32([-1.5, 0.0, 2.0, 0.0]), f32([0.5, 0.5, 0.5, 1.0]), tol=EXACT),
    bi("gcd", np.gcd, i32([12, -18, 0, 7, 0]), i32([8, 12, 5, 0, 0]), tol=EXACT),
    bi("lcm", np.lcm, i32([4, -6, 0, 7, 3]), i32([6, 4, 5, 3, 3]), tol=EXACT),
]

X_CMP = f32([[1.0, 2.0, np.nan], [-1.0, 2.0, 3.0]])
Y_CMP = f32([2.0, 2.0, 1.0])
COMPARE = []
for _name, _fn in [
    ("equal", np.equal),
    ("not_equal", np.not_equal),
    ("less", np.less),
    ("less_equal", np.less_equal),
    ("greater", np.greater),
    ("greater_equal", np.greater_equal),
]:
    COMPARE += [
        C(_name, (X_CMP, Y_CMP), _fn, dtype="bool"),
        C(_name, (I, 2), _fn, dtype="bool", id="int-pyint"),
        C(_name, (I, 1.5), _fn, dtype="bool", id="int-pyfloat"),
        C(_name, (I32_4, F32_4), _fn, dtype="bool", id="int-float"),
    ]
COMPARE += [
    C("equal", (BOOL, True), BOOL, dtype="bool", id="bool"),
    C("equal", (E, 1.0), np.zeros((0, 3), bool), dtype="bool", id="empty"),
]

LOGIC = [
    C("logical_and", (BOOL, BOOL[::-1]), np.logical_and, dtype="bool"),
    C(
        "logical_and",
        (f32([0.0, 1.0, 2.0]), i32([1, 0, 3])),
        np.logical_and,
        dtype="bool",
        id="numeric",
    ),
    C("logical_or", (BOOL, BOOL[::-1]), np.logical_or, dtype="bool"),
    C(
        "logical_or",
        (f32([0.0, 0.0, 2.0]), i32([0, 1, 0])),
        np.logical_or,
        dtype="bool",
        id="numeric",
    ),
    C("logical_xor", (BOOL, BOOL[::-1]), np.logical_xor, dtype="bool"),
    C(
        "logical_xor",
        (f32([0.0, 1.0, 2.0]), i32([1, 0, 3])),
        np.logical_xor,
        dtype="bool",
        id="numeric",
    ),
]

BA, BB = i32([[12, -7, 255, 0], [1, 1024, -1, 6]]), i32([[10, 3, 15, 9], [1, 3, 7, 2]])
BITWISE = [
    C("bitwise_and", (BA, BB), np.bitwise_and, tol=EXACT),
    C("bitwise_and", (U8, arr([3, 3, 15, 128], "uint8")), np.bitwise_and, tol=EXACT, id="uint8"),
    C("bitwise_or", (BA, BB), np.bitwise_or, tol=EXACT),
    C("bitwise_xor", (BA, BB), np.bitwise_xor, tol=EXACT),
    C("bitwise_xor", (BA, 5), lambda a, b: np.bitwise_xor(a, b), tol=EXACT, id="pyint"),
    C("bitwise_invert", BA, np.invert, tol=EXACT),
    C("bitwise_invert", U8, np.invert, tol=EXACT, id="uint8"),
    C("bitwise_not", BA, np.invert, tol=EXACT),
    C("bitwise_left_shift", (BA, BB % 4), np.left_shift, tol=EXACT),
    C("left_shift", (BA, BB % 4), np.left_shift, tol=EXACT),
    C("bitwise_right_shift", (BA, BB % 4), np.right_shift, tol=EXACT, id="arithmetic"),
    C("right_shift", (BA, BB % 4), np.right_shift, tol=EXACT),
]

SELECT = [
    C("clip", (X, -0.5, 0.5), lambda a, lo, hi: np.clip(a, lo, hi), tol=EXACT),
    C("clip", (I, -2, 3), lambda a, lo, hi: np.clip(a, lo, hi), tol=EXACT, id="int"),
    C(
        "clip",
        (I, -1.5, 2.5),
        lambda a, lo, hi: np.clip(a.astype("float32"), lo, hi),
        dtype="float32",
        tol=EXACT,
        id="int-pyfloat-bounds",
    ),
    C(
        "clip",
        (BOOL, 0, 1),
        lambda a, lo, hi: a.astype("int32"),
        dtype="int32",
        tol=EXACT,
        id="bool",
    ),
    C(
        "clip",
        (I8, -5, 5),
        lambda a, lo, hi: np.clip(a, lo, hi),
        dtype="int8",
        tol=EXACT,
        id="int8",
    ),
    C(
        "where",
        (BOOL, rnd(2, 3), rnd(2, 3)),
        lambda c, a, b: np.where(c, a, b),
        dtype="float32",
        tol=EXACT,
    ),
    C(
        "where",
        (BOOL, rnd(2, 3), i32([[1, 2, 3]])),
        lambda c, a, b: np.where(c, a, b),
        dtype="float32",
        tol=EXACT,
        id="float-int-broadcast",
    ),
    C(
        "where",
        (BOOL, 1, 0),
        lambda c, a, b: np.where(c, a, b),
        dtype="int32",
        tol=EXACT,
        id="pyints",
    ),
    C(
        "where",
        (BOOL, I[:2, :3], 0.5),
        lambda c, a, b: np.where(c, a, b),
        dtype="float32",
        tol=EXACT,
        id="int-pyfloat",
    ),
    C(
        "where",
        (f32([[0.0, 2.0], [-1.0, 0.0]]), f32([[1.0, 2.0], [3.0, 4.0]]), 0.0),
        f32([[0.0, 2.0], [3.0, 0.0]]),
        id="float-condition",
    ),
    C(
        "where",
        (BOOL,),
        lambda c: tuple(i.astype("int32") for i in np.nonzero(c)),
        dtype="int32",
        tol=EXACT,
        id="condition-only",
    ),
    C(
        "select",
        (
            [np.array([True, False, False, False]), np.array([False, True, True, False])],
            [f32([1, 2, 3, 4]), f32([10, 20, 30, 40])],
        ),
        f32([1, 20, 30, -1]),
        kw={"default": -1.0},
        dtype="float32",
    ),
    C(
        "select",
        ([np.array([True, False]), np.array([True, True])], [i32([1, 2]), i32([3, 4])]),
        i32([1, 4]),
        dtype="int32",
        tol=EXACT,
        id="int-first-wins",
    ),
]

ALL_CASES = FLOAT_UNARY + KEEP_UNARY + PREDICATES + ARITH + COMPARE + LOGIC + BITWISE + SELECT


@params(ALL_CASES)
def test_elementwise(case):
    run_case(case)


@params(dataclasses.replace(c, raw=True) for c in ARITH + COMPARE[:8] + FLOAT_UNARY[::4])
def test_elementwise_numpy_inputs(case):
    """The same cases with NumPy arrays passed as they are (no convert_to_tensor)."""
    run_case(case)


def test_erf_reference_sanity():
    """The suite's own erf reference (used by math and nn tests)."""
    np.testing.assert_allclose(erf([0.0, 0.5, -1.0]), [0.0, math.erf(0.5), -math.erf(1.0)])
