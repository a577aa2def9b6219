"""Array creation and elementwise NumPy-like ops (torch)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from kerasx.backends.torch import _utils as U

Tensor = torch.Tensor
_NATIVE_ARANGE = frozenset((torch.int32, torch.int64, torch.float32, torch.float64))


def _scalar(v: Any) -> Any:
    if isinstance(v, (Tensor, np.generic)):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.item()
    return v


def _shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if isinstance(shape, Tensor):
        return tuple(int(s) for s in shape.tolist())
    return tuple(int(s) for s in shape)


def _float_unary(fn: Callable[[Tensor], Tensor], name: str) -> Callable[[Any, Any], Tensor]:
    def method(self: Any, x: Any) -> Tensor:
        if not isinstance(x, Tensor) or x.dtype not in U.INEXACT:
            x = self._ft(x)
        return fn(x)

    method.__name__ = name
    return method


def _binary(
    op: Callable[[Any, Any], Any], name: str, bool_as_int: bool = False, zero_div: bool = False
) -> Callable[[Any, Any, Any], Tensor]:
    """Promoted binary op with the int64 fallback for uint16/32/64.

    ``bool_as_int`` computes bool operands as int32 (mod, //, shifts); ``zero_div``
    makes an integer division by zero give 0 (NumPy) instead of torch's error.
    """

    def method(self: Any, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin(x1, x2)
        if bool_as_int and self._dtype_of(a, b) is torch.bool:
            a, b = self._bin(self.cast(a, "int32"), b)
        try:
            return op(a, b)
        except RuntimeError:
            if not zero_div:
                return self._wide(op, a, b)
            a, b = self._bin_t(a, b)
            zero = b == 0
            safe = torch.where(zero, torch.ones_like(b), b)
            out = self._wide(op, a, safe)
            return torch.where(zero, torch.zeros_like(out), out)

    method.__name__ = name
    return method


def _xy(m: Callable[[Any, Any, Any], Tensor]) -> Callable[[Any, Any, Any], Tensor]:
    """The protocol names the bitwise ops' arguments ``x`` and ``y``."""

    def method(self: Any, x: Any, y: Any) -> Tensor:
        return m(self, x, y)

    method.__name__ = m.__name__
    return method


class NumpyMixin:
    """Creation and elementwise ops."""

    # ------------------------------------------------------------ creation
    def arange(self, start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> Tensor:
        start, stop, step = _scalar(start), _scalar(stop), _scalar(step)
        if stop is None:
            start, stop = 0, start
        if step is None:
            step = 1
        if dtype is None:
            td = (
                U.floatx()
                if any(isinstance(v, float) for v in (start, stop, step))
                else torch.int32
            )
        else:
            td = U.to_torch_dtype(dtype)
        work = td if td in _NATIVE_ARANGE else (torch.float64 if td in U.INEXACT else torch.int64)
        out = torch.arange(start, stop, step, dtype=work, device=U.current_device())
        return out if work is td else out.to(td)

    def full(self, shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        shape = _shape(shape)
        td = U.to_torch_dtype(dtype)  # None -> floatx, as in Keras
        if U.PY_KIND.get(type(fill_value)) is None:
            return self._t(fill_value).to(td).expand(shape).clone()
        return torch.full(shape, fill_value, dtype=td, device=U.current_device())

    def zeros(self, shape: Any, dtype: Any = None) -> Tensor:
        return torch.zeros(_shape(shape), dtype=U.to_torch_dtype(dtype), device=U.current_device())

    def ones(self, shape: Any, dtype: Any = None) -> Tensor:
        return torch.ones(_shape(shape), dtype=U.to_torch_dtype(dtype), device=U.current_device())

    def empty(self, shape: Any, dtype: Any = None) -> Tensor:
        return self.zeros(shape, dtype)

    def zeros_like(self, x: Any, dtype: Any = None) -> Tensor:
        x = self._t(x)
        return torch.zeros_like(x, dtype=None if dtype is None else U.to_torch_dtype(dtype))

    def ones_like(self, x: Any, dtype: Any = None) -> Tensor:
        x = self._t(x)
        return torch.ones_like(x, dtype=None if dtype is None else U.to_torch_dtype(dtype))

    def empty_like(self, x: Any, dtype: Any = None) -> Tensor:
        return self.zeros_like(x, dtype)

    def full_like(self, x: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        x = self._t(x)
        td = x.dtype if dtype is None else U.to_torch_dtype(dtype)
        if U.PY_KIND.get(type(fill_value)) is not None:
            return torch.full_like(x, fill_value, dtype=td)
        return self._t(fill_value).to(td).expand(x.shape).clone()

    def eye(self, N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:
        N = int(N)
        M = N if M is None else int(M)
        td = U.to_torch_dtype(dtype)
        dev = U.current_device()
        if k == 0:
            work = torch.float32 if td in U.WIDE_UINT else td
            out = torch.eye(N, M, dtype=work, device=dev)
            return out if work is td else out.to(td)
        rows = torch.arange(N, device=dev)[:, None]
        cols = torch.arange(M, device=dev)[None, :]
        return (cols - rows == k).to(td)

    def identity(self, n: int, dtype: Any = None) -> Tensor:
        return self.eye(n, dtype=dtype)

    def tri(self, N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:
        M = N if M is None else M
        td = U.to_torch_dtype(dtype)
        ones = torch.ones((int(N), int(M)), dtype=torch.bool, device=U.current_device())
        return torch.tril(ones, int(k)).to(td)

    def linspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        retstep: bool = False,
        dtype: Any = None,
        axis: int = 0,
    ) -> Any:
        s, e = self._t(start), self._t(stop)
        if dtype is None:
            td = U.promote(s.dtype, e.dtype)
            if td not in U.INEXACT:
                td = U.floatx()
        else:
            td = U.to_torch_dtype(dtype)
        s64, e64 = s.to(torch.float64), e.to(torch.float64)
        num = int(num)
        div = (num - 1) if endpoint else num
        step = (e64 - s64) / div if div > 0 else torch.full_like(e64 - s64, math.nan)
        shape = torch.broadcast_shapes(s64.shape, e64.shape)
        steps = torch.arange(num, dtype=torch.float64, device=s64.device).reshape(
            (num,) + (1,) * len(shape)
        )
        out = s64 + steps * (step if div > 0 else torch.zeros_like(step))
        if endpoint and num > 1:
            out[-1] = e64
        if axis != 0:
            out = torch.movedim(out, 0, axis)
        if td in U.INTS:
            out = torch.floor(out)
        out = out.to(td)
        if retstep:
            return out, step.to(td) if td in U.INEXACT else step
        return out

    def array(self, x: Any, dtype: Any = None) -> Tensor:
        return self.convert_to_tensor(x, dtype=dtype)

    def copy(self, x: Any) -> Tensor:
        return self._t(x).clone()

    def meshgrid(self, *x: Any, indexing: str = "xy") -> list[Tensor]:
        xs = [self._t(t).reshape(-1) for t in x]
        if len({t.dtype for t in xs}) > 1:  # torch wants one dtype; NumPy keeps each
            return super().meshgrid(*xs, indexing=indexing)  # type: ignore[misc]
        return list(torch.meshgrid(*xs, indexing=indexing))

    # ------------------------------------------------------- unary (same dtype)
    def abs(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype is torch.bool or x.dtype in U.WIDE_UINT or x.dtype is torch.uint8:
            return x
        return torch.abs(x)

    def absolute(self, x: Any) -> Tensor:
        return self.abs(x)

    def negative(self, x: Any) -> Tensor:
        x = self._t(x)
        try:
            return torch.neg(x)
        except RuntimeError:
            return self._wide(torch.neg, x)

    def sign(self, x: Any) -> Tensor:
        x = self._t(x)
        try:
            return torch.sign(x)
        except RuntimeError:
            return self._wide(torch.sign, x)

    def square(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype is torch.bool:
            x = x.to(torch.int32)
        try:
            return x * x
        except RuntimeError:
            return self._wide(operator.mul, x, x)

    def signbit(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype in U.FLOATS:
            return torch.signbit(x)
        return self.less(x, 0)

    def trunc(self, x: Any) -> Tensor:
        x = self._t(x)
        return torch.trunc(x) if x.dtype in U.FLOATS else x

    def round(self, x: Any, decimals: int = 0) -> Tensor:
        x = self._t(x)
        if x.dtype in U.FLOATS:
            return torch.round(x, decimals=int(decimals)) if decimals else torch.round(x)
        if decimals >= 0 or x.dtype is torch.bool:
            return x
        return torch.round(x.to(torch.float64), decimals=int(decimals)).to(x.dtype)

    def isnan(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype in U.INEXACT:
            return torch.isnan(x)
        return torch.zeros(x.shape, dtype=torch.bool, device=x.device)

    def isinf(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype in U.INEXACT:
            return torch.isinf(x)
        return torch.zeros(x.shape, dtype=torch.bool, device=x.device)

    def isfinite(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype in U.INEXACT:
            return torch.isfinite(x)
        return torch.ones(x.shape, dtype=torch.bool, device=x.device)

    def isneginf(self, x: Any) -> Tensor:
        x = self._t(x)
        return (
            torch.isneginf(x)
            if x.dtype in U.FLOATS
            else torch.zeros(x.shape, dtype=torch.bool, device=x.device)
        )

    def isposinf(self, x: Any) -> Tensor:
        x = self._t(x)
        return (
            torch.isposinf(x)
            if x.dtype in U.FLOATS
            else torch.zeros(x.shape, dtype=torch.bool, device=x.device)
        )

    def nan_to_num(
        self, x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        x = self._t(x)
        if x.dtype not in U.FLOATS:
            return x
        return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def conj(self, x: Any) -> Tensor:
        x = self._t(x)
        return torch.conj(x).resolve_conj() if x.dtype in U.COMPLEX else x

    def real(self, x: Any) -> Tensor:
        x = self._t(x)
        return torch.real(x) if x.dtype in U.COMPLEX else x

    def imag(self, x: Any) -> Tensor:
        x = self._t(x)
        return torch.imag(x) if x.dtype in U.COMPLEX else torch.zeros_like(x)

    def angle(self, x: Any) -> Tensor:
        return torch.angle(self._ft(x))

    def logical_not(self, x: Any) -> Tensor:
        return torch.logical_not(self._bool(x))

    def bitwise_invert(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype is torch.bool:
            return torch.logical_not(x)
        try:
            return torch.bitwise_not(x)
        except RuntimeError:
            return self._wide(torch.bitwise_not, x)

    # ---------------------------------------------------- unary (float result)
    exp = _float_unary(torch.exp, "exp")
    exp2 = _float_unary(torch.exp2, "exp2")
    expm1 = _float_unary(torch.expm1, "expm1")
    log = _float_unary(torch.log, "log")
    log1p = _float_unary(torch.log1p, "log1p")
    log2 = _float_unary(torch.log2, "log2")
    log10 = _float_unary(torch.log10, "log10")
    sqrt = _float_unary(torch.sqrt, "sqrt")
    reciprocal = _float_unary(torch.reciprocal, "reciprocal")
    sin = _float_unary(torch.sin, "sin")
    cos = _float_unary(torch.cos, "cos")
    tan = _float_unary(torch.tan, "tan")
    arcsin = _float_unary(torch.asin, "arcsin")
    arccos = _float_unary(torch.acos, "arccos")
    arctan = _float_unary(torch.atan, "arctan")
    sinh = _float_unary(torch.sinh, "sinh")
    cosh = _float_unary(torch.cosh, "cosh")
    tanh = _float_unary(torch.tanh, "tanh")
    arcsinh = _float_unary(torch.asinh, "arcsinh")
    arccosh = _float_unary(torch.acosh, "arccosh")
    arctanh = _float_unary(torch.atanh, "arctanh")
    floor = _float_unary(torch.floor, "floor")
    ceil = _float_unary(torch.ceil, "ceil")
    deg2rad = _float_unary(torch.deg2rad, "deg2rad")
    rad2deg = _float_unary(torch.rad2deg, "rad2deg")
    sinc = _float_unary(torch.sinc, "sinc")
    fabs = _float_unary(torch.abs, "fabs")

    def cbrt(self, x: Any) -> Tensor:
        x = self._ft(x)
        return torch.sign(x) * torch.pow(torch.abs(x), 1.0 / 3.0)

    # ------------------------------------------------------------------ binary
    add = _binary(operator.add, "add")
    subtract = _binary(operator.sub, "subtract")
    multiply = _binary(operator.mul, "multiply")

    def power(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin(x1, x2)
        try:
            return a**b
        except RuntimeError:
            if self._dtype_of(a, b) is torch.bool:
                a, b = self._bin_t(a, b)
                return (a.to(torch.uint8) ** b.to(torch.uint8)).to(torch.bool)
            return self._wide(operator.pow, a, b)

    equal = _binary(operator.eq, "equal")
    not_equal = _binary(operator.ne, "not_equal")
    less = _binary(operator.lt, "less")
    less_equal = _binary(operator.le, "less_equal")
    greater = _binary(operator.gt, "greater")
    greater_equal = _binary(operator.ge, "greater_equal")
    bitwise_and = _xy(_binary(operator.and_, "bitwise_and"))
    bitwise_or = _xy(_binary(operator.or_, "bitwise_or"))
    bitwise_xor = _xy(_binary(operator.xor, "bitwise_xor"))
    bitwise_left_shift = _xy(_binary(operator.lshift, "bitwise_left_shift", bool_as_int=True))
    bitwise_right_shift = _xy(_binary(operator.rshift, "bitwise_right_shift", bool_as_int=True))
    fmod = _binary(
        lambda a, b: torch.fmod(
            a if isinstance(a, Tensor) else torch.tensor(a, dtype=b.dtype, device=b.device), b
        ),
        "fmod",
        bool_as_int=True,
        zero_div=True,
    )
    floor_divide = _binary(operator.floordiv, "floor_divide", bool_as_int=True, zero_div=True)
    mod = _binary(operator.mod, "mod", bool_as_int=True, zero_div=True)

    def left_shift(self, x: Any, y: Any) -> Tensor:
        return self.bitwise_left_shift(x, y)

    def right_shift(self, x: Any, y: Any) -> Tensor:
        return self.bitwise_right_shift(x, y)

    def divide(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin(x1, x2)
        if self._dtype_of(a, b) not in U.INEXACT:
            f = U.floatx()
            if isinstance(a, Tensor):
                a = a.to(f)
            if isinstance(b, Tensor):
                b = b.to(f)
        return a / b

    def true_divide(self, x1: Any, x2: Any) -> Tensor:
        return self.divide(x1, x2)

    def maximum(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin(x1, x2)
        try:
            if not isinstance(b, Tensor):
                return torch.clamp_min(a, b)
            if not isinstance(a, Tensor):
                return torch.clamp_min(b, a)
            return torch.maximum(a, b)
        except RuntimeError:
            a, b = self._bin_t(a, b)
            return self._wide(torch.maximum, a, b)

    def minimum(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin(x1, x2)
        try:
            if not isinstance(b, Tensor):
                return torch.clamp_max(a, b)
            if not isinstance(a, Tensor):
                return torch.clamp_max(b, a)
            return torch.minimum(a, b)
        except RuntimeError:
            a, b = self._bin_t(a, b)
            return self._wide(torch.minimum, a, b)

    def fmax(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        return torch.fmax(a, b) if a.dtype in U.FLOATS else self.maximum(a, b)

    def fmin(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        return torch.fmin(a, b) if a.dtype in U.FLOATS else self.minimum(a, b)

    def _float_pair(self, x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
        a, b = self._bin_t(x1, x2)
        if a.dtype not in U.INEXACT:
            f = U.floatx()
            a, b = a.to(f), b.to(f)
        return a, b

    def arctan2(self, x1: Any, x2: Any) -> Tensor:
        return torch.atan2(*self._float_pair(x1, x2))

    def hypot(self, x1: Any, x2: Any) -> Tensor:
        return torch.hypot(*self._float_pair(x1, x2))

    def logaddexp(self, x1: Any, x2: Any) -> Tensor:
        return torch.logaddexp(*self._float_pair(x1, x2))

    def logaddexp2(self, x1: Any, x2: Any) -> Tensor:
        return torch.logaddexp2(*self._float_pair(x1, x2))

    def gcd(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        return self._wide(torch.gcd, a, b) if a.dtype in U.WIDE_UINT else torch.gcd(a, b)

    def lcm(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        return self._wide(torch.lcm, a, b) if a.dtype in U.WIDE_UINT else torch.lcm(a, b)

    def isclose(
        self, x1: Any, x2: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
    ) -> Tensor:
        a, b = self._float_pair(x1, x2)
        return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)

    def _bool(self, x: Any) -> Tensor:
        x = self._t(x)
        return x if x.dtype is torch.bool else x.to(torch.bool)

    def logical_and(self, x1: Any, x2: Any) -> Tensor:
        return torch.logical_and(self._bool(x1), self._bool(x2))

    def logical_or(self, x1: Any, x2: Any) -> Tensor:
        return torch.logical_or(self._bool(x1), self._bool(x2))

    def logical_xor(self, x1: Any, x2: Any) -> Tensor:
        return torch.logical_xor(self._bool(x1), self._bool(x2))

    def clip(self, x: Any, x_min: Any, x_max: Any) -> Tensor:
        x = self._t(x)
        if x.dtype is torch.bool:
            x = x.to(torch.int32)
        d = x.dtype
        bounds = []
        for b in (x_min, x_max):
            k = U.PY_KIND.get(type(b))
            if b is None:
                pass
            elif k is not None:
                d = U.promote_weak(d, k)
                if d in U.INTS and k < 2:  # keep int bounds representable (no wrap-around)
                    info = torch.iinfo(d)
                    b = min(max(int(b), info.min), info.max)
            else:
                b = self._t(b)
                d = U.promote(d, b.dtype)
            bounds.append(b)
        if x.dtype is not d:
            x = x.to(d)
        lo, hi = bounds
        if isinstance(lo, Tensor) or isinstance(hi, Tensor):
            lo = None if lo is None else self.convert_to_tensor(lo, d)
            hi = None if hi is None else self.convert_to_tensor(hi, d)
        try:
            return torch.clamp(x, lo, hi)
        except RuntimeError:
            if d not in U.WIDE_UINT:
                raise
            lo = lo.to(torch.int64) if isinstance(lo, Tensor) else lo
            hi = hi.to(torch.int64) if isinstance(hi, Tensor) else hi
            return torch.clamp(x.to(torch.int64), lo, hi).to(d)

    def where(self, condition: Any, x1: Any = None, x2: Any = None) -> Any:
        if x1 is None and x2 is None:
            return self.nonzero(condition)
        if x1 is None or x2 is None:
            raise ValueError("`x1` and `x2` must both be given (or both None) in `where`.")
        c = self._t(condition)
        if c.dtype is not torch.bool:
            c = c != 0
        a, b = self._bin(x1, x2)
        try:
            return torch.where(c, a, b)
        except RuntimeError:
            a, b = self._bin_t(a, b)
            return self._wide(lambda p, q: torch.where(c, p, q), a, b)

    # --------------------------------------------------- window functions
    def _torch_window(self, fn: Callable[..., Tensor], x: Any) -> Tensor:
        n = int(x)
        if n == 1:
            return torch.ones(1, device=U.current_device())
        return fn(n, periodic=False, dtype=torch.float32, device=U.current_device())

    def hamming(self, x: Any) -> Tensor:
        return self._torch_window(torch.hamming_window, x)

    def hanning(self, x: Any) -> Tensor:
        return self._torch_window(torch.hann_window, x)

    def blackman(self, x: Any) -> Tensor:
        return self._torch_window(torch.blackman_window, x)

    def bartlett(self, x: Any) -> Tensor:
        return self._torch_window(torch.bartlett_window, x)

    # ------------------------------------------------------------- helpers
    def _promote_pair(self, x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
        return self._bin_t(x1, x2)

    def _promote_all(self, xs: Sequence[Any]) -> list[Tensor]:
        ts = [self._t(x) for x in xs]
        if not ts:
            return ts
        d = ts[0].dtype
        for t in ts[1:]:
            d = U.promote(d, t.dtype)
        return [t if t.dtype is d else t.to(d) for t in ts]
