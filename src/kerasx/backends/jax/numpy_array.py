"""NumPy-like ops of the JAX adapter, part 2: reductions, shapes, indexing, products."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.jax._utils import (
    Array,
    cast,
    is_concrete,
    jdtype,
    name_of,
    norm_axis,
    promote,
    promote_many,
    sum_dtype,
    tensor,
    to_float,
)

_LOW_FLOATS = ("float16", "bfloat16")


def _ints(v):
    """Shape-like arguments (possibly tensors or lists of tensors) as Python ints."""
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Array):
        return tuple(int(i) for i in np.asarray(v).reshape(-1)) if v.ndim else int(v)
    return tuple(_ints(i) for i in v)


def _float_work(x):
    """(array to compute with, dtype to return) for var/std-like reductions."""
    x = to_float(x)
    name = name_of(x.dtype)
    if name in _LOW_FLOATS:
        return x.astype(jnp.float32), x.dtype
    return x, x.dtype


class ArrayMixin:
    """Reductions, shape manipulation, indexing and products on jax.numpy."""

    # ----------------------------------------------------------- reductions
    def sum(self, x, axis=None, keepdims=False):
        x = tensor(x)
        return jnp.sum(x, axis=norm_axis(axis), keepdims=keepdims, dtype=sum_dtype(x))

    def prod(self, x, axis=None, keepdims=False, dtype=None):
        x = tensor(x)
        dt = sum_dtype(x) if dtype is None else jdtype(dtype)
        return jnp.prod(x, axis=norm_axis(axis), keepdims=keepdims, dtype=dt)

    def mean(self, x, axis=None, keepdims=False):
        x = to_float(x)
        return jnp.mean(x, axis=norm_axis(axis), keepdims=keepdims)

    def max(self, x, axis=None, keepdims=False, initial=None):
        return jnp.max(tensor(x), axis=norm_axis(axis), keepdims=keepdims, initial=initial)

    def min(self, x, axis=None, keepdims=False, initial=None):
        return jnp.min(tensor(x), axis=norm_axis(axis), keepdims=keepdims, initial=initial)

    def amax(self, x, axis=None, keepdims=False):
        return jnp.max(tensor(x), axis=norm_axis(axis), keepdims=keepdims)

    def amin(self, x, axis=None, keepdims=False):
        return jnp.min(tensor(x), axis=norm_axis(axis), keepdims=keepdims)

    def ptp(self, x, axis=None, keepdims=False):
        return jnp.ptp(tensor(x), axis=norm_axis(axis), keepdims=keepdims)

    def all(self, x, axis=None, keepdims=False):
        return jnp.all(tensor(x), axis=norm_axis(axis), keepdims=keepdims)

    def any(self, x, axis=None, keepdims=False):
        return jnp.any(tensor(x), axis=norm_axis(axis), keepdims=keepdims)

    def var(self, x, axis=None, keepdims=False):
        work, out = _float_work(x)
        return jnp.var(work, axis=norm_axis(axis), keepdims=keepdims).astype(out)

    def std(self, x, axis=None, keepdims=False):
        work, out = _float_work(x)
        return jnp.std(work, axis=norm_axis(axis), keepdims=keepdims).astype(out)

    def average(self, x, axis=None, weights=None):
        x = tensor(x)
        if weights is None:
            return jnp.mean(to_float(x), axis=norm_axis(axis))
        weights = tensor(weights)
        jd = jdtype(_dt.result_type(name_of(x.dtype), name_of(weights.dtype), 1.0))
        return jnp.average(x.astype(jd), axis=norm_axis(axis), weights=weights.astype(jd))

    def count_nonzero(self, x, axis=None):
        return jnp.count_nonzero(tensor(x), axis=norm_axis(axis)).astype(jnp.int32)

    def argmax(self, x, axis=None, keepdims=False):
        return jnp.argmax(tensor(x), axis=axis, keepdims=keepdims).astype(jnp.int32)

    def argmin(self, x, axis=None, keepdims=False):
        return jnp.argmin(tensor(x), axis=axis, keepdims=keepdims).astype(jnp.int32)

    def cumsum(self, x, axis=None, dtype=None):
        x = tensor(x)
        return jnp.cumsum(x, axis=axis, dtype=sum_dtype(x) if dtype is None else jdtype(dtype))

    def cumprod(self, x, axis=None, dtype=None):
        x = tensor(x)
        return jnp.cumprod(x, axis=axis, dtype=sum_dtype(x) if dtype is None else jdtype(dtype))

    def median(self, x, axis=None, keepdims=False):
        return jnp.median(to_float(x), axis=norm_axis(axis), keepdims=keepdims)

    def quantile(self, x, q, axis=None, method="linear", keepdims=False):
        x = to_float(x)
        q = cast(q, x.dtype) if not isinstance(q, float) else q
        return jnp.quantile(x, q, axis=norm_axis(axis), method=method, keepdims=keepdims)

    def percentile(self, x, q, axis=None, method="linear", keepdims=False):
        x = to_float(x)
        q = cast(q, x.dtype) if not isinstance(q, float) else q
        return jnp.percentile(x, q, axis=norm_axis(axis), method=method, keepdims=keepdims)

    def nansum(self, x, axis=None, keepdims=False):
        x = tensor(x)
        return jnp.nansum(x, axis=norm_axis(axis), keepdims=keepdims, dtype=sum_dtype(x))

    def nanprod(self, x, axis=None, keepdims=False):
        x = tensor(x)
        return jnp.nanprod(x, axis=norm_axis(axis), keepdims=keepdims, dtype=sum_dtype(x))

    def nanmean(self, x, axis=None, keepdims=False):
        return jnp.nanmean(to_float(x), axis=norm_axis(axis), keepdims=keepdims)

    def nanvar(self, x, axis=None, keepdims=False):
        work, out = _float_work(x)
        return jnp.nanvar(work, axis=norm_axis(axis), keepdims=keepdims).astype(out)

    def nanstd(self, x, axis=None, keepdims=False):
        work, out = _float_work(x)
        return jnp.nanstd(work, axis=norm_axis(axis), keepdims=keepdims).astype(out)

    def nanmax(self, x, axis=None, keepdims=False):
        return jnp.nanmax(tensor(x), axis=norm_axis(axis), keepdims=keepdims)

    def nanmin(self, x, axis=None, keepdims=False):
        return jnp.nanmin(tensor(x), axis=norm_axis(axis), keepdims=keepdims)

    def nancumsum(self, x, axis=None, dtype=None):
        x = tensor(x)
        return jnp.nancumsum(x, axis=axis, dtype=sum_dtype(x) if dtype is None else jdtype(dtype))

    def nancumprod(self, x, axis=None, dtype=None):
        x = tensor(x)
        return jnp.nancumprod(x, axis=axis, dtype=sum_dtype(x) if dtype is None else jdtype(dtype))

    # ------------------------------------------------------------ shape ops
    def reshape(self, x, newshape):
        if isinstance(newshape, (int, np.integer)):
            newshape = (int(newshape),)
        else:
            newshape = tuple(-1 if d is None else d for d in newshape)
        return jnp.reshape(tensor(x), newshape)

    def ravel(self, x):
        return jnp.ravel(tensor(x))

    def transpose(self, x, axes=None):
        return jnp.transpose(tensor(x), None if axes is None else tuple(axes))

    def swapaxes(self, x, axis1, axis2):
        return jnp.swapaxes(tensor(x), axis1, axis2)

    def moveaxis(self, x, source, destination):
        return jnp.moveaxis(tensor(x), norm_axis(source), norm_axis(destination))

    def expand_dims(self, x, axis):
        return jnp.expand_dims(tensor(x), norm_axis(axis))

    def squeeze(self, x, axis=None):
        return jnp.squeeze(tensor(x), norm_axis(axis))

    def broadcast_to(self, x, shape):
        return jnp.broadcast_to(tensor(x), tuple(shape))

    def concatenate(self, xs, axis=0):
        return jnp.concatenate(promote_many(xs), axis=axis)

    def append(self, x1, x2, axis=None):
        x1, x2 = promote(tensor(x1), tensor(x2))
        return jnp.append(x1, x2, axis=axis)

    def stack(self, x, axis=0):
        return jnp.stack(promote_many(x), axis=axis)

    def hstack(self, xs):
        return jnp.hstack(promote_many(xs))

    def vstack(self, xs):
        return jnp.vstack(promote_many(xs))

    def dstack(self, xs):
        return jnp.dstack(promote_many(xs))

    def split(self, x, indices_or_sections, axis=0):
        return list(jnp.split(tensor(x), _ints(indices_or_sections), axis=axis))

    def array_split(self, x, indices_or_sections, axis=0):
        return list(jnp.array_split(tensor(x), _ints(indices_or_sections), axis=axis))

    def tile(self, x, repeats):
        return jnp.tile(tensor(x), _ints(repeats))

    def repeat(self, x, repeats, axis=None):
        x = tensor(x)
        if isinstance(repeats, (list, tuple)):
            repeats = np.asarray(_ints(repeats))
        elif isinstance(repeats, Array) and is_concrete(repeats):
            repeats = np.asarray(repeats)
        return jnp.repeat(x, repeats, axis=axis)

    def flip(self, x, axis=None):
        return jnp.flip(tensor(x), norm_axis(axis))

    def fliplr(self, x):
        return jnp.fliplr(tensor(x))

    def flipud(self, x):
        return jnp.flipud(tensor(x))

    def rot90(self, array, k=1, axes=(0, 1)):
        return jnp.rot90(tensor(array), k=k, axes=tuple(axes))

    def roll(self, x, shift, axis=None):
        shift = shift if isinstance(shift, (int, Array)) else _ints(shift)
        return jnp.roll(tensor(x), shift, axis=norm_axis(axis))

    def pad(self, x, pad_width, mode="constant", constant_values=None):
        x = tensor(x)
        if isinstance(pad_width, Array):
            pad_width = np.asarray(pad_width)
        elif not isinstance(pad_width, (int, np.integer, np.ndarray)):
            pad_width = _ints(pad_width)
        if mode == "constant":
            value = 0 if constant_values is None else constant_values
            return jnp.pad(x, pad_width, mode="constant", constant_values=value)
        return jnp.pad(x, pad_width, mode=mode)

    def ndim(self, x):
        return tensor(x).ndim

    def size(self, x):
        return int(tensor(x).size)

    # ---------------------------------------------- indexing and searching
    def take(self, x, indices, axis=None):
        x = tensor(x)
        if not isinstance(indices, (int, np.integer)):
            indices = tensor(indices)
            if indices.dtype.kind not in "iu":
                indices = indices.astype(jnp.int32)
        return jnp.take(x, indices, axis=axis)

    def take_along_axis(self, x, indices, axis=None):
        x = tensor(x)
        indices = tensor(indices)
        if indices.dtype.kind not in "iu":
            indices = indices.astype(jnp.int32)
        if axis is None:
            return jnp.take_along_axis(x.reshape(-1), indices.reshape(-1), axis=0)
        return jnp.take_along_axis(x, indices, axis=axis)

    def sort(self, x, axis=-1):
        return jnp.sort(tensor(x), axis=axis)

    def argsort(self, x, axis=-1):
        return jnp.argsort(tensor(x), axis=axis, stable=True).astype(jnp.int32)

    def searchsorted(self, sorted_sequence, values, side="left"):
        a, v = promote(sorted_sequence, values)
        return jnp.searchsorted(tensor(a), tensor(v), side=side).astype(jnp.int32)

    def digitize(self, x, bins):
        x, bins = promote(x, bins)
        return jnp.digitize(tensor(x), tensor(bins)).astype(jnp.int32)

    def nonzero(self, x):
        return tuple(i.astype(jnp.int32) for i in jnp.nonzero(tensor(x)))

    def bincount(self, x, weights=None, minlength=0, sparse=False):
        x = tensor(x)
        if weights is not None:
            weights = tensor(weights)
        minlength = int(minlength)
        if is_concrete(x):
            top = int(jnp.max(x)) + 1 if x.size else 0
            length = max(minlength, top)
        else:
            # Under tracing the length must be static: values >= minlength are dropped.
            length = minlength
        if x.ndim == 2:
            if weights is None:
                return jax.vmap(lambda r: jnp.bincount(r, length=length).astype(jnp.int32))(x)
            return jax.vmap(lambda r, w: jnp.bincount(r, w, length=length))(x, weights)
        out = jnp.bincount(x, weights, length=length)
        return out.astype(jnp.int32) if weights is None else out

    def unravel_index(self, indices, shape):
        return tuple(jnp.unravel_index(tensor(indices), tuple(shape)))

    def isin(self, x1, x2, assume_unique=False, invert=False):
        x1, x2 = promote(x1, x2)
        return jnp.isin(tensor(x1), tensor(x2), assume_unique=assume_unique, invert=invert)

    # ----------------------------------------------------- diagonals & tri
    def diagonal(self, x, offset=0, axis1=0, axis2=1):
        return jnp.diagonal(tensor(x), offset=offset, axis1=axis1, axis2=axis2)

    def diag(self, x, k=0):
        return jnp.diag(tensor(x), k=k)

    def diagflat(self, x, k=0):
        return jnp.diagflat(tensor(x), k=k)

    def trace(self, x, offset=0, axis1=0, axis2=1):
        x = tensor(x)
        return jnp.trace(x, offset=offset, axis1=axis1, axis2=axis2, dtype=sum_dtype(x))

    def tril(self, x, k=0):
        return jnp.tril(tensor(x), k=k)

    def triu(self, x, k=0):
        return jnp.triu(tensor(x), k=k)

    # ---------------------------------------------------------- products
    def matmul(self, x1, x2):
        x1, x2 = promote(tensor(x1), tensor(x2))
        return jnp.matmul(x1, x2)

    def einsum(self, subscripts, *operands, **kwargs):
        return jnp.einsum(subscripts, *promote_many(operands), **kwargs)

    def tensordot(self, x1, x2, axes=2):
        x1, x2 = promote(tensor(x1), tensor(x2))
        if not isinstance(axes, (int, np.integer)):
            axes = tuple(a if isinstance(a, int) else tuple(a) for a in axes)
        return jnp.tensordot(x1, x2, axes=axes)

    def dot(self, x1, x2):
        x1, x2 = promote(tensor(x1), tensor(x2))
        return jnp.dot(x1, x2)

    def vdot(self, x1, x2):
        x1, x2 = promote(tensor(x1), tensor(x2))
        return jnp.vdot(x1, x2)

    def inner(self, x1, x2):
        x1, x2 = promote(tensor(x1), tensor(x2))
        return jnp.inner(x1, x2)

    def outer(self, x1, x2):
        x1, x2 = promote(tensor(x1), tensor(x2))
        return jnp.outer(x1, x2)

    def kron(self, x1, x2):
        x1, x2 = promote(tensor(x1), tensor(x2))
        return jnp.kron(x1, x2)

    def cross(self, x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
        x1, x2 = promote(tensor(x1), tensor(x2))
        return jnp.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)

    def vander(self, x, N=None, increasing=False):
        return jnp.vander(tensor(x), N=N, increasing=increasing)

    def trapezoid(self, y, x=None, dx=1.0, axis=-1):
        y = to_float(y)
        if x is not None:
            x = to_float(x)
        return jnp.trapezoid(y, x, dx=dx, axis=axis)

    def diff(self, a, n=1, axis=-1):
        return jnp.diff(tensor(a), n=n, axis=axis)

    def correlate(self, x1, x2, mode="valid"):
        x1, x2 = promote(to_float(x1), to_float(x2))
        return jnp.correlate(x1, x2, mode=mode)

    def corrcoef(self, x):
        return jnp.corrcoef(to_float(x))

    # --------------------------------------------------- window functions
    def hamming(self, x):
        return jnp.hamming(int(x)).astype(jnp.float32)

    def hanning(self, x):
        return jnp.hanning(int(x)).astype(jnp.float32)

    def blackman(self, x):
        return jnp.blackman(int(x)).astype(jnp.float32)

    def bartlett(self, x):
        return jnp.bartlett(int(x)).astype(jnp.float32)

    # ---------------------------------------------------------- helpers
    def _float(self, x):
        return to_float(x)

    def _promote_pair(self, x1, x2):
        a, b = promote(x1, x2)
        if not isinstance(a, Array):
            a = jnp.asarray(a, b.dtype)
        if not isinstance(b, Array):
            b = jnp.asarray(b, a.dtype)
        return a, b
