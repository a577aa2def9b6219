"""NumPy-like ops of the JAX adapter, part 1: creation, elementwise unary and binary."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.jax._utils import (
    PY_SCALARS,
    Array,
    JaxVariable,
    cast,
    jdtype,
    name_of,
    promote,
    tensor,
    to_float,
)


def _scalar_arg(v):
    """A start/stop/step argument as a Python number when it is known now."""
    if isinstance(v, Array) and v.ndim == 0:
        try:
            return v.item()
        except Exception:  # a tracer: keep the array
            return v
    if isinstance(v, np.generic):
        return v.item()
    return v


def _arg_dtype_item(v):
    return v if isinstance(v, PY_SCALARS) else name_of(tensor(v).dtype)


def _unary_float(fn):
    def op(self, x):
        return fn(to_float(x))

    op.__name__ = fn.__name__
    return op


class NumpyMixin:
    """Creation, elementwise unary and binary ops on jax.numpy."""

    # ------------------------------------------------------------ creation
    def arange(self, start, stop=None, step=None, dtype=None):
        start, stop, step = _scalar_arg(start), _scalar_arg(stop), _scalar_arg(step)
        if dtype is None:
            items = [_arg_dtype_item(v) for v in (start, stop, step) if v is not None]
            dtype = _dt.result_type(*items)
        if stop is None:
            start, stop = 0, start
        if step is None:
            step = 1
        return jnp.arange(start, stop, step, dtype=jdtype(dtype))

    def full(self, shape, fill_value, dtype=None):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if isinstance(fill_value, JaxVariable):
            fill_value = fill_value.value
        return jnp.full(shape, fill_value, dtype=jdtype(dtype))

    def zeros(self, shape, dtype=None):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return jnp.zeros(shape, jdtype(dtype))

    def ones(self, shape, dtype=None):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return jnp.ones(shape, jdtype(dtype))

    def empty(self, shape, dtype=None):
        return self.zeros(shape, dtype)

    def full_like(self, x, fill_value, dtype=None):
        x = tensor(x)
        return jnp.full(x.shape, fill_value, dtype=x.dtype if dtype is None else jdtype(dtype))

    def zeros_like(self, x, dtype=None):
        x = tensor(x)
        return jnp.zeros(x.shape, x.dtype if dtype is None else jdtype(dtype))

    def ones_like(self, x, dtype=None):
        x = tensor(x)
        return jnp.ones(x.shape, x.dtype if dtype is None else jdtype(dtype))

    def empty_like(self, x, dtype=None):
        return self.zeros_like(x, dtype)

    def eye(self, N, M=None, k=0, dtype=None):
        return jnp.eye(int(N), None if M is None else int(M), k=int(k), dtype=jdtype(dtype))

    def identity(self, n, dtype=None):
        return jnp.eye(int(n), dtype=jdtype(dtype))

    def tri(self, N, M=None, k=0, dtype=None):
        return jnp.tri(int(N), None if M is None else int(M), k=int(k), dtype=jdtype(dtype))

    def linspace(self, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
        start, stop = _scalar_arg(start), _scalar_arg(stop)
        if dtype is None:
            dtype = _dt.result_type(_arg_dtype_item(start), _arg_dtype_item(stop), 1.0)
        return jnp.linspace(
            start,
            stop,
            int(num),
            endpoint=endpoint,
            retstep=retstep,
            dtype=jdtype(dtype),
            axis=axis,
        )

    def logspace(self, start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
        start, stop = _scalar_arg(start), _scalar_arg(stop)
        if dtype is None:
            dtype = _dt.result_type(_arg_dtype_item(start), _arg_dtype_item(stop), 1.0)
        return jnp.logspace(
            start, stop, int(num), endpoint=endpoint, base=base, dtype=jdtype(dtype), axis=axis
        )

    def geomspace(self, start, stop, num=50, endpoint=True, dtype=None, axis=0):
        start, stop = _scalar_arg(start), _scalar_arg(stop)
        if dtype is None:
            dtype = _dt.result_type(_arg_dtype_item(start), _arg_dtype_item(stop), 1.0)
        return jnp.geomspace(
            start, stop, int(num), endpoint=endpoint, dtype=jdtype(dtype), axis=axis
        )

    def array(self, x, dtype=None):
        return tensor(x, dtype)

    def copy(self, x):
        return jnp.array(tensor(x), copy=True)

    def meshgrid(self, *x, indexing="xy"):
        return list(jnp.meshgrid(*[tensor(t) for t in x], indexing=indexing))

    # ------------------------------------------------------- elementwise unary
    def abs(self, x):
        return jnp.abs(tensor(x))

    def absolute(self, x):
        return jnp.abs(tensor(x))

    def fabs(self, x):
        return jnp.abs(to_float(x))

    def negative(self, x):
        return jnp.negative(tensor(x))

    def sign(self, x):
        x = tensor(x)
        return x if x.dtype == jnp.bool_ else jnp.sign(x)

    def signbit(self, x):
        return jnp.signbit(tensor(x))

    exp = _unary_float(jnp.exp)
    exp2 = _unary_float(jnp.exp2)
    expm1 = _unary_float(jnp.expm1)
    log = _unary_float(jnp.log)
    log1p = _unary_float(jnp.log1p)
    log2 = _unary_float(jnp.log2)
    log10 = _unary_float(jnp.log10)
    sqrt = _unary_float(jnp.sqrt)
    cbrt = _unary_float(jnp.cbrt)
    reciprocal = _unary_float(jnp.reciprocal)
    sin = _unary_float(jnp.sin)
    cos = _unary_float(jnp.cos)
    tan = _unary_float(jnp.tan)
    arcsin = _unary_float(jnp.arcsin)
    arccos = _unary_float(jnp.arccos)
    arctan = _unary_float(jnp.arctan)
    sinh = _unary_float(jnp.sinh)
    cosh = _unary_float(jnp.cosh)
    tanh = _unary_float(jnp.tanh)
    arcsinh = _unary_float(jnp.arcsinh)
    arccosh = _unary_float(jnp.arccosh)
    arctanh = _unary_float(jnp.arctanh)
    deg2rad = _unary_float(jnp.deg2rad)
    rad2deg = _unary_float(jnp.rad2deg)
    sinc = _unary_float(jnp.sinc)
    floor = _unary_float(jnp.floor)
    ceil = _unary_float(jnp.ceil)

    def square(self, x):
        x = tensor(x)
        if x.dtype == jnp.bool_:
            x = x.astype(jnp.int32)
        return jnp.square(x)

    def trunc(self, x):
        x = tensor(x)
        if x.dtype.kind in "biu":
            return x
        return jnp.trunc(x)

    def round(self, x, decimals=0):
        x = tensor(x)
        decimals = int(decimals)
        if x.dtype == jnp.bool_:
            return x
        if x.dtype.kind in "iu" and decimals < 0:
            # jnp.round rejects negative decimals for ints: round in float, cast back.
            factor = 10.0**-decimals
            f = x.astype(jnp.float32)
            return (jnp.round(f / factor) * factor).astype(x.dtype)
        return jnp.round(x, decimals)

    def isnan(self, x):
        return jnp.isnan(tensor(x))

    def isinf(self, x):
        return jnp.isinf(tensor(x))

    def isfinite(self, x):
        return jnp.isfinite(tensor(x))

    def isneginf(self, x):
        return jnp.isneginf(tensor(x))

    def isposinf(self, x):
        return jnp.isposinf(tensor(x))

    def isreal(self, x):
        return jnp.isreal(tensor(x))

    def nan_to_num(self, x, nan=0.0, posinf=None, neginf=None):
        x = tensor(x)
        if x.dtype.kind in "biu":
            return x
        return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def conj(self, x):
        return jnp.conj(tensor(x))

    def conjugate(self, x):
        return jnp.conj(tensor(x))

    def real(self, x):
        return jnp.real(tensor(x))

    def imag(self, x):
        return jnp.imag(tensor(x))

    def angle(self, x):
        return jnp.angle(to_float(x))

    def logical_not(self, x):
        return jnp.logical_not(tensor(x))

    def bitwise_invert(self, x):
        return jnp.invert(tensor(x))

    def bitwise_not(self, x):
        return jnp.invert(tensor(x))

    # ------------------------------------------------------ elementwise binary
    def add(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.add(x1, x2)

    def subtract(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.subtract(x1, x2)

    def multiply(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.multiply(x1, x2)

    def divide(self, x1, x2):
        x1, x2 = promote(x1, x2)
        t = x1 if isinstance(x1, Array) else x2
        if t.dtype.kind in "biu":
            fx = jdtype(None)
            x1, x2 = cast(x1, fx), cast(x2, fx)
        return jnp.true_divide(x1, x2)

    def true_divide(self, x1, x2):
        return self.divide(x1, x2)

    def divide_no_nan(self, x1, x2):
        x1, x2 = self._float_pair(x1, x2)
        ref = x1 if isinstance(x1, Array) else x2
        x1, x2 = cast(x1, ref.dtype), cast(x2, ref.dtype)
        zero = x2 == 0
        return jnp.where(
            zero, jnp.zeros((), x1.dtype), x1 / jnp.where(zero, jnp.ones((), x2.dtype), x2)
        )

    def floor_divide(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.floor_divide(x1, x2)

    def mod(self, x1, x2):
        x1, x2 = promote(x1, x2)
        t = x1 if isinstance(x1, Array) else x2
        if t.dtype == jnp.bool_:
            x1, x2 = cast(x1, jnp.int32), cast(x2, jnp.int32)
        return jnp.mod(x1, x2)

    def fmod(self, x1, x2):
        x1, x2 = promote(x1, x2)
        t = x1 if isinstance(x1, Array) else x2
        if t.dtype == jnp.bool_:
            x1, x2 = cast(x1, jnp.int32), cast(x2, jnp.int32)
        return jnp.fmod(x1, x2)

    def power(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.power(x1, x2)

    def maximum(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.maximum(x1, x2)

    def minimum(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.minimum(x1, x2)

    def fmax(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.fmax(x1, x2)

    def fmin(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return jnp.fmin(x1, x2)

    def _float_pair(self, x1, x2):
        x1, x2 = promote(x1, x2)
        t = x1 if isinstance(x1, Array) else x2
        if t.dtype.kind in "biu":
            fx = jdtype(None)
            return cast(x1, fx), cast(x2, fx)
        return x1, x2

    def arctan2(self, x1, x2):
        return jnp.arctan2(*self._float_pair(x1, x2))

    def hypot(self, x1, x2):
        return jnp.hypot(*self._float_pair(x1, x2))

    def logaddexp(self, x1, x2):
        return jnp.logaddexp(*self._float_pair(x1, x2))

    def logaddexp2(self, x1, x2):
        return jnp.logaddexp2(*self._float_pair(x1, x2))

    def heaviside(self, x1, x2):
        return jnp.heaviside(*self._float_pair(x1, x2))

    def gcd(self, x1, x2):
        return jnp.gcd(*promote(x1, x2))

    def lcm(self, x1, x2):
        return jnp.lcm(*promote(x1, x2))

    def equal(self, x1, x2):
        return jnp.equal(*promote(x1, x2))

    def not_equal(self, x1, x2):
        return jnp.not_equal(*promote(x1, x2))

    def less(self, x1, x2):
        return jnp.less(*promote(x1, x2))

    def less_equal(self, x1, x2):
        return jnp.less_equal(*promote(x1, x2))

    def greater(self, x1, x2):
        return jnp.greater(*promote(x1, x2))

    def greater_equal(self, x1, x2):
        return jnp.greater_equal(*promote(x1, x2))

    def isclose(self, x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
        x1, x2 = self._float_pair(x1, x2)
        return jnp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)

    def allclose(self, x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
        return jnp.all(self.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def logical_and(self, x1, x2):
        return jnp.logical_and(tensor(x1), tensor(x2))

    def logical_or(self, x1, x2):
        return jnp.logical_or(tensor(x1), tensor(x2))

    def logical_xor(self, x1, x2):
        return jnp.logical_xor(tensor(x1), tensor(x2))

    def bitwise_and(self, x, y):
        return jnp.bitwise_and(*promote(x, y))

    def bitwise_or(self, x, y):
        return jnp.bitwise_or(*promote(x, y))

    def bitwise_xor(self, x, y):
        return jnp.bitwise_xor(*promote(x, y))

    def bitwise_left_shift(self, x, y):
        return jnp.left_shift(*promote(x, y))

    def bitwise_right_shift(self, x, y):
        return jnp.right_shift(*promote(x, y))

    def left_shift(self, x, y):
        return jnp.left_shift(*promote(x, y))

    def right_shift(self, x, y):
        return jnp.right_shift(*promote(x, y))

    def clip(self, x, x_min, x_max):
        x = tensor(x)
        if x.dtype == jnp.bool_:
            x = x.astype(jnp.int32)
        # The bounds count as weak scalars: they never widen x beyond its kind.
        items = [name_of(x.dtype)]
        for b in (x_min, x_max):
            if b is None:
                continue
            if isinstance(b, PY_SCALARS):
                items.append(b)
            else:
                kind = tensor(b).dtype.kind
                items.append(1.0 if kind in "fV" else (0j if kind == "c" else 1))
        jd = jdtype(_dt.result_type(*items))
        x = x if x.dtype == jd else x.astype(jd)
        lo = (
            None if x_min is None else (x_min if isinstance(x_min, PY_SCALARS) else cast(x_min, jd))
        )
        hi = (
            None if x_max is None else (x_max if isinstance(x_max, PY_SCALARS) else cast(x_max, jd))
        )
        return jnp.clip(x, lo, hi)

    def where(self, condition, x1=None, x2=None):
        if x1 is None and x2 is None:
            return self.nonzero(condition)
        if x1 is None or x2 is None:
            raise ValueError("`x1` and `x2` must both be given, or neither.")
        condition = tensor(condition)
        if condition.dtype != jnp.bool_:
            condition = condition != 0
        x1, x2 = promote(x1, x2)
        return jnp.where(condition, x1, x2)

    def select(self, condlist, choicelist, default=0):
        conds = [tensor(c).astype(jnp.bool_) for c in condlist]
        items = [tensor(c) for c in choicelist]
        names = [name_of(c.dtype) for c in items]
        jd = jdtype(
            _dt.result_type(
                *names,
                default if isinstance(default, PY_SCALARS) else name_of(tensor(default).dtype),
            )
        )
        items = [cast(c, jd) for c in items]
        return jnp.select(conds, items, cast(default, jd))
