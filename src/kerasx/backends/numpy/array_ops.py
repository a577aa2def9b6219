"""Reductions, shape, indexing and product ops of the NumPy backend
(``kerasx.ops.numpy``, part 2)."""

from __future__ import annotations

import math

import numpy as np

from kerasx.backends.numpy import _utils as U

ND = np.ndarray
to_tensor = U.to_tensor
norm_axis = U.norm_axis
F32 = U.FLOAT32


def _acc_dtype(x: np.ndarray, dtype=None) -> np.dtype:
    """Accumulator dtype of sum/prod/cumsum/cumprod: small ints widen to 32 bits, the
    rest keep their dtype (NumPy alone would widen int32 to int64)."""
    if dtype is not None:
        return U.np_dtype(dtype)
    d = U.SUM_DTYPES.get(U.dname(x))
    return x.dtype if d is None else U.np_dtype(d)


def _count(shape, axis) -> int:
    """Number of elements reduced over ``axis`` (int or tuple, negatives allowed)."""
    nd = len(shape)
    if isinstance(axis, int):
        return shape[axis]
    return math.prod(shape[a % nd] for a in set(a % nd for a in axis))


def _low(x: np.ndarray) -> bool:
    return x.dtype == np.float16 or x.dtype == U.BF16


def _same_dtype(xs) -> tuple[list[np.ndarray], np.dtype]:
    arrs = [to_tensor(x) for x in xs]
    if not arrs:
        return arrs, U.floatx_np()
    d0 = arrs[0].dtype
    if all(a.dtype == d0 for a in arrs):
        return arrs, d0
    d = U.result_of(*arrs)
    return [a if a.dtype == d else a.astype(d) for a in arrs], d


def _as_ints(v):
    """A shift/repeats/shape argument that may be a tensor, as Python ints."""
    if isinstance(v, (ND, np.generic)):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return type(v)(_as_ints(i) for i in v)
    return v


