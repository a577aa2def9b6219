"""NumPy-like elementwise maths, creation ops and reductions for the TF adapter.

TF has no implicit promotion, so binary ops go through :func:`promote` first; ops TF
lacks kernels for (bool arithmetic, unsigned abs/negative, int8 matmul...) are routed
to an equivalent in a supported dtype.
"""

from __future__ import annotations

import math

import numpy as np

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.tensorflow._tf import (
    SCALAR_TYPES,
    SMALL_INTS,
    SMALL_UINTS,
    Tensor,
    as_float,
    dname,
    floatx,
    norm_axis,
    promote,
    tf,
    to_tensor,
)

_UINTS = ("uint8", "uint16", "uint32", "uint64")


def _t(x):
    return x if isinstance(x, Tensor) else to_tensor(x)


def _unary_float(fn):
    """An elementwise float op: ints and bools are computed (and returned) in floatx()."""

    def op(self, x):
        return fn(as_float(x))

    op.__name__ = getattr(fn, "__name__", "op")
    return op


def _sum_dtype(d: str) -> str | None:
    """Accumulator dtype of sum/prod/cumsum: small ints widen to 32 bits."""
    if d in SMALL_INTS:
        return "int32"
    if d in SMALL_UINTS:
        return "uint32"
    return None


def _int_div_guard(x1, x2, op):
    """Integer floor-div / mod give 0 where the divisor is 0 (TF raises instead)."""
    zero = tf.equal(x2, 0)
    safe = tf.where(zero, tf.ones_like(x2), x2)
    return tf.where(zero, tf.zeros([], x1.dtype), op(x1, safe))


