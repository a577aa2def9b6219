"""Creation and elementwise ops of the NumPy backend (``kerasx.ops.numpy``, part 1).

Binary ops promote with ``common.dtypes.result_type`` (via ``_utils.promote``) before
calling the ufunc, so NumPy's own promotion (int32 + 1.5 -> float64) never leaks out.
Ufuncs are called with ``out=...`` so 0-d inputs give 0-d arrays, not NumPy scalars.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.numpy import _utils as U

ND = np.ndarray
to_tensor = U.to_tensor
promote = U.promote


def _float_apply(fn: Callable[..., Any], x: np.ndarray) -> np.ndarray:
    """Apply a float ufunc; ints/bools go to floatx, bfloat16 is computed in float32
    where ml_dtypes lacks a loop."""
    k = x.dtype.kind
    if k == "f" or k == "c":
        return fn(x, out=...)
    if x.dtype == U.BF16:
        return fn(x, out=...)
    fx = U.floatx_np()
    if fx == U.BF16:
        return fn(x.astype(U.FLOAT32), out=...).astype(fx)
    return fn(x.astype(fx), out=...)


def _float_unary(fn: Callable[..., Any]) -> Callable[..., Any]:
    def op(self, x):
        return _float_apply(fn, to_tensor(x))

    op.__name__ = fn.__name__
    return op


def _keep_unary(fn: Callable[..., Any]) -> Callable[..., Any]:
    def op(self, x):
        return fn(to_tensor(x), out=...)

    op.__name__ = fn.__name__
    return op


def _binary(fn: Callable[..., Any]) -> Callable[..., Any]:
    def op(self, x1, x2):
        a, b, _ = promote(x1, x2)
        return fn(a, b, out=...)

    op.__name__ = fn.__name__
    return op


def _binary_xy(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Like ``_binary`` with the protocol's ``(x, y)`` argument names (bitwise ops)."""

    def op(self, x, y):
        a, b, _ = promote(x, y)
        return fn(a, b, out=...)

    op.__name__ = fn.__name__
    return op


def _compare(fn: Callable[..., Any]) -> Callable[..., Any]:
    def op(self, x1, x2):
        a, b, _ = promote(x1, x2)
        return fn(a, b, out=...)

    op.__name__ = fn.__name__
    return op