class NumpyArrayMixin:
    """Reductions, shape manipulation, indexing/searching, products and windows."""

    # ----------------------------------------------------------- reductions
    def sum(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        axis = norm_axis(axis)
        return np.add.reduce(x, axis=axis, dtype=_acc_dtype(x), keepdims=keepdims, out=...)

    def prod(self, x, axis=None, keepdims=False, dtype=None):
        x = to_tensor(x)
        axis = norm_axis(axis)
        return np.multiply.reduce(
            x, axis=axis, dtype=_acc_dtype(x, dtype), keepdims=keepdims, out=...
        )

    def mean(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        axis = norm_axis(axis)
        if U.is_inexact(x):
            count = x.size if axis is None else _count(x.shape, axis)
            if x.dtype == F32 or x.dtype == U.FLOAT64 or x.dtype.kind == "c":
                s = np.add.reduce(x, axis=axis, keepdims=keepdims, out=...)
                s /= count if count else np.nan
                return s
            # float16 / bfloat16 accumulate in float32, like NumPy's own mean.
            s = np.add.reduce(x, axis=axis, dtype=F32, keepdims=keepdims, out=...)
            s /= count if count else np.nan
            return s.astype(x.dtype)
        fx = U.floatx_np()
        return U.as_array(np.mean(x, axis=axis, dtype=U.FLOAT64, keepdims=keepdims)).astype(fx)

    def max(self, x, axis=None, keepdims=False, initial=None):
        x = to_tensor(x)
        return np.maximum.reduce(
            x, axis=norm_axis(axis), keepdims=keepdims, initial=initial, out=...
        )

    def min(self, x, axis=None, keepdims=False, initial=None):
        x = to_tensor(x)
        return np.minimum.reduce(
            x, axis=norm_axis(axis), keepdims=keepdims, initial=initial, out=...
        )

    def amax(self, x, axis=None, keepdims=False):
        return self.max(x, axis=axis, keepdims=keepdims)

    def amin(self, x, axis=None, keepdims=False):
        return self.min(x, axis=axis, keepdims=keepdims)

    def ptp(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        axis = norm_axis(axis)
        hi = np.maximum.reduce(x, axis=axis, keepdims=keepdims)
        lo = np.minimum.reduce(x, axis=axis, keepdims=keepdims)
        return np.subtract(hi, lo, out=...)

    def all(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        if x.dtype != U.BOOL:
            x = x.astype(U.BOOL)
        return np.logical_and.reduce(x, axis=norm_axis(axis), keepdims=keepdims, out=...)

    def any(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        if x.dtype != U.BOOL:
            x = x.astype(U.BOOL)
        return np.logical_or.reduce(x, axis=norm_axis(axis), keepdims=keepdims, out=...)

    def var(self, x, axis=None, keepdims=False):
        x = U.float_tensor(x)
        axis = norm_axis(axis)
        if _low(x):
            return U.as_array(np.var(x.astype(F32), axis=axis, keepdims=keepdims)).astype(x.dtype)
        return U.as_array(np.var(x, axis=axis, keepdims=keepdims))

    def std(self, x, axis=None, keepdims=False):
        x = U.float_tensor(x)
        axis = norm_axis(axis)
        if _low(x):
            return U.as_array(np.std(x.astype(F32), axis=axis, keepdims=keepdims)).astype(x.dtype)
        return U.as_array(np.std(x, axis=axis, keepdims=keepdims))

    def average(self, x, axis=None, weights=None):
        if weights is None:
            return self.mean(x, axis=axis)
        x, w = U.float_tensor(x), U.float_tensor(weights)
        d = U.result_of(x, w)
        work = F32 if d == U.BF16 or d == np.float16 else d
        out = np.average(
            x.astype(work, copy=False), axis=norm_axis(axis), weights=w.astype(work, copy=False)
        )
        return U.as_array(out).astype(d, copy=False)

    def count_nonzero(self, x, axis=None):
        x = to_tensor(x)
        return U.as_array(np.count_nonzero(x, axis=norm_axis(axis))).astype(U.INT32)

    def argmax(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        return U.as_array(np.argmax(x, axis=axis, keepdims=keepdims)).astype(U.INT32)

    def argmin(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        return U.as_array(np.argmin(x, axis=axis, keepdims=keepdims)).astype(U.INT32)

    def cumsum(self, x, axis=None, dtype=None):
        x = to_tensor(x)
        return np.cumsum(x, axis=axis, dtype=_acc_dtype(x, dtype))

    def cumprod(self, x, axis=None, dtype=None):
        x = to_tensor(x)
        return np.cumprod(x, axis=axis, dtype=_acc_dtype(x, dtype))

    def quantile(self, x, q, axis=None, method="linear", keepdims=False):
        x = U.float_tensor(x)
        q = np.asarray(to_tensor(q), dtype=U.FLOAT64)
        work = F32 if _low(x) else x.dtype
        out = np.quantile(
            x.astype(work, copy=False), q, axis=norm_axis(axis), method=method, keepdims=keepdims
        )
        return U.as_array(out).astype(x.dtype, copy=False)

    def percentile(self, x, q, axis=None, method="linear", keepdims=False):
        q = np.asarray(to_tensor(q), dtype=U.FLOAT64) / 100.0
        return self.quantile(x, q, axis=axis, method=method, keepdims=keepdims)

    def median(self, x, axis=None, keepdims=False):
        return self.quantile(x, 0.5, axis=axis, keepdims=keepdims)

    # NaN-ignoring reductions.
    def nansum(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        if U.is_inexact(x):
            x = np.where(np.isnan(x), np.zeros((), x.dtype), x)
        return self.sum(x, axis=axis, keepdims=keepdims)

    def nanprod(self, x, axis=None, keepdims=False):
        x = to_tensor(x)
        if U.is_inexact(x):
            x = np.where(np.isnan(x), np.ones((), x.dtype), x)
        return self.prod(x, axis=axis, keepdims=keepdims)

    def nanmean(self, x, axis=None, keepdims=False):
        x = U.float_tensor(x)
        work = F32 if _low(x) else x.dtype
        with np.errstate(invalid="ignore", divide="ignore"):
            xw = x.astype(work, copy=False)
            ok = ~np.isnan(xw)
            s = np.add.reduce(np.where(ok, xw, 0), axis=norm_axis(axis), keepdims=keepdims)
            n = np.add.reduce(ok, axis=norm_axis(axis), keepdims=keepdims, dtype=work)
            out = np.true_divide(s, n, out=...)
        return out.astype(x.dtype, copy=False)

    def nanvar(self, x, axis=None, keepdims=False):
        x = U.float_tensor(x)
        work = F32 if _low(x) else x.dtype
        xw = x.astype(work, copy=False)
        m = self.nanmean(xw, axis=axis, keepdims=True)
        return self.nanmean(np.square(xw - m), axis=axis, keepdims=keepdims).astype(
            x.dtype, copy=False
        )

    def nanstd(self, x, axis=None, keepdims=False):
        return np.sqrt(self.nanvar(x, axis=axis, keepdims=keepdims), out=...)

    def _nan_extreme(self, x, axis, keepdims, fill, reduce):
        x = to_tensor(x)
        axis = norm_axis(axis)
        if not U.is_inexact(x):
            return reduce(x, axis=axis, keepdims=keepdims, out=...)
        nan = np.isnan(x)
        out = reduce(
            np.where(nan, np.asarray(fill, x.dtype), x), axis=axis, keepdims=keepdims, out=...
        )
        all_nan = np.logical_and.reduce(nan, axis=axis, keepdims=keepdims)
        return np.where(all_nan, np.asarray(np.nan, x.dtype), out)

    def nanmax(self, x, axis=None, keepdims=False):
        return self._nan_extreme(x, axis, keepdims, -np.inf, np.maximum.reduce)

    def nanmin(self, x, axis=None, keepdims=False):
        return self._nan_extreme(x, axis, keepdims, np.inf, np.minimum.reduce)

    def nancumsum(self, x, axis=None, dtype=None):
        x = to_tensor(x)
        if U.is_inexact(x):
            x = np.where(np.isnan(x), np.zeros((), x.dtype), x)
        return self.cumsum(x, axis=axis, dtype=dtype)

    def nancumprod(self, x, axis=None, dtype=None):
        x = to_tensor(x)
        if U.is_inexact(x):
            x = np.where(np.isnan(x), np.ones((), x.dtype), x)
        return self.cumprod(x, axis=axis, dtype=dtype)

    # ------------------------------------------------------------ shape ops
    def reshape(self, x, newshape):
        x = to_tensor(x)
        if isinstance(newshape, (ND, np.generic)):
            newshape = newshape.tolist()
        return x.reshape(newshape)

    def ravel(self, x):
        return np.ravel(to_tensor(x))

    def transpose(self, x, axes=None):
        x = to_tensor(x)
        return x.transpose() if axes is None else x.transpose(tuple(int(a) for a in axes))

    def swapaxes(self, x, axis1, axis2):
        return np.swapaxes(to_tensor(x), axis1, axis2)

    def moveaxis(self, x, source, destination):
        return np.moveaxis(to_tensor(x), source, destination)

    def expand_dims(self, x, axis):
        return np.expand_dims(to_tensor(x), norm_axis(axis))

    def squeeze(self, x, axis=None):
        return np.squeeze(to_tensor(x), axis=norm_axis(axis))

    def broadcast_to(self, x, shape):
        return np.broadcast_to(to_tensor(x), tuple(int(s) for s in _as_ints(shape)))

    def concatenate(self, xs, axis=0):
        arrs, _ = _same_dtype(xs)
        return np.concatenate(arrs, axis=axis)

    def append(self, x1, x2, axis=None):
        arrs, _ = _same_dtype([x1, x2])
        return np.append(arrs[0], arrs[1], axis=axis)

    def stack(self, x, axis=0):
        arrs, _ = _same_dtype(x)
        return np.stack(arrs, axis=axis)

    def hstack(self, xs):
        arrs, _ = _same_dtype(xs)
        return np.hstack(arrs)

    def vstack(self, xs):
        arrs, _ = _same_dtype(xs)
        return np.vstack(arrs)

    def dstack(self, xs):
        arrs, _ = _same_dtype(xs)
        return np.dstack(arrs)

    def split(self, x, indices_or_sections, axis=0):
        return list(np.split(to_tensor(x), _as_ints(indices_or_sections), axis=axis))

    def array_split(self, x, indices_or_sections, axis=0):
        return list(np.array_split(to_tensor(x), _as_ints(indices_or_sections), axis=axis))

    def hsplit(self, x, indices_or_sections):
        return list(np.hsplit(to_tensor(x), _as_ints(indices_or_sections)))

    def vsplit(self, x, indices_or_sections):
        return list(np.vsplit(to_tensor(x), _as_ints(indices_or_sections)))

    def dsplit(self, x, indices_or_sections):
        return list(np.dsplit(to_tensor(x), _as_ints(indices_or_sections)))

    def tile(self, x, repeats):
        return np.tile(to_tensor(x), _as_ints(repeats))

    def repeat(self, x, repeats, axis=None):
        return np.repeat(to_tensor(x), _as_ints(repeats), axis=axis)

    def flip(self, x, axis=None):
        return np.flip(to_tensor(x), axis=norm_axis(axis))

    def fliplr(self, x):
        return np.fliplr(to_tensor(x))

    def flipud(self, x):
        return np.flipud(to_tensor(x))

    def rot90(self, array, k=1, axes=(0, 1)):
        return np.rot90(to_tensor(array), k=int(k), axes=tuple(axes))

    def roll(self, x, shift, axis=None):
        return np.roll(to_tensor(x), _as_ints(shift), axis=norm_axis(axis))

    def pad(self, x, pad_width, mode="constant", constant_values=None):
        x = to_tensor(x)
        pw = _as_ints(pad_width)
        mode = str(mode).lower()
        if mode == "constant":
            cv = 0 if constant_values is None else constant_values
            if isinstance(cv, (ND, np.generic)):
                cv = cv.item() if cv.ndim == 0 else cv
            return np.pad(x, pw, mode="constant", constant_values=cv)
        if constant_values is not None and constant_values != 0:
            raise ValueError(
                f"Argument `constant_values` can only be provided when `mode == 'constant'`. Received: mode={mode}"
            )
        return np.pad(x, pw, mode=mode)

    def ndim(self, x):
        return to_tensor(x).ndim

    def size(self, x):
        return to_tensor(x).size

    # ----------------------------------------------- indexing and searching
    def take(self, x, indices, axis=None):
        x = to_tensor(x)
        idx = to_tensor(indices)
        if idx.dtype.kind not in "iu":
            idx = idx.astype(U.INT32)
        return U.as_array(np.take(x, idx, axis=axis))

    def take_along_axis(self, x, indices, axis=None):
        x = to_tensor(x)
        idx = to_tensor(indices)
        if idx.dtype.kind not in "iu":
            idx = idx.astype(U.INT32)
        if axis is None:
            return np.take_along_axis(x.ravel(), idx.ravel(), axis=0)
        axis = int(axis)
        if idx.ndim < x.ndim:
            idx = idx.reshape((1,) * (x.ndim - idx.ndim) + idx.shape)
        elif x.ndim < idx.ndim:
            x = x.reshape((1,) * (idx.ndim - x.ndim) + x.shape)
        # Broadcast every axis but `axis`, like NumPy's own (stricter) rules allow.
        ax = axis % x.ndim
        xs = list(x.shape)
        ids = list(idx.shape)
        shape = [max(a, b) for a, b in zip(xs, ids)]
        xs_b = shape.copy()
        xs_b[ax] = x.shape[ax]
        id_b = shape.copy()
        id_b[ax] = idx.shape[ax]
        x = np.broadcast_to(x, xs_b)
        idx = np.broadcast_to(idx, id_b)
        return np.take_along_axis(x, idx, axis=ax)

    def sort(self, x, axis=-1):
        return np.sort(to_tensor(x), axis=axis)

    def argsort(self, x, axis=-1):
        return np.argsort(to_tensor(x), axis=axis, kind="stable").astype(U.INT32)

    def argpartition(self, x, kth, axis=-1):
        return np.argpartition(to_tensor(x), int(kth), axis=axis).astype(U.INT32)

    def searchsorted(self, sorted_sequence, values, side="left"):
        a = to_tensor(sorted_sequence)
        v = to_tensor(values)
        return U.as_array(np.searchsorted(a, v, side=side)).astype(U.INT32)

    def digitize(self, x, bins):
        return U.as_array(np.digitize(to_tensor(x), to_tensor(bins))).astype(U.INT32)

    def nonzero(self, x):
        return tuple(i.astype(U.INT32) for i in np.nonzero(to_tensor(x)))

    def bincount(self, x, weights=None, minlength=0, sparse=False):
        if sparse:
            raise ValueError("Unsupported value `sparse=True` with the numpy backend.")
        x = to_tensor(x)
        if weights is None:
            d = U.INT32
            w = None
        else:
            w = to_tensor(weights)
            d = U.result_of(x, w)
        if x.ndim == 2:
            n = max(int(minlength), int(x.max()) + 1 if x.size else 0)
            rows = [
                np.bincount(x[i], weights=None if w is None else w[i], minlength=n)
                for i in range(x.shape[0])
            ]
            return (np.stack(rows) if rows else np.zeros((0, n))).astype(d)
        return np.bincount(x, weights=w, minlength=int(minlength)).astype(d)

    def unravel_index(self, indices, shape):
        idx = to_tensor(indices)
        out = np.unravel_index(idx, tuple(int(s) for s in _as_ints(shape)))
        return tuple(U.as_array(o).astype(idx.dtype) for o in out)

    def isin(self, x1, x2, assume_unique=False, invert=False):
        return U.as_array(
            np.isin(to_tensor(x1), to_tensor(x2), assume_unique=assume_unique, invert=invert)
        )

    # ----------------------------------------------------- diagonals & tri
    def diagonal(self, x, offset=0, axis1=0, axis2=1):
        return np.diagonal(to_tensor(x), offset=int(offset), axis1=axis1, axis2=axis2)

    def diag(self, x, k=0):
        return np.diag(to_tensor(x), k=int(k))

    def diagflat(self, x, k=0):
        return np.diagflat(to_tensor(x), k=int(k))

    def trace(self, x, offset=0, axis1=0, axis2=1):
        x = to_tensor(x)
        return U.as_array(
            np.trace(x, offset=int(offset), axis1=axis1, axis2=axis2, dtype=_acc_dtype(x))
        )

    def tril(self, x, k=0):
        return np.tril(to_tensor(x), k=int(k))

    def triu(self, x, k=0):
        return np.triu(to_tensor(x), k=int(k))

    # ---------------------------------------------------------- products
    def _contract(self, fn, *xs, **kwargs):
        arrs, d = _same_dtype(xs)
        if d == np.float16 or d == U.BF16:
            return U.as_array(fn(*[a.astype(F32) for a in arrs], **kwargs)).astype(d)
        return U.as_array(fn(*arrs, **kwargs))

    def matmul(self, x1, x2):
        a, b = to_tensor(x1), to_tensor(x2)
        if a.dtype == b.dtype and a.dtype.kind == "f" and a.dtype != np.float16:
            return np.matmul(a, b, out=...)
        return self._contract(np.matmul, a, b)

    def einsum(self, subscripts, *operands, **kwargs):
        arrs, d = _same_dtype(operands)
        if "optimize" not in kwargs:
            big = sum(a.size for a in arrs) > 4096
            kwargs["optimize"] = "greedy" if (len(arrs) > 2 or big) else False
        if d == np.float16 or d == U.BF16:
            return U.as_array(
                np.einsum(subscripts, *[a.astype(F32) for a in arrs], **kwargs)
            ).astype(d)
        return U.as_array(np.einsum(subscripts, *arrs, **kwargs))

    def tensordot(self, x1, x2, axes=2):
        return self._contract(np.tensordot, x1, x2, axes=_as_ints(axes))

    def dot(self, x1, x2):
        return self._contract(np.dot, x1, x2)

    def vdot(self, x1, x2):
        return self._contract(np.vdot, x1, x2)

    def inner(self, x1, x2):
        return self._contract(np.inner, x1, x2)

    def outer(self, x1, x2):
        return self._contract(np.outer, x1, x2)

    def kron(self, x1, x2):
        return self._contract(np.kron, x1, x2)

    def cross(self, x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
        return self._contract(np.cross, x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)

    def vander(self, x, N=None, increasing=False):
        x = to_tensor(x)
        return np.vander(x, N=N, increasing=increasing).astype(x.dtype, copy=False)

    def trapezoid(self, y, x=None, dx=1.0, axis=-1):
        y = U.float_tensor(y)
        if x is None:
            d = y.dtype
            work = F32 if _low(y) else d
            out = np.trapezoid(y.astype(work, copy=False), dx=dx, axis=axis)
        else:
            x = U.float_tensor(x)
            d = U.result_of(y, x)
            work = F32 if d == np.float16 or d == U.BF16 else d
            out = np.trapezoid(y.astype(work, copy=False), x=x.astype(work, copy=False), axis=axis)
        return U.as_array(out).astype(d, copy=False)

    def diff(self, a, n=1, axis=-1):
        return np.diff(to_tensor(a), n=int(n), axis=axis)

    def correlate(self, x1, x2, mode="valid"):
        a, b = U.float_tensor(x1), U.float_tensor(x2)
        return self._contract(np.correlate, a, b, mode=mode)

    def corrcoef(self, x):
        x = U.float_tensor(x)
        work = F32 if _low(x) else x.dtype
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.corrcoef(x.astype(work, copy=False))
        return U.as_array(out).astype(x.dtype, copy=False)

    # --------------------------------------------------- window functions
    def hamming(self, x):
        return np.hamming(int(x)).astype(U.floatx_np())

    def hanning(self, x):
        return np.hanning(int(x)).astype(U.floatx_np())

    def blackman(self, x):
        return np.blackman(int(x)).astype(U.floatx_np())

    def bartlett(self, x):
        return np.bartlett(int(x)).astype(U.floatx_np())
