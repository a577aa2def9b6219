"""NumPy-like array ops of the backend protocol (``kerasx.ops.numpy``).

Abstract methods are primitives; the rest are defaults written with other protocol
methods.  Semantics follow NumPy with Keras 3's dtype rules:

* binary ops promote with ``common.dtypes.result_type`` (Python scalars weak);
* float-valued maths of int or bool inputs (``sqrt``, ``mean``, ``divide``...) give
  ``floatx()``; sums and products of bool/int8/int16 give int32, uint8/uint16 give
  uint32;
* ``axis`` may be negative, an int or a tuple; ``keepdims`` keeps reduced axes.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from typing import Any

from kerasx.backends.common import dtypes as _dt

Tensor = Any
Axis = int | Sequence[int] | None


def _norm_axis(axis: int, ndim: int) -> int:
    return axis + ndim if axis < 0 else axis


class NumpyProtocol(abc.ABC):
    """Array creation, elementwise maths, reductions, shape and indexing ops."""

    # ------------------------------------------------------------ creation
    @abc.abstractmethod
    def arange(
        self, start: Any, stop: Any = None, step: Any = None, dtype: str | None = None
    ) -> Tensor:
        """Evenly spaced values in ``[start, stop)``; int dtype for int arguments."""

    @abc.abstractmethod
    def full(self, shape: Sequence[int], fill_value: Any, dtype: str | None = None) -> Tensor:
        """Tensor of ``shape`` filled with ``fill_value``."""

    def zeros(self, shape: Sequence[int], dtype: str | None = None) -> Tensor:
        return self.full(shape, 0, dtype=_dt.standardize_dtype(dtype))

    def ones(self, shape: Sequence[int], dtype: str | None = None) -> Tensor:
        return self.full(shape, 1, dtype=_dt.standardize_dtype(dtype))

    def empty(self, shape: Sequence[int], dtype: str | None = None) -> Tensor:
        return self.zeros(shape, dtype)

    def full_like(self, x: Tensor, fill_value: Any, dtype: str | None = None) -> Tensor:
        x = self.convert_to_tensor(x)
        return self.full(self.shape(x), fill_value, dtype=dtype or self.dtype(x))

    def zeros_like(self, x: Tensor, dtype: str | None = None) -> Tensor:
        return self.full_like(x, 0, dtype)

    def ones_like(self, x: Tensor, dtype: str | None = None) -> Tensor:
        return self.full_like(x, 1, dtype)

    def empty_like(self, x: Tensor, dtype: str | None = None) -> Tensor:
        return self.full_like(x, 0, dtype)

    @abc.abstractmethod
    def eye(self, N: int, M: int | None = None, k: int = 0, dtype: str | None = None) -> Tensor:
        """2-D tensor with ones on the ``k``-th diagonal."""

    def identity(self, n: int, dtype: str | None = None) -> Tensor:
        return self.eye(n, dtype=dtype)

    def tri(self, N: int, M: int | None = None, k: int = 0, dtype: str | None = None) -> Tensor:
        M = N if M is None else M
        rows = self.expand_dims(self.arange(N, dtype="int32"), 1)
        cols = self.expand_dims(self.arange(M, dtype="int32"), 0)
        return self.cast(self.greater_equal(self.add(rows, k), cols), _dt.standardize_dtype(dtype))

    @abc.abstractmethod
    def linspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        retstep: bool = False,
        dtype: str | None = None,
        axis: int = 0,
    ) -> Tensor:
        """``num`` evenly spaced samples over ``[start, stop]``."""

    def logspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        base: float = 10,
        dtype: str | None = None,
        axis: int = 0,
    ) -> Tensor:
        exps = self.linspace(start, stop, num, endpoint=endpoint, dtype="float32", axis=axis)
        return self.cast(self.power(float(base), exps), _dt.standardize_dtype(dtype))

    def geomspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        dtype: str | None = None,
        axis: int = 0,
    ) -> Tensor:
        lo, hi = self.log10(self.cast(start, "float32")), self.log10(self.cast(stop, "float32"))
        return self.logspace(lo, hi, num, endpoint=endpoint, dtype=dtype, axis=axis)

    def array(self, x: Any, dtype: str | None = None) -> Tensor:
        return self.convert_to_tensor(x, dtype=dtype)

    def copy(self, x: Tensor) -> Tensor:
        return (
            self.add(self.zeros_like(x), x)
            if self.dtype(self.convert_to_tensor(x)) != "bool"
            else self.logical_or(x, False)
        )

    def meshgrid(self, *x: Tensor, indexing: str = "xy") -> list[Tensor]:
        xs = [self.reshape(t, (-1,)) for t in x]
        n = len(xs)
        shapes = [self.shape(t)[0] for t in xs]
        if indexing == "xy" and n >= 2:
            shapes[0], shapes[1] = shapes[1], shapes[0]
        out = []
        for i, t in enumerate(xs):
            pos = i
            if indexing == "xy" and n >= 2 and i < 2:
                pos = 1 - i
            view = [1] * n
            view[pos] = -1
            out.append(self.broadcast_to(self.reshape(t, view), shapes))
        return out

    # ------------------------------------------------------- elementwise unary
    @abc.abstractmethod
    def abs(self, x: Tensor) -> Tensor: ...

    def absolute(self, x: Tensor) -> Tensor:
        return self.abs(x)

    def fabs(self, x: Tensor) -> Tensor:
        return self.abs(self._float(x))

    @abc.abstractmethod
    def negative(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def sign(self, x: Tensor) -> Tensor: ...

    def signbit(self, x: Tensor) -> Tensor:
        x = self.convert_to_tensor(x)
        if _dt.is_float(self.dtype(x)):
            # -0.0 has its sign bit set: 1/-0.0 is -inf.
            return self.logical_or(
                self.less(x, 0),
                self.logical_and(self.equal(x, 0), self.less(self.divide(1.0, x), 0)),
            )
        return self.less(x, 0)

    @abc.abstractmethod
    def exp(self, x: Tensor) -> Tensor: ...

    def exp2(self, x: Tensor) -> Tensor:
        return self.power(2.0, self._float(x))

    @abc.abstractmethod
    def expm1(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def log(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def log1p(self, x: Tensor) -> Tensor: ...

    def log2(self, x: Tensor) -> Tensor:
        return self.divide(self.log(x), math.log(2.0))

    def log10(self, x: Tensor) -> Tensor:
        return self.divide(self.log(x), math.log(10.0))

    @abc.abstractmethod
    def sqrt(self, x: Tensor) -> Tensor: ...

    def square(self, x: Tensor) -> Tensor:
        x = self.convert_to_tensor(x)
        if self.dtype(x) == "bool":
            x = self.cast(x, "int32")
        return self.multiply(x, x)

    def cbrt(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.multiply(self.sign(x), self.power(self.abs(x), 1.0 / 3.0))

    def reciprocal(self, x: Tensor) -> Tensor:
        return self.divide(1.0, self._float(x))

    @abc.abstractmethod
    def sin(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def cos(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def tan(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def arcsin(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def arccos(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def arctan(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def sinh(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def cosh(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def tanh(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def arcsinh(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def arccosh(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def arctanh(self, x: Tensor) -> Tensor: ...

    def deg2rad(self, x: Tensor) -> Tensor:
        return self.multiply(self._float(x), math.pi / 180.0)

    def rad2deg(self, x: Tensor) -> Tensor:
        return self.multiply(self._float(x), 180.0 / math.pi)

    def sinc(self, x: Tensor) -> Tensor:
        x = self._float(x)
        px = self.multiply(x, math.pi)
        safe = self.where(self.equal(x, 0), 1.0, px)
        return self.where(self.equal(x, 0), 1.0, self.divide(self.sin(safe), safe))

    @abc.abstractmethod
    def floor(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def ceil(self, x: Tensor) -> Tensor: ...

    def trunc(self, x: Tensor) -> Tensor:
        x = self.convert_to_tensor(x)
        if not _dt.is_float(self.dtype(x)):
            return x
        return self.where(self.less(x, 0), self.ceil(x), self.floor(x))

    @abc.abstractmethod
    def round(self, x: Tensor, decimals: int = 0) -> Tensor:
        """Round half to even, to ``decimals`` places."""

    @abc.abstractmethod
    def isnan(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def isinf(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def isfinite(self, x: Tensor) -> Tensor: ...

    def isneginf(self, x: Tensor) -> Tensor:
        return self.logical_and(self.isinf(x), self.less(x, 0))

    def isposinf(self, x: Tensor) -> Tensor:
        return self.logical_and(self.isinf(x), self.greater(x, 0))

    def isreal(self, x: Tensor) -> Tensor:
        x = self.convert_to_tensor(x)
        if _dt.is_complex(self.dtype(x)):
            return self.equal(self.imag(x), 0)
        return self.ones_like(x, dtype="bool")

    def nan_to_num(
        self, x: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        x = self.convert_to_tensor(x)
        dtype = self.dtype(x)
        if not _dt.is_float(dtype):
            return x
        lo, hi = _dt.dtype_range(dtype)
        x = self.where(self.isnan(x), nan, x)
        x = self.where(self.isposinf(x), hi if posinf is None else posinf, x)
        return self.where(self.isneginf(x), lo if neginf is None else neginf, x)

    def conj(self, x: Tensor) -> Tensor:
        return x

    def conjugate(self, x: Tensor) -> Tensor:
        return self.conj(x)

    def real(self, x: Tensor) -> Tensor:
        return self.convert_to_tensor(x)

    def imag(self, x: Tensor) -> Tensor:
        return self.zeros_like(x)

    def angle(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.arctan2(self.zeros_like(x), x)

    @abc.abstractmethod
    def logical_not(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def bitwise_invert(self, x: Tensor) -> Tensor: ...

    def bitwise_not(self, x: Tensor) -> Tensor:
        return self.bitwise_invert(x)

    # ------------------------------------------------------ elementwise binary
    @abc.abstractmethod
    def add(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def subtract(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def multiply(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def divide(self, x1: Tensor, x2: Tensor) -> Tensor:
        """True division; integer inputs give ``floatx()``."""

    def true_divide(self, x1: Tensor, x2: Tensor) -> Tensor:
        return self.divide(x1, x2)

    def divide_no_nan(self, x1: Tensor, x2: Tensor) -> Tensor:
        x2 = self.convert_to_tensor(x2)
        zero = self.equal(x2, 0)
        safe = self.where(zero, self.ones_like(x2), x2)
        return self.where(zero, 0, self.divide(x1, safe))

    @abc.abstractmethod
    def floor_divide(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def mod(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Remainder with the sign of the divisor (Python/NumPy ``%``)."""

    def fmod(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Remainder with the sign of the dividend (C ``fmod``)."""
        r = self.mod(x1, x2)
        x1 = self.convert_to_tensor(x1)
        fix = self.logical_and(
            self.not_equal(r, 0), self.not_equal(self.less(r, 0), self.less(x1, 0))
        )
        return self.where(fix, self.subtract(r, x2), r)

    @abc.abstractmethod
    def power(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def maximum(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def minimum(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    def fmax(self, x1: Tensor, x2: Tensor) -> Tensor:
        x1, x2 = self.convert_to_tensor(x1), self.convert_to_tensor(x2)
        m = self.maximum(x1, x2)
        return (
            self.where(self.isnan(x1), x2, self.where(self.isnan(x2), x1, m))
            if _dt.is_float(self.dtype(m))
            else m
        )

    def fmin(self, x1: Tensor, x2: Tensor) -> Tensor:
        x1, x2 = self.convert_to_tensor(x1), self.convert_to_tensor(x2)
        m = self.minimum(x1, x2)
        return (
            self.where(self.isnan(x1), x2, self.where(self.isnan(x2), x1, m))
            if _dt.is_float(self.dtype(m))
            else m
        )

    @abc.abstractmethod
    def arctan2(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    def hypot(self, x1: Tensor, x2: Tensor) -> Tensor:
        x1, x2 = self._float(x1), self._float(x2)
        return self.sqrt(self.add(self.square(x1), self.square(x2)))

    def logaddexp(self, x1: Tensor, x2: Tensor) -> Tensor:
        x1, x2 = self._float(x1), self._float(x2)
        m = self.maximum(x1, x2)
        return self.add(m, self.log1p(self.exp(self.negative(self.abs(self.subtract(x1, x2))))))

    def logaddexp2(self, x1: Tensor, x2: Tensor) -> Tensor:
        ln2 = math.log(2.0)
        return self.divide(
            self.logaddexp(
                self.multiply(self._float(x1), ln2), self.multiply(self._float(x2), ln2)
            ),
            ln2,
        )

    def ldexp(self, x1: Tensor, x2: Tensor) -> Tensor:
        return self.multiply(self._float(x1), self.power(2.0, self.cast(x2, "float32")))

    def heaviside(self, x1: Tensor, x2: Tensor) -> Tensor:
        x1 = self._float(x1)
        return self.where(
            self.less(x1, 0),
            self.zeros_like(x1),
            self.where(self.greater(x1, 0), self.ones_like(x1), self.cast(x2, self.dtype(x1))),
        )

    def gcd(self, x1: Tensor, x2: Tensor) -> Tensor:
        a, b = self.abs(self.convert_to_tensor(x1)), self.abs(self.convert_to_tensor(x2))
        a, b = self.broadcast_to(a, self._bshape(a, b)), self.broadcast_to(b, self._bshape(a, b))

        def cond(a, b):
            return self.any(self.not_equal(b, 0))

        def body(a, b):
            safe = self.where(self.equal(b, 0), self.ones_like(b), b)
            return (
                self.where(self.equal(b, 0), a, b),
                self.where(self.equal(b, 0), b, self.mod(a, safe)),
            )

        return self.while_loop(cond, body, (a, b))[0]

    def lcm(self, x1: Tensor, x2: Tensor) -> Tensor:
        g = self.gcd(x1, x2)
        safe = self.where(self.equal(g, 0), self.ones_like(g), g)
        return self.abs(self.multiply(self.floor_divide(x1, safe), x2))

    @abc.abstractmethod
    def equal(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def not_equal(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def less(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def less_equal(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def greater(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def greater_equal(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    def isclose(
        self,
        x1: Tensor,
        x2: Tensor,
        rtol: float = 1e-5,
        atol: float = 1e-8,
        equal_nan: bool = False,
    ) -> Tensor:
        x1, x2 = self._float(x1), self._float(x2)
        close = self.less_equal(
            self.abs(self.subtract(x1, x2)), self.add(atol, self.multiply(rtol, self.abs(x2)))
        )
        close = self.logical_or(close, self.equal(x1, x2))
        if equal_nan:
            close = self.logical_or(close, self.logical_and(self.isnan(x1), self.isnan(x2)))
        return close

    def allclose(
        self,
        x1: Tensor,
        x2: Tensor,
        rtol: float = 1e-5,
        atol: float = 1e-8,
        equal_nan: bool = False,
    ) -> Tensor:
        return self.all(self.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))

    @abc.abstractmethod
    def logical_and(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def logical_or(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    def logical_xor(self, x1: Tensor, x2: Tensor) -> Tensor:
        return self.not_equal(self.cast(x1, "bool"), self.cast(x2, "bool"))

    @abc.abstractmethod
    def bitwise_and(self, x: Tensor, y: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def bitwise_or(self, x: Tensor, y: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def bitwise_xor(self, x: Tensor, y: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def bitwise_left_shift(self, x: Tensor, y: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def bitwise_right_shift(self, x: Tensor, y: Tensor) -> Tensor:
        """Arithmetic right shift for signed ints."""

    def left_shift(self, x: Tensor, y: Tensor) -> Tensor:
        return self.bitwise_left_shift(x, y)

    def right_shift(self, x: Tensor, y: Tensor) -> Tensor:
        return self.bitwise_right_shift(x, y)

    @abc.abstractmethod
    def clip(self, x: Tensor, x_min: Any, x_max: Any) -> Tensor:
        """Clamp to ``[x_min, x_max]``; bool inputs are clipped as int32."""

    @abc.abstractmethod
    def where(self, condition: Tensor, x1: Any = None, x2: Any = None) -> Tensor:
        """Select from ``x1`` where ``condition`` else ``x2`` (promoted); with only the
        condition, return :meth:`nonzero`."""

    def select(
        self, condlist: Sequence[Tensor], choicelist: Sequence[Tensor], default: Any = 0
    ) -> Tensor:
        out = self.convert_to_tensor(default) if not self.is_tensor(default) else default
        for cond, choice in reversed(list(zip(condlist, choicelist))):
            out = self.where(cond, choice, out)
        return out

    # ----------------------------------------------------------- reductions
    @abc.abstractmethod
    def sum(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor: ...

    @abc.abstractmethod
    def prod(
        self, x: Tensor, axis: Axis = None, keepdims: bool = False, dtype: str | None = None
    ) -> Tensor: ...

    @abc.abstractmethod
    def mean(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Mean; int and bool inputs give ``floatx()``."""

    @abc.abstractmethod
    def max(
        self, x: Tensor, axis: Axis = None, keepdims: bool = False, initial: Any = None
    ) -> Tensor: ...

    @abc.abstractmethod
    def min(
        self, x: Tensor, axis: Axis = None, keepdims: bool = False, initial: Any = None
    ) -> Tensor: ...

    def amax(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self.max(x, axis=axis, keepdims=keepdims)

    def amin(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self.min(x, axis=axis, keepdims=keepdims)

    def ptp(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self.subtract(
            self.max(x, axis=axis, keepdims=keepdims), self.min(x, axis=axis, keepdims=keepdims)
        )

    @abc.abstractmethod
    def all(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor: ...

    @abc.abstractmethod
    def any(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor: ...

    def var(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        x = self._float(x)
        m = self.mean(x, axis=axis, keepdims=True)
        return self.mean(self.square(self.subtract(x, m)), axis=axis, keepdims=keepdims)

    def std(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self.sqrt(self.var(x, axis=axis, keepdims=keepdims))

    def average(self, x: Tensor, axis: Axis = None, weights: Tensor | None = None) -> Tensor:
        if weights is None:
            return self.mean(x, axis=axis)
        x, weights = self._float(x), self._float(weights)
        if axis is not None and len(self.shape(weights)) == 1 and len(self.shape(x)) > 1:
            view = [1] * len(self.shape(x))
            view[axis] = -1
            weights = self.reshape(weights, view)
        weights = self.broadcast_to(weights, self.shape(x))
        return self.divide(
            self.sum(self.multiply(x, weights), axis=axis), self.sum(weights, axis=axis)
        )

    def count_nonzero(self, x: Tensor, axis: Axis = None) -> Tensor:
        return self.sum(self.cast(self.not_equal(x, 0), "int32"), axis=axis)

    @abc.abstractmethod
    def argmax(self, x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index (int32) of the first maximum."""

    @abc.abstractmethod
    def argmin(self, x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index (int32) of the first minimum."""

    @abc.abstractmethod
    def cumsum(self, x: Tensor, axis: int | None = None, dtype: str | None = None) -> Tensor: ...

    @abc.abstractmethod
    def cumprod(self, x: Tensor, axis: int | None = None, dtype: str | None = None) -> Tensor: ...

    def median(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self.quantile(x, 0.5, axis=axis, keepdims=keepdims)

    def quantile(
        self, x: Tensor, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False
    ) -> Tensor:
        x = self._float(x)
        ndim = len(self.shape(x))
        axes = (
            tuple(range(ndim))
            if axis is None
            else ((axis,) if isinstance(axis, int) else tuple(axis))
        )
        axes = tuple(sorted(_norm_axis(a, ndim) for a in axes))
        rest = [a for a in range(ndim) if a not in axes]
        xt = self.transpose(x, rest + list(axes))
        kept = [self.shape(x)[a] for a in rest]
        xt = self.reshape(xt, (*kept, -1))
        n = self.shape(xt)[-1]
        xs = self.sort(xt, axis=-1)
        q_t = self.cast(self.convert_to_tensor(q), "float32")
        pos = self.multiply(q_t, float(n - 1))
        if method == "lower":
            lo = hi = self.floor(pos)
        elif method == "higher":
            lo = hi = self.ceil(pos)
        elif method == "nearest":
            lo = hi = self.round(pos)
        else:
            lo, hi = self.floor(pos), self.ceil(pos)
        frac = self.subtract(pos, lo)
        ilo, ihi = self.cast(lo, "int32"), self.cast(hi, "int32")
        vlo = (
            self.moveaxis(self.take(xs, ilo, axis=-1), -1, 0)
            if len(self.shape(q_t))
            else self.take(xs, ilo, axis=-1)
        )
        vhi = (
            self.moveaxis(self.take(xs, ihi, axis=-1), -1, 0)
            if len(self.shape(q_t))
            else self.take(xs, ihi, axis=-1)
        )
        if method == "midpoint":
            out = self.multiply(self.add(vlo, vhi), 0.5)
        elif method == "linear":
            f = self.reshape(frac, (-1,) + (1,) * len(kept)) if len(self.shape(q_t)) else frac
            out = self.add(
                vlo, self.multiply(self.subtract(vhi, vlo), self.cast(f, self.dtype(vlo)))
            )
        else:
            out = vlo
        if keepdims:
            lead = 1 if len(self.shape(q_t)) else 0
            for a in axes:
                out = self.expand_dims(out, a + lead)
        return out

    def percentile(
        self, x: Tensor, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False
    ) -> Tensor:
        return self.quantile(
            x, self.divide(self._float(q), 100.0), axis=axis, method=method, keepdims=keepdims
        )

    # NaN-ignoring reductions: replace NaNs with the reduction's neutral element.
    def nansum(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self.sum(self._nan_fill(x, 0), axis=axis, keepdims=keepdims)

    def nanprod(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self.prod(self._nan_fill(x, 1), axis=axis, keepdims=keepdims)

    def nanmean(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        x = self._float(x)
        cnt = self.sum(
            self.cast(self.logical_not(self.isnan(x)), self.dtype(x)), axis=axis, keepdims=keepdims
        )
        return self.divide(self.nansum(x, axis=axis, keepdims=keepdims), cnt)

    def nanvar(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        x = self._float(x)
        m = self.nanmean(x, axis=axis, keepdims=True)
        return self.nanmean(self.square(self.subtract(x, m)), axis=axis, keepdims=keepdims)

    def nanstd(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return self.sqrt(self.nanvar(x, axis=axis, keepdims=keepdims))

    def nanmax(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        x = self.convert_to_tensor(x)
        out = self.max(self._nan_fill(x, -math.inf), axis=axis, keepdims=keepdims)
        return (
            self.where(self.all(self.isnan(x), axis=axis, keepdims=keepdims), math.nan, out)
            if _dt.is_float(self.dtype(x))
            else out
        )

    def nanmin(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        x = self.convert_to_tensor(x)
        out = self.min(self._nan_fill(x, math.inf), axis=axis, keepdims=keepdims)
        return (
            self.where(self.all(self.isnan(x), axis=axis, keepdims=keepdims), math.nan, out)
            if _dt.is_float(self.dtype(x))
            else out
        )

    def nanargmax(self, x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return self.argmax(self._nan_fill(x, -math.inf), axis=axis, keepdims=keepdims)

    def nanargmin(self, x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return self.argmin(self._nan_fill(x, math.inf), axis=axis, keepdims=keepdims)

    def nancumsum(self, x: Tensor, axis: int | None = None, dtype: str | None = None) -> Tensor:
        return self.cumsum(self._nan_fill(x, 0), axis=axis, dtype=dtype)

    def nancumprod(self, x: Tensor, axis: int | None = None, dtype: str | None = None) -> Tensor:
        return self.cumprod(self._nan_fill(x, 1), axis=axis, dtype=dtype)

    # --------------------------------------------------------- shape ops
    @abc.abstractmethod
    def reshape(self, x: Tensor, newshape: Sequence[int] | int) -> Tensor: ...

    def ravel(self, x: Tensor) -> Tensor:
        return self.reshape(x, (-1,))

    @abc.abstractmethod
    def transpose(self, x: Tensor, axes: Sequence[int] | None = None) -> Tensor: ...

    def swapaxes(self, x: Tensor, axis1: int, axis2: int) -> Tensor:
        ndim = len(self.shape(x))
        perm = list(range(ndim))
        a, b = _norm_axis(axis1, ndim), _norm_axis(axis2, ndim)
        perm[a], perm[b] = perm[b], perm[a]
        return self.transpose(x, perm)

    def moveaxis(
        self, x: Tensor, source: int | Sequence[int], destination: int | Sequence[int]
    ) -> Tensor:
        x = self.convert_to_tensor(x)
        ndim = len(self.shape(x))
        src = [source] if isinstance(source, int) else list(source)
        dst = [destination] if isinstance(destination, int) else list(destination)
        src = [_norm_axis(a, ndim) for a in src]
        dst = [_norm_axis(a, ndim) for a in dst]
        order = [a for a in range(ndim) if a not in src]
        for d, s in sorted(zip(dst, src)):
            order.insert(d, s)
        return self.transpose(x, order)

    @abc.abstractmethod
    def expand_dims(self, x: Tensor, axis: int | Sequence[int]) -> Tensor: ...

    @abc.abstractmethod
    def squeeze(self, x: Tensor, axis: Axis = None) -> Tensor: ...

    @abc.abstractmethod
    def broadcast_to(self, x: Tensor, shape: Sequence[int]) -> Tensor: ...

    @abc.abstractmethod
    def concatenate(self, xs: Sequence[Tensor], axis: int | None = 0) -> Tensor: ...

    def append(self, x1: Tensor, x2: Tensor, axis: int | None = None) -> Tensor:
        if axis is None:
            return self.concatenate([self.ravel(x1), self.ravel(x2)], axis=0)
        return self.concatenate([x1, x2], axis=axis)

    @abc.abstractmethod
    def stack(self, x: Sequence[Tensor], axis: int = 0) -> Tensor: ...

    def hstack(self, xs: Sequence[Tensor]) -> Tensor:
        xs = [self.convert_to_tensor(t) for t in xs]
        return self.concatenate(xs, axis=0 if len(self.shape(xs[0])) == 1 else 1)

    def vstack(self, xs: Sequence[Tensor]) -> Tensor:
        xs = [self.convert_to_tensor(t) for t in xs]
        return self.concatenate(
            [self.reshape(t, (1, -1)) if len(self.shape(t)) == 1 else t for t in xs], axis=0
        )

    def dstack(self, xs: Sequence[Tensor]) -> Tensor:
        out = []
        for t in xs:
            t = self.convert_to_tensor(t)
            s = self.shape(t)
            if len(s) == 1:
                t = self.reshape(t, (1, s[0], 1))
            elif len(s) == 2:
                t = self.expand_dims(t, -1)
            out.append(t)
        return self.concatenate(out, axis=2)

    @abc.abstractmethod
    def split(
        self, x: Tensor, indices_or_sections: int | Sequence[int], axis: int = 0
    ) -> list[Tensor]:
        """Equal sections (an int that divides the axis) or split points."""

    def array_split(
        self, x: Tensor, indices_or_sections: int | Sequence[int], axis: int = 0
    ) -> list[Tensor]:
        if isinstance(indices_or_sections, int):
            n = self.shape(x)[axis]
            k = indices_or_sections
            sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
            points, acc = [], 0
            for s in sizes[:-1]:
                acc += s
                points.append(acc)
            return self.split(x, points, axis=axis)
        return self.split(x, indices_or_sections, axis=axis)

    def hsplit(self, x: Tensor, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
        return self.split(x, indices_or_sections, axis=0 if len(self.shape(x)) == 1 else 1)

    def vsplit(self, x: Tensor, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
        return self.split(x, indices_or_sections, axis=0)

    def dsplit(self, x: Tensor, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
        return self.split(x, indices_or_sections, axis=2)

    @abc.abstractmethod
    def tile(self, x: Tensor, repeats: Sequence[int] | int) -> Tensor: ...

    @abc.abstractmethod
    def repeat(
        self, x: Tensor, repeats: int | Sequence[int], axis: int | None = None
    ) -> Tensor: ...

    @abc.abstractmethod
    def flip(self, x: Tensor, axis: Axis = None) -> Tensor: ...

    def fliplr(self, x: Tensor) -> Tensor:
        return self.flip(x, axis=1)

    def flipud(self, x: Tensor) -> Tensor:
        return self.flip(x, axis=0)

    def rot90(self, array: Tensor, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Tensor:
        k %= 4
        a0, a1 = axes
        if k == 0:
            return array
        if k == 2:
            return self.flip(self.flip(array, axis=a0), axis=a1)
        if k == 1:
            return self.swapaxes(self.flip(array, axis=a1), a0, a1)
        return self.flip(self.swapaxes(array, a0, a1), axis=a1)

    @abc.abstractmethod
    def roll(self, x: Tensor, shift: int | Sequence[int], axis: Axis = None) -> Tensor: ...

    @abc.abstractmethod
    def pad(
        self, x: Tensor, pad_width: Any, mode: str = "constant", constant_values: Any = None
    ) -> Tensor:
        """NumPy-style pad; modes ``constant``, ``reflect`` and ``symmetric`` at least."""

    def ndim(self, x: Tensor) -> int:
        return len(self.shape(self.convert_to_tensor(x)))

    def size(self, x: Tensor) -> int:
        return math.prod(self.shape(self.convert_to_tensor(x)))

    # ----------------------------------------------- indexing and searching
    @abc.abstractmethod
    def take(self, x: Tensor, indices: Any, axis: int | None = None) -> Tensor:
        """Gather along ``axis`` (flattened when ``None``); negative indices wrap."""

    @abc.abstractmethod
    def take_along_axis(self, x: Tensor, indices: Tensor, axis: int | None = None) -> Tensor: ...

    @abc.abstractmethod
    def sort(self, x: Tensor, axis: int = -1) -> Tensor: ...

    @abc.abstractmethod
    def argsort(self, x: Tensor, axis: int = -1) -> Tensor:
        """Stable ascending argsort (int32)."""

    def argpartition(self, x: Tensor, kth: int, axis: int = -1) -> Tensor:
        return self.argsort(x, axis=axis)

    @abc.abstractmethod
    def searchsorted(
        self, sorted_sequence: Tensor, values: Tensor, side: str = "left"
    ) -> Tensor: ...

    def digitize(self, x: Tensor, bins: Tensor) -> Tensor:
        return self.searchsorted(bins, x, side="right")

    @abc.abstractmethod
    def nonzero(self, x: Tensor) -> tuple[Tensor, ...]:
        """Indices of non-zero entries, one int tensor per axis (eager only)."""

    @abc.abstractmethod
    def bincount(
        self, x: Tensor, weights: Tensor | None = None, minlength: int = 0, sparse: bool = False
    ) -> Tensor:
        """Counts of each non-negative int in a 1-D (or, batched, 2-D) ``x``."""

    def unravel_index(self, indices: Tensor, shape: Sequence[int]) -> tuple[Tensor, ...]:
        out = []
        rem = self.convert_to_tensor(indices)
        for dim in reversed(shape):
            out.append(self.mod(rem, dim))
            rem = self.floor_divide(rem, dim)
        return tuple(reversed(out))

    def isin(
        self, x1: Tensor, x2: Tensor, assume_unique: bool = False, invert: bool = False
    ) -> Tensor:
        x1 = self.convert_to_tensor(x1)
        flat2 = self.reshape(x2, (-1,))
        hit = self.any(self.equal(self.expand_dims(x1, -1), flat2), axis=-1)
        return self.logical_not(hit) if invert else hit

    # ----------------------------------------------------- diagonals & tri
    @abc.abstractmethod
    def diagonal(self, x: Tensor, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor: ...

    def diag(self, x: Tensor, k: int = 0) -> Tensor:
        x = self.convert_to_tensor(x)
        if len(self.shape(x)) == 2:
            return self.diagonal(x, offset=k)
        n = self.shape(x)[0] + abs(k)
        eye = self.eye(n, k=k, dtype=self.dtype(x))
        # Entry (i, i+k) of the result is x[min(i, i+k)]: multiply the shifted identity
        # by x padded at the front, along columns (k >= 0) or rows (k < 0).
        if k >= 0:
            row = self.pad(x, [(k, 0)])
            return self.multiply(eye, self.expand_dims(row, 0))
        col = self.pad(x, [(-k, 0)])
        return self.multiply(eye, self.expand_dims(col, 1))

    def diagflat(self, x: Tensor, k: int = 0) -> Tensor:
        return self.diag(self.ravel(x), k=k)

    def trace(self, x: Tensor, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        x = self.convert_to_tensor(x)
        d = self.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)
        out = self.sum(d, axis=-1)
        return out

    def tril(self, x: Tensor, k: int = 0) -> Tensor:
        x = self.convert_to_tensor(x)
        n, m = self.shape(x)[-2:]
        return self.where(self.tri(n, m, k=k, dtype="bool"), x, self.zeros_like(x))

    def triu(self, x: Tensor, k: int = 0) -> Tensor:
        x = self.convert_to_tensor(x)
        n, m = self.shape(x)[-2:]
        return self.where(self.tri(n, m, k=k - 1, dtype="bool"), self.zeros_like(x), x)

    # ---------------------------------------------------- products
    @abc.abstractmethod
    def matmul(self, x1: Tensor, x2: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def einsum(self, subscripts: str, *operands: Tensor, **kwargs: Any) -> Tensor: ...

    @abc.abstractmethod
    def tensordot(self, x1: Tensor, x2: Tensor, axes: int | Sequence[Any] = 2) -> Tensor: ...

    def dot(self, x1: Tensor, x2: Tensor) -> Tensor:
        x1, x2 = self.convert_to_tensor(x1), self.convert_to_tensor(x2)
        n1, n2 = len(self.shape(x1)), len(self.shape(x2))
        if n1 == 0 or n2 == 0:
            return self.multiply(x1, x2)
        if n2 == 1 or n1 == 1 or n2 == 2:
            return (
                self.matmul(x1, x2)
                if n1 >= 1 and n2 <= 2
                else self.tensordot(x1, x2, axes=[[n1 - 1], [n2 - 2]])
            )
        return self.tensordot(x1, x2, axes=[[n1 - 1], [n2 - 2]])

    def vdot(self, x1: Tensor, x2: Tensor) -> Tensor:
        return self.sum(self.multiply(self.ravel(self.conj(x1)), self.ravel(x2)))

    def inner(self, x1: Tensor, x2: Tensor) -> Tensor:
        x1, x2 = self.convert_to_tensor(x1), self.convert_to_tensor(x2)
        if len(self.shape(x1)) == 0 or len(self.shape(x2)) == 0:
            return self.multiply(x1, x2)
        return self.tensordot(x1, x2, axes=[[-1], [-1]])

    def outer(self, x1: Tensor, x2: Tensor) -> Tensor:
        return self.multiply(
            self.expand_dims(self.ravel(x1), 1), self.expand_dims(self.ravel(x2), 0)
        )

    def kron(self, x1: Tensor, x2: Tensor) -> Tensor:
        x1, x2 = self.convert_to_tensor(x1), self.convert_to_tensor(x2)
        s1, s2 = self.shape(x1), self.shape(x2)
        nd = max(len(s1), len(s2))
        s1, s2 = (1,) * (nd - len(s1)) + tuple(s1), (1,) * (nd - len(s2)) + tuple(s2)
        a, b = self.reshape(x1, s1), self.reshape(x2, s2)
        a_view, b_view = [], []
        for d1, d2 in zip(s1, s2):
            a_view += [d1, 1]
            b_view += [1, d2]
        out = self.multiply(self.reshape(a, a_view), self.reshape(b, b_view))
        return self.reshape(out, [d1 * d2 for d1, d2 in zip(s1, s2)])

    def cross(
        self,
        x1: Tensor,
        x2: Tensor,
        axisa: int = -1,
        axisb: int = -1,
        axisc: int = -1,
        axis: int | None = None,
    ) -> Tensor:
        if axis is not None:
            axisa = axisb = axisc = axis
        a, b = self.moveaxis(x1, axisa, -1), self.moveaxis(x2, axisb, -1)
        a, b = self._promote_pair(a, b)
        if self.shape(a)[-1] == 2 and self.shape(b)[-1] == 2:
            # Two 2-vectors: NumPy returns only the z component.
            a0, a1 = self.take(a, 0, axis=-1), self.take(a, 1, axis=-1)
            b0, b1 = self.take(b, 0, axis=-1), self.take(b, 1, axis=-1)
            return self.subtract(self.multiply(a0, b1), self.multiply(a1, b0))
        if self.shape(a)[-1] == 2:
            a = self.pad(a, [(0, 0)] * (len(self.shape(a)) - 1) + [(0, 1)])
        if self.shape(b)[-1] == 2:
            b = self.pad(b, [(0, 0)] * (len(self.shape(b)) - 1) + [(0, 1)])
        a0, a1, a2 = (self.take(a, i, axis=-1) for i in range(3))
        b0, b1, b2 = (self.take(b, i, axis=-1) for i in range(3))
        c = self.stack(
            [
                self.subtract(self.multiply(a1, b2), self.multiply(a2, b1)),
                self.subtract(self.multiply(a2, b0), self.multiply(a0, b2)),
                self.subtract(self.multiply(a0, b1), self.multiply(a1, b0)),
            ],
            axis=-1,
        )
        return self.moveaxis(c, -1, axisc)

    def vander(self, x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
        x = self.convert_to_tensor(x)
        n = self.shape(x)[0] if N is None else N
        powers = self.arange(n, dtype="int32")
        if not increasing:
            powers = self.flip(powers)
        return self.power(
            self.expand_dims(x, 1), self.cast(self.expand_dims(powers, 0), self.dtype(x))
        )

    def trapezoid(
        self, y: Tensor, x: Tensor | None = None, dx: float = 1.0, axis: int = -1
    ) -> Tensor:
        y = self._float(y)
        n = self.shape(y)[axis]
        left = self.take(y, self.arange(0, n - 1), axis=axis)
        right = self.take(y, self.arange(1, n), axis=axis)
        if x is None:
            return self.multiply(self.sum(self.add(left, right), axis=axis), dx / 2.0)
        d = self.diff(self._float(x), axis=-1 if len(self.shape(x)) == 1 else axis)
        if len(self.shape(x)) == 1:
            view = [1] * len(self.shape(y))
            view[axis] = -1
            d = self.reshape(d, view)
        return self.sum(self.multiply(self.multiply(self.add(left, right), d), 0.5), axis=axis)

    def diff(self, a: Tensor, n: int = 1, axis: int = -1) -> Tensor:
        a = self.convert_to_tensor(a)
        for _ in range(n):
            k = self.shape(a)[axis]
            a = self.subtract(
                self.take(a, self.arange(1, k), axis=axis),
                self.take(a, self.arange(0, k - 1), axis=axis),
            )
        return a

    def correlate(self, x1: Tensor, x2: Tensor, mode: str = "valid") -> Tensor:
        x1, x2 = self._float(x1), self._float(x2)
        n, m = self.shape(x1)[0], self.shape(x2)[0]
        if mode == "valid":
            lo, hi = 0, 0
        elif mode == "same":
            lo, hi = m // 2, m - 1 - m // 2
        else:
            lo, hi = m - 1, m - 1
        padded = self.pad(x1, [(lo, hi)])
        total = n + lo + hi - m + 1
        idx = self.add(self.expand_dims(self.arange(total), 1), self.expand_dims(self.arange(m), 0))
        windows = self.take(padded, idx, axis=0)
        return self.sum(self.multiply(windows, self.expand_dims(x2, 0)), axis=1)

    def corrcoef(self, x: Tensor) -> Tensor:
        x = self._float(x)
        xc = self.subtract(x, self.mean(x, axis=1, keepdims=True))
        cov = self.matmul(xc, self.transpose(xc))
        d = self.sqrt(self.diagonal(cov))
        return self.clip(self.divide(cov, self.outer(d, d)), -1.0, 1.0)

    # --------------------------------------------------- window functions
    def _window(self, n: int, terms: Sequence[float]) -> Tensor:
        if n == 1:
            return self.ones((1,))
        k = self.arange(n, dtype="float32")
        out = self.full((n,), terms[0], "float32")
        for j, c in enumerate(terms[1:], start=1):
            out = self.add(
                out,
                self.multiply(
                    c * (-1) ** j, self.cos(self.multiply(k, 2.0 * math.pi * j / (n - 1)))
                ),
            )
        return out

    def hamming(self, x: int) -> Tensor:
        return self._window(int(x), (0.54, 0.46))

    def hanning(self, x: int) -> Tensor:
        return self._window(int(x), (0.5, 0.5))

    def blackman(self, x: int) -> Tensor:
        return self._window(int(x), (0.42, 0.5, 0.08))

    def bartlett(self, x: int) -> Tensor:
        n = int(x)
        if n == 1:
            return self.ones((1,))
        k = self.arange(n, dtype="float32")
        return self.subtract(1.0, self.abs(self.subtract(self.multiply(k, 2.0 / (n - 1)), 1.0)))

    # ---------------------------------------------------------- helpers
    def _float(self, x: Any) -> Tensor:
        """``x`` as a float tensor (ints and bools become ``floatx()``)."""
        x = self.convert_to_tensor(x)
        d = self.dtype(x)
        if _dt.is_float(d) or _dt.is_complex(d):
            return x
        return self.cast(x, _dt.floatx())

    def _promote_pair(self, x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
        """Convert two operands to tensors of their promoted dtype (scalars weak)."""
        d1 = (
            x1
            if isinstance(x1, (bool, int, float, complex))
            else self.dtype(self.convert_to_tensor(x1))
        )
        d2 = (
            x2
            if isinstance(x2, (bool, int, float, complex))
            else self.dtype(self.convert_to_tensor(x2))
        )
        dtype = _dt.result_type(d1, d2)
        return self.convert_to_tensor(x1, dtype), self.convert_to_tensor(x2, dtype)

    def _nan_fill(self, x: Any, value: float) -> Tensor:
        x = self.convert_to_tensor(x)
        if not _dt.is_float(self.dtype(x)):
            return x
        return self.where(self.isnan(x), value, x)

    def _bshape(self, a: Tensor, b: Tensor) -> tuple[int, ...]:
        sa, sb = self.shape(a), self.shape(b)
        n = max(len(sa), len(sb))
        sa, sb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
        return tuple(max(x, y) for x, y in zip(sa, sb))