def _float_binary(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Binary op whose result is float: promoted dtype, ints/bools -> floatx."""

    def op(self, x1, x2):
        a, b, d = promote(x1, x2)
        if d.kind not in "fc" and d != U.BF16:
            fx = U.floatx_np()
            a, b = to_tensor(a, fx), to_tensor(b, fx)
        return fn(a, b, out=...)

    op.__name__ = fn.__name__
    return op


def _float_each_binary(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Binary op that makes each operand float first (ints -> floatx), then promotes."""

    def op(self, x1, x2):
        a = x1 if type(x1) is float else U.float_tensor(x1)
        b = x2 if type(x2) is float else U.float_tensor(x2)
        a, b, d = promote(a, b)
        if d == U.BF16:
            return fn(to_tensor(a, U.FLOAT32), to_tensor(b, U.FLOAT32)).astype(d)
        return fn(a, b, out=...)

    op.__name__ = fn.__name__
    return op


def _logical(fn: Callable[..., Any]) -> Callable[..., Any]:
    def op(self, x1, x2):
        if type(x1) is not ND and type(x1) not in U.PY_SCALAR_SET:
            x1 = to_tensor(x1)
        if type(x2) is not ND and type(x2) not in U.PY_SCALAR_SET:
            x2 = to_tensor(x2)
        return fn(x1, x2, out=...)

    op.__name__ = fn.__name__
    return op


class NumpyElementwiseMixin:
    """Array creation and elementwise maths."""

    # ------------------------------------------------------------ creation
    def arange(self, start, stop=None, step=None, dtype=None):
        if step is None:
            step = 1
        if dtype is None:
            items = [v for v in (start, stop, step) if v is not None]
            keys = []
            for v in items:
                if type(v) in U.PY_SCALAR_SET:
                    keys.append(v)
                else:
                    keys.append(U.dname(to_tensor(v)))
            d = U.np_dtype(_dt.result_type(*keys))
        else:
            d = U.np_dtype(dtype)
        start = start.item() if isinstance(start, (ND, np.generic)) else start
        stop = stop.item() if isinstance(stop, (ND, np.generic)) else stop
        step = step.item() if isinstance(step, (ND, np.generic)) else step
        if stop is None:
            start, stop = 0, start
        if d == U.BF16:
            return np.arange(start, stop, step, dtype=U.FLOAT32).astype(d)
        return np.arange(start, stop, step, dtype=d)

    def full(self, shape, fill_value, dtype=None):
        shape = (
            (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
        )
        if dtype is None:
            v = to_tensor(fill_value)
            return np.full(shape, v, dtype=v.dtype)
        d = U.np_dtype(dtype)
        if type(fill_value) is not ND and type(fill_value) not in U.PY_SCALAR_SET:
            fill_value = to_tensor(fill_value)
        return np.full(shape, fill_value, dtype=d)

    def zeros(self, shape, dtype=None):
        return np.zeros(shape, dtype=U.np_dtype(dtype))

    def ones(self, shape, dtype=None):
        return np.ones(shape, dtype=U.np_dtype(dtype))

    def empty(self, shape, dtype=None):
        return np.zeros(shape, dtype=U.np_dtype(dtype))

    def full_like(self, x, fill_value, dtype=None):
        x = to_tensor(x)
        d = x.dtype if dtype is None else U.np_dtype(dtype)
        if type(fill_value) is not ND and type(fill_value) not in U.PY_SCALAR_SET:
            fill_value = to_tensor(fill_value)
        return np.full(x.shape, fill_value, dtype=d)

    def zeros_like(self, x, dtype=None):
        x = to_tensor(x)
        return np.zeros(x.shape, dtype=x.dtype if dtype is None else U.np_dtype(dtype))

    def ones_like(self, x, dtype=None):
        x = to_tensor(x)
        return np.ones(x.shape, dtype=x.dtype if dtype is None else U.np_dtype(dtype))

    def empty_like(self, x, dtype=None):
        return self.zeros_like(x, dtype)

    def eye(self, N, M=None, k=0, dtype=None):
        return np.eye(int(N), None if M is None else int(M), k=int(k), dtype=U.np_dtype(dtype))

    def identity(self, n, dtype=None):
        return np.eye(int(n), dtype=U.np_dtype(dtype))

    def tri(self, N, M=None, k=0, dtype=None):
        return np.tri(int(N), None if M is None else int(M), k=int(k), dtype=U.np_dtype(dtype))

    def linspace(self, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
        if dtype is None:
            keys = [
                v if type(v) in U.PY_SCALAR_SET else U.dname(to_tensor(v)) for v in (start, stop)
            ]
            d = U.np_dtype(_dt.result_type(*keys, 1.0))
        else:
            d = U.np_dtype(dtype)
        start = start if type(start) in U.PY_SCALAR_SET else to_tensor(start)
        stop = stop if type(stop) in U.PY_SCALAR_SET else to_tensor(stop)
        work = U.FLOAT64 if d.kind in "iu" else d
        if work == U.BF16 or work == np.float16:
            work = U.FLOAT32
        out = np.linspace(
            start, stop, int(num), endpoint=endpoint, retstep=retstep, dtype=work, axis=axis
        )
        if retstep:
            samples, step = out
            return U.as_array(samples).astype(d, copy=False), U.as_array(step).astype(d, copy=False)
        if d.kind in "iu":
            out = np.floor(out)
        return out.astype(d, copy=False)

    def logspace(self, start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
        d = U.np_dtype(dtype)
        start = start if type(start) in U.PY_SCALAR_SET else to_tensor(start)
        stop = stop if type(stop) in U.PY_SCALAR_SET else to_tensor(stop)
        out = np.logspace(
            start, stop, int(num), endpoint=endpoint, base=base, dtype=U.FLOAT64, axis=axis
        )
        return out.astype(d)

    def geomspace(self, start, stop, num=50, endpoint=True, dtype=None, axis=0):
        d = U.np_dtype(dtype)
        start = start if type(start) in U.PY_SCALAR_SET else to_tensor(start)
        stop = stop if type(stop) in U.PY_SCALAR_SET else to_tensor(stop)
        out = np.geomspace(start, stop, int(num), endpoint=endpoint, dtype=U.FLOAT64, axis=axis)
        return out.astype(d)

    def array(self, x, dtype=None):
        return to_tensor(x, dtype)

    def copy(self, x):
        return np.array(to_tensor(x))

    def meshgrid(self, *x, indexing="xy"):
        return [np.array(m) for m in np.meshgrid(*[to_tensor(t) for t in x], indexing=indexing)]

    # ------------------------------------------------------- elementwise unary
    abs = _keep_unary(np.absolute)
    negative = _keep_unary(np.negative)
    exp = _float_unary(np.exp)
    exp2 = _float_unary(np.exp2)
    expm1 = _float_unary(np.expm1)
    log = _float_unary(np.log)
    log1p = _float_unary(np.log1p)
    log2 = _float_unary(np.log2)
    log10 = _float_unary(np.log10)
    sqrt = _float_unary(np.sqrt)
    cbrt = _float_unary(np.cbrt)
    sin = _float_unary(np.sin)
    cos = _float_unary(np.cos)
    tan = _float_unary(np.tan)
    arcsin = _float_unary(np.arcsin)
    arccos = _float_unary(np.arccos)
    arctan = _float_unary(np.arctan)
    sinh = _float_unary(np.sinh)
    cosh = _float_unary(np.cosh)
    tanh = _float_unary(np.tanh)
    arcsinh = _float_unary(np.arcsinh)
    arccosh = _float_unary(np.arccosh)
    arctanh = _float_unary(np.arctanh)
    deg2rad = _float_unary(np.deg2rad)
    rad2deg = _float_unary(np.rad2deg)
    floor = _float_unary(np.floor)
    ceil = _float_unary(np.ceil)
    isnan = _keep_unary(np.isnan)
    isinf = _keep_unary(np.isinf)
    isfinite = _keep_unary(np.isfinite)
    logical_not = _keep_unary(np.logical_not)

    def absolute(self, x):
        return np.absolute(to_tensor(x), out=...)

    def fabs(self, x):
        return _float_apply(np.absolute, to_tensor(x))

    def sign(self, x):
        x = to_tensor(x)
        if x.dtype == U.BOOL:
            return x.copy()
        return np.sign(x, out=...)

    def signbit(self, x):
        x = to_tensor(x)
        if x.dtype == U.BOOL:
            return np.zeros(x.shape, dtype=bool)
        return np.signbit(x, out=...)

    def square(self, x):
        x = to_tensor(x)
        if x.dtype == U.BOOL:
            x = x.astype(U.INT32)
        return np.square(x, out=...)

    def reciprocal(self, x):
        return _float_apply(np.reciprocal, to_tensor(x))

    def sinc(self, x):
        x = U.float_tensor(x)
        if x.dtype == U.BF16:
            return U.as_array(np.sinc(x.astype(U.FLOAT32))).astype(x.dtype)
        return U.as_array(np.sinc(x)).astype(x.dtype, copy=False)

    def trunc(self, x):
        x = to_tensor(x)
        if not U.is_inexact(x):
            return x
        return np.trunc(x, out=...)

    def round(self, x, decimals=0):
        x = to_tensor(x)
        if x.dtype == U.BOOL:
            return x
        if x.dtype.kind in "iu":
            if decimals >= 0:
                return x
            # Integer rounding to tens, hundreds...: half to even in float64.
            return np.round(x.astype(U.FLOAT64), decimals).astype(x.dtype)
        if decimals == 0:
            return np.rint(x, out=...)
        if x.dtype == np.float16 or x.dtype == U.BF16:
            return np.round(x.astype(U.FLOAT32), decimals).astype(x.dtype)
        return U.as_array(np.round(x, decimals))

    def isneginf(self, x):
        x = to_tensor(x)
        return U.as_array(np.isneginf(x)) if U.is_inexact(x) else np.zeros(x.shape, dtype=bool)

    def isposinf(self, x):
        x = to_tensor(x)
        return U.as_array(np.isposinf(x)) if U.is_inexact(x) else np.zeros(x.shape, dtype=bool)

    def isreal(self, x):
        return U.as_array(np.isreal(to_tensor(x)))

    def nan_to_num(self, x, nan=0.0, posinf=None, neginf=None):
        x = to_tensor(x)
        if not U.is_inexact(x):
            return x
        return U.as_array(np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf))

    def conj(self, x):
        x = to_tensor(x)
        return np.conjugate(x, out=...) if x.dtype.kind == "c" else x

    def conjugate(self, x):
        return self.conj(x)

    def real(self, x):
        x = to_tensor(x)
        return U.as_array(np.real(x)).copy() if x.dtype.kind == "c" else x

    def imag(self, x):
        x = to_tensor(x)
        if x.dtype.kind == "c":
            return U.as_array(np.imag(x)).copy()
        return np.zeros(x.shape, dtype=x.dtype)

    def angle(self, x):
        x = U.float_tensor(x)
        if x.dtype == U.BF16:
            return np.angle(x.astype(U.FLOAT32)).astype(x.dtype)
        out = U.as_array(np.angle(x))
        if x.dtype.kind == "f":
            out = out.astype(x.dtype, copy=False)
        return out

    def bitwise_invert(self, x):
        return np.invert(to_tensor(x), out=...)

    def bitwise_not(self, x):
        return np.invert(to_tensor(x), out=...)

    # ------------------------------------------------------ elementwise binary
    add = _binary(np.add)
    subtract = _binary(np.subtract)
    multiply = _binary(np.multiply)
    maximum = _binary(np.maximum)
    minimum = _binary(np.minimum)
    fmax = _binary(np.fmax)
    fmin = _binary(np.fmin)
    bitwise_and = _binary_xy(np.bitwise_and)
    bitwise_or = _binary_xy(np.bitwise_or)
    bitwise_xor = _binary_xy(np.bitwise_xor)
    divide = _float_binary(np.true_divide)
    true_divide = _float_binary(np.true_divide)
    arctan2 = _float_binary(np.arctan2)
    hypot = _float_each_binary(np.hypot)
    logaddexp = _float_each_binary(np.logaddexp)
    logaddexp2 = _float_each_binary(np.logaddexp2)
    equal = _compare(np.equal)
    not_equal = _compare(np.not_equal)
    less = _compare(np.less)
    less_equal = _compare(np.less_equal)
    greater = _compare(np.greater)
    greater_equal = _compare(np.greater_equal)
    logical_and = _logical(np.logical_and)
    logical_or = _logical(np.logical_or)
    logical_xor = _logical(np.logical_xor)

    def floor_divide(self, x1, x2):
        a, b, d = promote(x1, x2)
        if d == U.BOOL:
            a, b = to_tensor(a, U.INT32), to_tensor(b, U.INT32)
        return np.floor_divide(a, b, out=...)

    def mod(self, x1, x2):
        a, b, d = promote(x1, x2)
        if d == U.BOOL:
            a, b = to_tensor(a, U.INT32), to_tensor(b, U.INT32)
        return np.mod(a, b, out=...)

    def fmod(self, x1, x2):
        a, b, d = promote(x1, x2)
        if d == U.BOOL:
            a, b = to_tensor(a, U.INT32), to_tensor(b, U.INT32)
        return np.fmod(a, b, out=...)

    def power(self, x1, x2):
        a, b, d = promote(x1, x2)
        if d == U.BOOL:
            return np.logical_or(a, np.logical_not(b), out=...)
        return np.power(a, b, out=...)

    def bitwise_left_shift(self, x, y):
        a, b, d = promote(x, y)
        if d == U.BOOL:
            a, b = to_tensor(a, U.INT32), to_tensor(b, U.INT32)
        return np.left_shift(a, b, out=...)

    def bitwise_right_shift(self, x, y):
        a, b, d = promote(x, y)
        if d == U.BOOL:
            a, b = to_tensor(a, U.INT32), to_tensor(b, U.INT32)
        return np.right_shift(a, b, out=...)

    def left_shift(self, x, y):
        return self.bitwise_left_shift(x, y)

    def right_shift(self, x, y):
        return self.bitwise_right_shift(x, y)

    def ldexp(self, x1, x2):
        x1 = U.float_tensor(x1)
        x2 = to_tensor(x2)
        if x2.dtype.kind not in "iu":
            x2 = x2.astype(U.INT32)
        # Like the protocol default (x1 * 2.0**float32(x2)): at least float32.
        d = U.result_np(U.dname(x1), "float32")
        work = U.FLOAT64 if d == U.FLOAT64 else U.FLOAT32
        return np.ldexp(x1.astype(work, copy=False), x2, out=...).astype(d, copy=False)

    def heaviside(self, x1, x2):
        a = U.float_tensor(x1)
        b = to_tensor(x2, a.dtype)
        if a.dtype == U.BF16:
            return np.heaviside(a.astype(U.FLOAT32), b.astype(U.FLOAT32)).astype(a.dtype)
        return np.heaviside(a, b, out=...)

    def gcd(self, x1, x2):
        a, b, _ = promote(x1, x2)
        return np.gcd(a, b, out=...)

    def lcm(self, x1, x2):
        a, b, _ = promote(x1, x2)
        return np.lcm(a, b, out=...)

    def isclose(self, x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
        a, b, d = promote(x1, x2)
        if d.kind not in "fc" and d != U.BF16:
            fx = U.floatx_np()
            a, b = to_tensor(a, fx), to_tensor(b, fx)
        return U.as_array(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def allclose(self, x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
        return np.asarray(
            bool(np.all(self.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)))
        )

    def clip(self, x, x_min, x_max):
        x = to_tensor(x)
        if x.dtype == U.BOOL:
            x = x.astype(U.INT32)
        keys = [U.dname(x)]
        for v in (x_min, x_max):
            if v is None:
                continue
            keys.append(v if type(v) in U.PY_SCALAR_SET else U.dname(to_tensor(v)))
        d = U.np_dtype(_dt.result_type(*keys))
        if x.dtype != d:
            x = x.astype(d)
        bf = d is U.BF16  # ml_dtypes does not treat Python scalars as weak
        lo = (
            x_min
            if x_min is None or (type(x_min) in U.PY_SCALAR_SET and not bf)
            else to_tensor(x_min, d)
        )
        hi = (
            x_max
            if x_max is None or (type(x_max) in U.PY_SCALAR_SET and not bf)
            else to_tensor(x_max, d)
        )
        if lo is not None and hi is not None:
            return np.minimum(np.maximum(x, lo), hi, out=...)
        if lo is not None:
            return np.maximum(x, lo, out=...)
        if hi is not None:
            return np.minimum(x, hi, out=...)
        return x

    def where(self, condition, x1=None, x2=None):
        c = to_tensor(condition)
        if x1 is None and x2 is None:
            return self.nonzero(c)
        if x1 is None or x2 is None:
            raise ValueError("`x1` and `x2` must be both given or both None in `where`.")
        if c.dtype != U.BOOL:
            c = c.astype(U.BOOL)
        a, b, d = promote(x1, x2)
        return U.as_array(np.where(c, a, b)).astype(d, copy=False)

    def select(self, condlist, choicelist, default=0):
        conds = [to_tensor(c).astype(bool, copy=False) for c in condlist]
        d = U.result_of(*choicelist, default)
        choices = [to_tensor(c, d) for c in choicelist]
        return U.as_array(np.select(conds, choices, default=to_tensor(default, d))).astype(
            d, copy=False
        )