class NumpyMixin:
    """Creation, elementwise unary/binary ops, comparisons and reductions."""

    # ------------------------------------------------------------ creation
    def arange(self, start, stop=None, step=None, dtype=None):
        if stop is None:
            start, stop = 0, start
        if step is None:
            step = 1
        items = [a if type(a) in SCALAR_TYPES else dname(_t(a)) for a in (start, stop, step)]
        if dtype is None:
            dtype = _dt.result_type(*items)
            if dtype == "bool":
                dtype = "int32"
        dtype = _dt.standardize_dtype(dtype)
        is_float = any(
            isinstance(a, float) or (isinstance(a, str) and _dt.is_float(a)) for a in items
        )
        work = (
            "float64"
            if is_float or _dt.is_float(dtype)
            else ("int64" if dtype in ("int64", "uint32", "uint64") else "int32")
        )
        if work == "float64" and dtype in ("float32", "float16", "bfloat16") and not is_float:
            work = "float32"
        vals = [
            tf.cast(a, work) if isinstance(a, Tensor) else tf.constant(a, work)
            for a in (start, stop, step)
        ]
        return tf.cast(tf.range(vals[0], vals[1], vals[2], dtype=work), dtype)

    def full(self, shape, fill_value, dtype=None):
        if dtype is None:
            value = _t(fill_value)
        else:
            value = to_tensor(fill_value, _dt.standardize_dtype(dtype))
        shape = self._shape_arg(shape)
        if value.shape.rank == 0:
            return tf.fill(shape, value)
        return tf.broadcast_to(value, shape)

    @staticmethod
    def _shape_arg(shape):
        if isinstance(shape, (int, np.integer)) or (
            isinstance(shape, Tensor) and shape.shape.rank == 0
        ):
            return [shape]
        if isinstance(shape, Tensor):
            return shape
        if any(isinstance(s, Tensor) for s in shape):
            return tf.stack([tf.cast(s, "int32") for s in shape])
        return [int(s) for s in shape]

    def zeros(self, shape, dtype=None):
        return tf.zeros(self._shape_arg(shape), _dt.standardize_dtype(dtype))

    def ones(self, shape, dtype=None):
        return tf.ones(self._shape_arg(shape), _dt.standardize_dtype(dtype))

    def empty(self, shape, dtype=None):
        return self.zeros(shape, dtype)

    def zeros_like(self, x, dtype=None):
        x = _t(x)
        return tf.zeros_like(x, dtype=_dt.standardize_dtype(dtype) if dtype else None)

    def ones_like(self, x, dtype=None):
        x = _t(x)
        return tf.ones_like(x, dtype=_dt.standardize_dtype(dtype) if dtype else None)

    def empty_like(self, x, dtype=None):
        return self.zeros_like(x, dtype)

    def full_like(self, x, fill_value, dtype=None):
        x = _t(x)
        dtype = _dt.standardize_dtype(dtype) if dtype else dname(x)
        value = to_tensor(fill_value, dtype)
        return (
            tf.broadcast_to(value, tf.shape(x))
            if not x.shape.is_fully_defined()
            else tf.broadcast_to(value, x.shape)
        )

    def eye(self, N, M=None, k=0, dtype=None):
        dtype = _dt.standardize_dtype(dtype)
        M = N if M is None else M
        if k == 0 and dtype != "bool":
            return tf.eye(N, M, dtype=dtype)
        rows = tf.range(N)[:, None]
        cols = tf.range(M)[None, :]
        return tf.cast(tf.equal(cols - rows, k), dtype)

    def tri(self, N, M=None, k=0, dtype=None):
        M = N if M is None else M
        rows = tf.range(N)[:, None]
        cols = tf.range(M)[None, :]
        return tf.cast(cols - rows <= k, _dt.standardize_dtype(dtype))

    def copy(self, x):
        return tf.identity(_t(x))

    def meshgrid(self, *x, indexing="xy"):
        return tf.meshgrid(*[tf.reshape(_t(t), [-1]) for t in x], indexing=indexing)

    # ------------------------------------------------------- elementwise unary
    def abs(self, x):
        x = _t(x)
        d = dname(x)
        if d == "bool" or d in _UINTS:
            return x
        return tf.abs(x)

    def negative(self, x):
        x = _t(x)
        d = dname(x)
        if d in _UINTS:
            return tf.zeros_like(x) - x
        if d == "bool":
            return tf.logical_not(x)
        return tf.negative(x)

    def sign(self, x):
        x = _t(x)
        d = dname(x)
        if d == "bool" or d in _UINTS:
            return tf.cast(tf.cast(x, "bool"), d)
        return tf.sign(x)

    exp = _unary_float(tf.exp)
    expm1 = _unary_float(tf.math.expm1)
    log = _unary_float(tf.math.log)
    log1p = _unary_float(tf.math.log1p)
    sqrt = _unary_float(tf.sqrt)
    sin = _unary_float(tf.sin)
    cos = _unary_float(tf.cos)
    tan = _unary_float(tf.tan)
    arcsin = _unary_float(tf.asin)
    arccos = _unary_float(tf.acos)
    arctan = _unary_float(tf.atan)
    sinh = _unary_float(tf.sinh)
    cosh = _unary_float(tf.cosh)
    tanh = _unary_float(tf.tanh)
    arcsinh = _unary_float(tf.asinh)
    arccosh = _unary_float(tf.acosh)
    arctanh = _unary_float(tf.atanh)
    reciprocal = _unary_float(tf.math.reciprocal)

    def log2(self, x):
        x = as_float(x)
        return tf.math.log(x) / tf.constant(math.log(2.0), x.dtype)

    def log10(self, x):
        x = as_float(x)
        return tf.math.log(x) / tf.constant(math.log(10.0), x.dtype)

    def exp2(self, x):
        x = as_float(x)
        return tf.pow(tf.constant(2.0, x.dtype), x)

    def square(self, x):
        x = _t(x)
        if x.dtype is tf.bool:
            x = tf.cast(x, "int32")
        return tf.square(x)

    def fabs(self, x):
        return tf.abs(as_float(x))

    def floor(self, x):
        return tf.floor(as_float(x))

    def ceil(self, x):
        return tf.math.ceil(as_float(x))

    def trunc(self, x):
        x = _t(x)
        if not x.dtype.is_floating:
            return x
        return tf.where(x < 0, tf.math.ceil(x), tf.floor(x))

    def round(self, x, decimals=0):
        x = _t(x)
        d = dname(x)
        if x.dtype.is_floating:
            if decimals == 0:
                return tf.round(x)
            factor = tf.constant(10.0**decimals, x.dtype)
            return tf.round(x * factor) / factor
        if d == "bool" or decimals >= 0:
            return x
        # Negative decimals on ints: round to a multiple of 10**-decimals, half to even.
        factor = 10 ** (-decimals)
        y = tf.round(tf.cast(x, "float64") / factor) * factor
        return tf.cast(y, d)

    def isnan(self, x):
        x = _t(x)
        if not x.dtype.is_floating:
            return tf.zeros_like(x, dtype="bool")
        return tf.math.is_nan(x)

    def isinf(self, x):
        x = _t(x)
        if not x.dtype.is_floating:
            return tf.zeros_like(x, dtype="bool")
        return tf.math.is_inf(x)

    def isfinite(self, x):
        x = _t(x)
        if not x.dtype.is_floating:
            return tf.ones_like(x, dtype="bool")
        return tf.math.is_finite(x)

    def logical_not(self, x):
        x = _t(x)
        return tf.logical_not(x if x.dtype is tf.bool else tf.cast(x, "bool"))

    def bitwise_invert(self, x):
        x = _t(x)
        if x.dtype is tf.bool:
            return tf.logical_not(x)
        return tf.bitwise.invert(x)

    def signbit(self, x):
        x = _t(x)
        d = dname(x)
        if x.dtype.is_floating:
            # The sign bit is the top bit of the integer of the same width (-0.0, -nan too).
            return tf.less(
                tf.bitcast(
                    x,
                    {
                        "float16": "int16",
                        "bfloat16": "int16",
                        "float32": "int32",
                        "float64": "int64",
                    }[d],
                ),
                0,
            )
        if d == "bool" or d in _UINTS:
            return tf.zeros_like(x, dtype="bool")
        return tf.less(x, 0)

    def conj(self, x):
        x = _t(x)
        return tf.math.conj(x) if x.dtype.is_complex else x

    def real(self, x):
        x = _t(x)
        return tf.math.real(x) if x.dtype.is_complex else x

    def imag(self, x):
        x = _t(x)
        return tf.math.imag(x) if x.dtype.is_complex else tf.zeros_like(x)

    # ------------------------------------------------------ elementwise binary
    def add(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            return tf.logical_or(x1, x2)
        return tf.add(x1, x2)

    def subtract(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            return tf.math.logical_xor(x1, x2)
        return tf.subtract(x1, x2)

    def multiply(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            return tf.logical_and(x1, x2)
        return tf.multiply(x1, x2)

    def divide(self, x1, x2):
        x1, x2 = promote(x1, x2)
        dt = x1.dtype
        if not (dt.is_floating or dt.is_complex):
            fx = floatx()
            x1, x2 = tf.cast(x1, fx), tf.cast(x2, fx)
        return tf.divide(x1, x2)

    def true_divide(self, x1, x2):
        return self.divide(x1, x2)

    def divide_no_nan(self, x1, x2):
        x1, x2 = promote(x1, x2)
        dt = x1.dtype
        if not (dt.is_floating or dt.is_complex):
            fx = floatx()
            x1, x2 = tf.cast(x1, fx), tf.cast(x2, fx)
        return tf.math.divide_no_nan(x1, x2)

    def floor_divide(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            x1, x2 = tf.cast(x1, "int32"), tf.cast(x2, "int32")
        if x1.dtype.is_integer:
            return _int_div_guard(x1, x2, tf.math.floordiv)
        return tf.math.floordiv(x1, x2)

    def mod(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            x1, x2 = tf.cast(x1, "int32"), tf.cast(x2, "int32")
        if x1.dtype.is_integer:
            return _int_div_guard(x1, x2, tf.math.floormod)
        return tf.math.floormod(x1, x2)

    def fmod(self, x1, x2):
        x1, x2 = promote(x1, x2)
        d = dname(x1)
        # TruncateMod has kernels for int32/int64 and float32/float64 only.
        work = {
            "bool": "int32",
            "int8": "int32",
            "int16": "int32",
            "uint8": "int32",
            "uint16": "int32",
        }.get(d, d)
        work = {
            "uint32": "int64",
            "uint64": "int64",
            "float16": "float32",
            "bfloat16": "float32",
        }.get(work, work)
        if work != d:
            x1, x2 = tf.cast(x1, work), tf.cast(x2, work)
        if x1.dtype.is_integer:
            out = _int_div_guard(x1, x2, tf.truncatemod)
        else:
            out = tf.truncatemod(x1, x2)
        return out if work == d or d == "bool" else tf.cast(out, d)

    def fmax(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            return tf.logical_or(x1, x2)
        m = tf.maximum(x1, x2)
        if not x1.dtype.is_floating:
            return m
        return tf.where(tf.math.is_nan(x1), x2, tf.where(tf.math.is_nan(x2), x1, m))

    def fmin(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            return tf.logical_and(x1, x2)
        m = tf.minimum(x1, x2)
        if not x1.dtype.is_floating:
            return m
        return tf.where(tf.math.is_nan(x1), x2, tf.where(tf.math.is_nan(x2), x1, m))

    def power(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            return tf.cast(tf.pow(tf.cast(x1, "int32"), tf.cast(x2, "int32")), "bool")
        if x1.dtype.is_unsigned:
            # No unsigned Pow kernel; int64 products wrap to the same low bits.
            return tf.cast(tf.pow(tf.cast(x1, "int64"), tf.cast(x2, "int64")), x1.dtype)
        if x1.dtype.is_integer:
            # TF raises on negative integer exponents; give JAX's truncated result.
            neg = x2 < 0
            r = tf.pow(x1, tf.where(neg, tf.zeros_like(x2), x2))
            one = tf.ones_like(r)
            odd = tf.not_equal(tf.bitwise.bitwise_and(x2, tf.ones_like(x2)), 0)
            inv = tf.where(
                tf.equal(x1, 1),
                one,
                tf.where(tf.equal(x1, -1), tf.where(odd, -one, one), tf.zeros_like(r)),
            )
            return tf.where(neg, inv, r)
        return tf.pow(x1, x2)

    def maximum(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            return tf.logical_or(x1, x2)
        return tf.maximum(x1, x2)

    def minimum(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            return tf.logical_and(x1, x2)
        return tf.minimum(x1, x2)

    def arctan2(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if not x1.dtype.is_floating:
            x1, x2 = tf.cast(x1, floatx()), tf.cast(x2, floatx())
        return tf.atan2(x1, x2)

    def hypot(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if not x1.dtype.is_floating:
            x1, x2 = tf.cast(x1, floatx()), tf.cast(x2, floatx())
        return tf.sqrt(tf.square(x1) + tf.square(x2))

    def logaddexp(self, x1, x2):
        x1, x2 = promote(x1, x2)
        if not x1.dtype.is_floating:
            x1, x2 = tf.cast(x1, floatx()), tf.cast(x2, floatx())
        m = tf.maximum(x1, x2)
        d = tf.abs(x1 - x2)
        # inf - inf is nan: where both are the same infinity, the answer is m.
        d = tf.where(tf.equal(x1, x2), tf.zeros_like(d), d)
        return m + tf.math.log1p(tf.exp(-d))

    def _cmp(self, x1, x2, op):
        x1, x2 = promote(x1, x2)
        if x1.dtype is tf.bool:
            x1, x2 = tf.cast(x1, "int8"), tf.cast(x2, "int8")
        return op(x1, x2)

    def equal(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return tf.equal(x1, x2)

    def not_equal(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return tf.not_equal(x1, x2)

    def less(self, x1, x2):
        return self._cmp(x1, x2, tf.less)

    def less_equal(self, x1, x2):
        return self._cmp(x1, x2, tf.less_equal)

    def greater(self, x1, x2):
        return self._cmp(x1, x2, tf.greater)

    def greater_equal(self, x1, x2):
        return self._cmp(x1, x2, tf.greater_equal)

    def logical_and(self, x1, x2):
        return tf.logical_and(tf.cast(_t(x1), "bool"), tf.cast(_t(x2), "bool"))

    def logical_or(self, x1, x2):
        return tf.logical_or(tf.cast(_t(x1), "bool"), tf.cast(_t(x2), "bool"))

    def logical_xor(self, x1, x2):
        return tf.math.logical_xor(tf.cast(_t(x1), "bool"), tf.cast(_t(x2), "bool"))

    def _bitwise(self, x, y, op, bool_op):
        x, y = promote(x, y)
        if x.dtype is tf.bool:
            return bool_op(x, y)
        return op(x, y)

    def bitwise_and(self, x, y):
        return self._bitwise(x, y, tf.bitwise.bitwise_and, tf.logical_and)

    def bitwise_or(self, x, y):
        return self._bitwise(x, y, tf.bitwise.bitwise_or, tf.logical_or)

    def bitwise_xor(self, x, y):
        return self._bitwise(x, y, tf.bitwise.bitwise_xor, tf.math.logical_xor)

    def _shift(self, x, y, op, left):
        yv = y if type(y) is int else None
        x, y = promote(x, y)
        if x.dtype is tf.bool:
            x, y = tf.cast(x, "int32"), tf.cast(y, "int32")
        bits = x.dtype.size * 8
        if yv is not None and 0 <= yv < bits:
            return op(x, y)
        # Shifts by >= the bit width (or < 0) are undefined in TF; NumPy/JAX give 0
        # (or -1 for arithmetic right shifts of negatives).
        out_of_range = tf.logical_or(y < 0, y >= bits) if not y.dtype.is_unsigned else y >= bits
        safe = tf.where(out_of_range, tf.zeros_like(y), y)
        res = op(x, safe)
        if left or x.dtype.is_unsigned:
            fill = tf.zeros_like(res)
        else:
            fill = tf.where(x < 0, -tf.ones_like(res), tf.zeros_like(res))
        return tf.where(out_of_range, fill, res)

    def bitwise_left_shift(self, x, y):
        return self._shift(x, y, tf.bitwise.left_shift, True)

    def bitwise_right_shift(self, x, y):
        return self._shift(x, y, tf.bitwise.right_shift, False)

    def clip(self, x, x_min, x_max):
        x = _t(x)
        if x.dtype is tf.bool:
            x = tf.cast(x, "int32")
        d = dname(x)
        items = [d]
        for b in (x_min, x_max):
            if b is None:
                continue
            items.append(b if type(b) in SCALAR_TYPES else dname(_t(b)))
        out = _dt.result_type(*items) if len(items) > 1 else d
        if out != d:
            x = tf.cast(x, out)
        if x_min is not None:
            x = tf.maximum(x, to_tensor(x_min, out))
        if x_max is not None:
            x = tf.minimum(x, to_tensor(x_max, out))
        return x

    def where(self, condition, x1=None, x2=None):
        if x1 is None and x2 is None:
            return self.nonzero(condition)
        if x1 is None or x2 is None:
            raise ValueError("`where` needs both `x1` and `x2`, or neither.")
        c = _t(condition)
        if c.dtype is not tf.bool:
            c = tf.cast(c, "bool")
        x1, x2 = promote(x1, x2)
        return tf.where(c, x1, x2)

    # ----------------------------------------------------------- reductions
    def sum(self, x, axis=None, keepdims=False):
        x = _t(x)
        acc = _sum_dtype(dname(x))
        if acc is not None:
            x = tf.cast(x, acc)
        return tf.reduce_sum(x, axis=norm_axis(axis), keepdims=keepdims)

    def prod(self, x, axis=None, keepdims=False, dtype=None):
        x = _t(x)
        acc = _dt.standardize_dtype(dtype) if dtype is not None else _sum_dtype(dname(x))
        if acc is not None and acc != dname(x):
            x = tf.cast(x, acc)
        return tf.reduce_prod(x, axis=norm_axis(axis), keepdims=keepdims)

    def mean(self, x, axis=None, keepdims=False):
        x = _t(x)
        d = dname(x)
        if d in ("float16", "bfloat16"):
            return tf.cast(
                tf.reduce_mean(tf.cast(x, "float32"), axis=norm_axis(axis), keepdims=keepdims), d
            )
        return tf.reduce_mean(as_float(x), axis=norm_axis(axis), keepdims=keepdims)

    def max(self, x, axis=None, keepdims=False, initial=None):
        x = _t(x)
        if x.dtype is tf.bool:
            out = tf.reduce_any(x, axis=norm_axis(axis), keepdims=keepdims)
        else:
            out = tf.reduce_max(x, axis=norm_axis(axis), keepdims=keepdims)
        if initial is not None:
            out = self.maximum(out, to_tensor(initial, dname(x)))
        return out

    def min(self, x, axis=None, keepdims=False, initial=None):
        x = _t(x)
        if x.dtype is tf.bool:
            out = tf.reduce_all(x, axis=norm_axis(axis), keepdims=keepdims)
        else:
            out = tf.reduce_min(x, axis=norm_axis(axis), keepdims=keepdims)
        if initial is not None:
            out = self.minimum(out, to_tensor(initial, dname(x)))
        return out

    def all(self, x, axis=None, keepdims=False):
        x = _t(x)
        return tf.reduce_all(
            x if x.dtype is tf.bool else tf.cast(x, "bool"), axis=norm_axis(axis), keepdims=keepdims
        )

    def any(self, x, axis=None, keepdims=False):
        x = _t(x)
        return tf.reduce_any(
            x if x.dtype is tf.bool else tf.cast(x, "bool"), axis=norm_axis(axis), keepdims=keepdims
        )

    def var(self, x, axis=None, keepdims=False):
        x = _t(x)
        d = dname(x)
        work = tf.cast(x, "float32") if d in ("float16", "bfloat16") else as_float(x)
        out = tf.math.reduce_variance(work, axis=norm_axis(axis), keepdims=keepdims)
        return tf.cast(out, d) if d in ("float16", "bfloat16") else out

    def std(self, x, axis=None, keepdims=False):
        x = _t(x)
        d = dname(x)
        work = tf.cast(x, "float32") if d in ("float16", "bfloat16") else as_float(x)
        out = tf.math.reduce_std(work, axis=norm_axis(axis), keepdims=keepdims)
        return tf.cast(out, d) if d in ("float16", "bfloat16") else out

    def count_nonzero(self, x, axis=None):
        x = _t(x)
        return tf.math.count_nonzero(x, axis=norm_axis(axis), dtype="int32")

    def _arg(self, x, axis, keepdims, fn):
        x = _t(x)
        if x.dtype is tf.bool:
            x = tf.cast(x, "int8")
        if axis is None:
            out = fn(tf.reshape(x, [-1]), axis=0, output_type="int32")
            if keepdims:
                out = tf.reshape(out, [1] * x.shape.rank)
            return out
        out = fn(x, axis=axis, output_type="int32")
        return tf.expand_dims(out, axis) if keepdims else out

    def argmax(self, x, axis=None, keepdims=False):
        return self._arg(x, axis, keepdims, tf.argmax)

    def argmin(self, x, axis=None, keepdims=False):
        return self._arg(x, axis, keepdims, tf.argmin)

    def _cum(self, x, axis, dtype, fn):
        x = _t(x)
        acc = _dt.standardize_dtype(dtype) if dtype is not None else _sum_dtype(dname(x))
        if acc is not None and acc != dname(x):
            x = tf.cast(x, acc)
        if axis is None:
            return fn(tf.reshape(x, [-1]), axis=0)
        return fn(x, axis=axis)

    def cumsum(self, x, axis=None, dtype=None):
        return self._cum(x, axis, dtype, tf.cumsum)

    def cumprod(self, x, axis=None, dtype=None):
        return self._cum(x, axis, dtype, tf.math.cumprod)

    def nan_to_num(self, x, nan=0.0, posinf=None, neginf=None):
        x = _t(x)
        if not x.dtype.is_floating:
            return x
        lo, hi = _dt.dtype_range(dname(x))
        x = tf.where(tf.math.is_nan(x), tf.constant(nan, x.dtype), x)
        x = tf.where(
            tf.equal(x, math.inf), tf.constant(hi if posinf is None else posinf, x.dtype), x
        )
        return tf.where(
            tf.equal(x, -math.inf), tf.constant(lo if neginf is None else neginf, x.dtype), x
        )
