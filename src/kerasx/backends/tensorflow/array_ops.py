"""Shape, joining, indexing, sorting and product ops of the TF adapter."""

from __future__ import annotations

import numpy as np

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.tensorflow._tf import (
    SCALAR_TYPES,
    Tensor,
    dname,
    floatx,
    promote,
    static_or_dynamic_shape,
    tf,
    to_tensor,
)

# Dtypes TF's matmul / einsum kernels accept on CPU; others compute in a wider type.
_MATMUL_OK = {
    "bfloat16",
    "float16",
    "float32",
    "float64",
    "int32",
    "int64",
    "complex64",
    "complex128",
}


def _t(x):
    return x if isinstance(x, Tensor) else to_tensor(x)


def _promote_all(xs):
    """Convert a list of operands to tensors of their common promoted dtype."""
    items = [x if type(x) in SCALAR_TYPES else dname(_t(x)) for x in xs]
    dtype = _dt.result_type(*items) if items else floatx()
    return [to_tensor(x, dtype) for x in xs], dtype


def _matmul_dtype(d: str) -> str:
    if d in _MATMUL_OK:
        return d
    if d in ("uint32", "uint64"):
        return "int64"
    return "int32"


def _pad_pairs(pad_width, ndim):
    if isinstance(pad_width, Tensor):
        pad_width = pad_width.numpy()
    pw = np.asarray(pad_width, dtype="int64")
    if pw.ndim == 0:
        return [[int(pw), int(pw)]] * ndim
    if pw.ndim == 1:
        if pw.shape[0] == 1:
            return [[int(pw[0]), int(pw[0])]] * ndim
        if pw.shape[0] == 2:
            return [[int(pw[0]), int(pw[1])]] * ndim
    if pw.ndim == 2 and pw.shape == (1, 2):
        return [[int(pw[0, 0]), int(pw[0, 1])]] * ndim
    if pw.ndim == 2 and pw.shape == (ndim, 2):
        return [[int(a), int(b)] for a, b in pw]
    raise ValueError(f"Invalid `pad_width` {pad_width!r} for an input of rank {ndim}.")


class ArrayMixin:
    """Shapes, joins, pads, gathers, sorts and tensor products."""

    def linspace(self, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
        s, e = _t(start), _t(stop)
        items = [
            start if type(start) in SCALAR_TYPES else dname(s),
            stop if type(stop) in SCALAR_TYPES else dname(e),
            1.0,
        ]
        work = _dt.result_type(*items)
        out_dtype = _dt.standardize_dtype(dtype) if dtype is not None else work
        if not _dt.is_float(work):
            work = floatx()
        if work in ("float16", "bfloat16"):
            work = "float32"
        s, e = tf.cast(s, work), tf.cast(e, work)
        shape = tf.broadcast_static_shape(s.shape, e.shape)
        s, e = tf.broadcast_to(s, shape), tf.broadcast_to(e, shape)
        div = (num - 1) if endpoint else num
        step = (e - s) / div if div > 0 else tf.fill(shape, tf.constant(np.nan, work))
        view = [num] + [1] * shape.rank
        i = tf.reshape(tf.range(num, dtype=work), view)
        if num == 0:
            out = tf.zeros([0, *shape.as_list()], work)
        elif div == 0:
            out = s[None]
        else:
            out = s[None] + i * step[None]
        if endpoint and num > 1:
            out = tf.concat([out[:-1], e[None]], axis=0)
        if axis != 0:
            nd = shape.rank + 1
            axis = axis + nd if axis < 0 else axis
            perm = list(range(1, axis + 1)) + [0] + list(range(axis + 1, nd))
            out = tf.transpose(out, perm)
        if _dt.is_int(out_dtype):
            out = tf.floor(out)
        out = tf.cast(out, out_dtype)
        if retstep:
            return out, tf.cast(step, out_dtype)
        return out

    # --------------------------------------------------------- shape ops
    def reshape(self, x, newshape):
        x = _t(x)
        if isinstance(newshape, int):
            newshape = [newshape]
        elif not isinstance(newshape, Tensor):
            newshape = [-1 if d is None else d for d in newshape]
        return tf.reshape(x, newshape)

    def ravel(self, x):
        return tf.reshape(_t(x), [-1])

    def transpose(self, x, axes=None):
        return tf.transpose(_t(x), perm=None if axes is None else list(axes))

    def expand_dims(self, x, axis):
        x = _t(x)
        if isinstance(axis, int):
            return tf.expand_dims(x, axis)
        nd = x.shape.rank + len(axis)
        for a in sorted(a + nd if a < 0 else a for a in axis):
            x = tf.expand_dims(x, a)
        return x

    def squeeze(self, x, axis=None):
        x = _t(x)
        if axis is None:
            return tf.squeeze(x)
        if isinstance(axis, int):
            axis = [axis]
        return tf.squeeze(x, axis=list(axis))

    def broadcast_to(self, x, shape):
        x = _t(x)
        if isinstance(shape, int):
            shape = [shape]
        return tf.broadcast_to(x, shape)

    def concatenate(self, xs, axis=0):
        xs, _ = _promote_all(list(xs))
        if axis is None:
            return tf.concat([tf.reshape(t, [-1]) for t in xs], axis=0)
        return tf.concat(xs, axis=axis)

    def stack(self, x, axis=0):
        xs, _ = _promote_all(list(x))
        return tf.stack(xs, axis=axis)

    def split(self, x, indices_or_sections, axis=0):
        x = _t(x)
        if isinstance(indices_or_sections, (int, np.integer)):
            return tf.split(x, int(indices_or_sections), axis=axis)
        n = x.shape[axis]
        if n is None:
            n = tf.shape(x)[axis]
        points = [int(p) for p in indices_or_sections]
        bounds = [0] + points + [n]
        sizes = []
        prev = 0
        for b in bounds[1:]:
            if isinstance(b, int) and isinstance(n, int):
                b = min(max(b, prev), n)
                sizes.append(b - prev)
                prev = b
            else:
                sizes.append(b - prev)
                prev = b
        return tf.split(x, sizes, axis=axis)

    def tile(self, x, repeats):
        x = _t(x)
        reps = [int(repeats)] if isinstance(repeats, (int, np.integer)) else list(repeats)
        nd = x.shape.rank
        if len(reps) < nd:
            reps = [1] * (nd - len(reps)) + reps
        elif len(reps) > nd:
            x = tf.reshape(x, [1] * (len(reps) - nd) + static_or_dynamic_shape(x))
        return tf.tile(x, reps)

    def repeat(self, x, repeats, axis=None):
        x = _t(x)
        if axis is None:
            x = tf.reshape(x, [-1])
            axis = 0
        return tf.repeat(x, repeats, axis=axis)

    def flip(self, x, axis=None):
        x = _t(x)
        if axis is None:
            axis = list(range(x.shape.rank))
        elif isinstance(axis, int):
            axis = [axis]
        return tf.reverse(x, list(axis))

    def roll(self, x, shift, axis=None):
        x = _t(x)
        if axis is None:
            return tf.reshape(tf.roll(tf.reshape(x, [-1]), shift, axis=0), tf.shape(x))
        return tf.roll(x, shift, axis=axis)

    def pad(self, x, pad_width, mode="constant", constant_values=None):
        x = _t(x)
        nd = x.shape.rank
        pairs = _pad_pairs(pad_width, nd)
        mode = mode.lower()
        if mode == "constant":
            value = 0 if constant_values is None else constant_values
            if x.dtype is tf.bool:
                return tf.pad(x, pairs, constant_values=bool(value))
            return tf.pad(x, pairs, constant_values=tf.cast(value, x.dtype))
        if constant_values is not None:
            raise ValueError("`constant_values` can only be set with mode='constant'.")
        shape = x.shape.as_list()
        if mode in ("reflect", "symmetric"):
            limit = (lambda n: n - 1) if mode == "reflect" else (lambda n: n)
            if all(
                n is not None and a <= limit(n) and b <= limit(n) for (a, b), n in zip(pairs, shape)
            ):
                return tf.pad(x, pairs, mode=mode.upper())
        elif mode not in ("edge", "wrap"):
            raise ValueError(
                f"Unsupported pad mode {mode!r}. Expected 'constant', 'reflect', 'symmetric', 'edge' or 'wrap'."
            )
        # Index-gather formulation: works for any pad size along static axes.
        for ax, ((a, b), n) in enumerate(zip(pairs, shape)):
            if a == 0 and b == 0:
                continue
            i = np.arange(-a, n + b)
            if mode == "edge":
                i = np.clip(i, 0, n - 1)
            elif mode == "wrap":
                i = np.mod(i, n)
            elif mode == "reflect":
                period = 2 * (n - 1) if n > 1 else 1
                i = np.mod(i, period)
                i = np.where(i >= n, period - i, i)
            else:
                i = np.mod(i, 2 * n)
                i = np.where(i >= n, 2 * n - 1 - i, i)
            x = tf.gather(x, i.astype("int32"), axis=ax)
        return x

    # ----------------------------------------------- indexing and searching
    def take(self, x, indices, axis=None):
        x = _t(x)
        if axis is None:
            x = tf.reshape(x, [-1])
            axis = 0
        n = x.shape[axis]
        if isinstance(indices, (int, np.integer, list, tuple, np.ndarray)) and n is not None:
            idx = np.asarray(indices)
            if idx.dtype.kind not in "iu":
                idx = idx.astype("int64")
            idx = np.where(idx < 0, idx + n, idx).astype(
                "int32" if idx.size == 0 or abs(idx).max() < 2**31 else "int64"
            )
            return tf.gather(x, idx, axis=axis)
        idx = _t(indices)
        if not idx.dtype.is_integer:
            idx = tf.cast(idx, "int32")
        size = tf.cast(n if n is not None else tf.shape(x)[axis], idx.dtype)
        if not idx.dtype.is_unsigned:
            idx = tf.where(idx < 0, idx + size, idx)
        return tf.gather(x, idx, axis=axis)

    def take_along_axis(self, x, indices, axis=None):
        x = _t(x)
        idx = _t(indices)
        if not idx.dtype.is_integer:
            idx = tf.cast(idx, "int32")
        if axis is None:
            x = tf.reshape(x, [-1])
            idx = tf.reshape(idx, [-1])
            axis = 0
        nd = x.shape.rank
        axis = axis + nd if axis < 0 else axis
        n = x.shape[axis]
        size = tf.cast(n if n is not None else tf.shape(x)[axis], idx.dtype)
        idx = tf.where(idx < 0, idx + size, idx)
        xs, is_ = x.shape.as_list(), idx.shape.as_list()
        if None not in xs and None not in is_:
            xs_b = xs[:axis] + [1] + xs[axis + 1 :]
            is_b = is_[:axis] + [1] + is_[axis + 1 :]
            b = list(np.broadcast_shapes(tuple(xs_b), tuple(is_b)))
            if xs != b[:axis] + [xs[axis]] + b[axis + 1 :]:
                x = tf.broadcast_to(x, b[:axis] + [xs[axis]] + b[axis + 1 :])
            if is_ != b[:axis] + [is_[axis]] + b[axis + 1 :]:
                idx = tf.broadcast_to(idx, b[:axis] + [is_[axis]] + b[axis + 1 :])
        if axis == nd - 1:
            return tf.gather(x, idx, axis=axis, batch_dims=axis)
        perm = [a for a in range(nd) if a != axis] + [axis]
        inv = list(np.argsort(perm))
        out = tf.gather(
            tf.transpose(x, perm), tf.transpose(idx, perm), axis=nd - 1, batch_dims=nd - 1
        )
        return tf.transpose(out, inv)

    def sort(self, x, axis=-1):
        x = _t(x)
        if x.dtype is tf.bool:
            return tf.cast(tf.sort(tf.cast(x, "int8"), axis=axis), "bool")
        if x.shape.rank == 0:
            return x
        if not x.dtype.is_floating:
            return tf.sort(x, axis=axis)
        # TF's sort misplaces NaN; NumPy puts NaNs last: sort them as +inf, then
        # overwrite the last ``count(nan)`` entries of each slice with NaN.
        nan = tf.math.is_nan(x)
        s = tf.sort(tf.where(nan, tf.constant(float("inf"), x.dtype), x), axis=axis)
        n_nan = tf.reduce_sum(tf.cast(nan, "int32"), axis=axis, keepdims=True)
        n = tf.shape(x)[axis]
        rank = x.shape.rank
        ax = axis % rank
        pos = tf.reshape(tf.range(n), [-1 if a == ax else 1 for a in range(rank)])
        return tf.where(pos >= n - n_nan, tf.constant(float("nan"), x.dtype), s)

    def argsort(self, x, axis=-1):
        x = _t(x)
        if x.dtype is tf.bool:
            x = tf.cast(x, "int8")
        if axis is None:
            x = tf.reshape(x, [-1])
            axis = -1
        if x.shape.rank == 0:
            return tf.zeros([], "int32")
        if not x.dtype.is_floating:
            return tf.argsort(x, axis=axis, stable=True)
        # NaNs last (after +inf), ties in index order: a stable sort of the values
        # with NaN as +inf, then a stable sort of that order by "is NaN".
        nan = tf.math.is_nan(x)
        first = tf.argsort(
            tf.where(nan, tf.constant(float("inf"), x.dtype), x), axis=axis, stable=True
        )
        ax = axis % x.shape.rank
        nan_in_order = self.take_along_axis(nan, first, axis=ax)
        second = tf.argsort(tf.cast(nan_in_order, "int8"), axis=ax, stable=True)
        return self.take_along_axis(first, second, axis=ax)

    def searchsorted(self, sorted_sequence, values, side="left"):
        a, v = promote(sorted_sequence, values)
        if a.shape.rank != 1:
            raise ValueError(
                f"`searchsorted` needs a 1-D `sorted_sequence`; got shape {tuple(a.shape)}."
            )
        out = tf.searchsorted(a, tf.reshape(v, [-1]), side=side, out_type="int32")
        return tf.reshape(out, tf.shape(v))

    def digitize(self, x, bins):
        return self.searchsorted(bins, x, side="right")

    def nonzero(self, x):
        x = _t(x)
        if x.shape.rank == 0:
            x = tf.reshape(x, [1])
        coords = tf.where(x if x.dtype is tf.bool else tf.cast(x, "bool"))
        return tuple(tf.cast(coords[:, i], "int32") for i in range(x.shape.rank))

    def bincount(self, x, weights=None, minlength=0, sparse=False):
        x = _t(x)
        if x.dtype not in (tf.int32, tf.int64):
            x = tf.cast(x, "int32")
        axis = -1 if x.shape.rank == 2 else None
        if weights is None:
            return tf.math.bincount(x, minlength=minlength, axis=axis, dtype="int32")
        w = _t(weights)
        d = dname(w)
        out_dtype = {
            "bool": "int32",
            "int8": "int32",
            "int16": "int32",
            "uint8": "uint32",
            "uint16": "uint32",
        }.get(d, d)
        work = (
            out_dtype
            if out_dtype in ("int32", "int64", "float32", "float64")
            else ("float32" if _dt.is_float(out_dtype) else "int64")
        )
        res = tf.math.bincount(
            x, weights=tf.cast(w, work), minlength=minlength, axis=axis, dtype=work
        )
        return tf.cast(res, out_dtype)

    def isin(self, x1, x2, assume_unique=False, invert=False):
        x1, x2 = promote(x1, x2)
        flat = tf.reshape(x2, [-1])
        hit = tf.reduce_any(tf.equal(tf.expand_dims(x1, -1), flat), axis=-1)
        return tf.logical_not(hit) if invert else hit

    # ----------------------------------------------------- diagonals & tri
    def diagonal(self, x, offset=0, axis1=0, axis2=1):
        x = _t(x)
        nd = x.shape.rank
        a1, a2 = axis1 % nd, axis2 % nd
        if (a1, a2) != (nd - 2, nd - 1):
            perm = [a for a in range(nd) if a not in (a1, a2)] + [a1, a2]
            x = tf.transpose(x, perm)
        n, m = x.shape[-2], x.shape[-1]
        if n is not None and m is not None and (offset >= m or -offset >= n):
            return tf.zeros([*static_or_dynamic_shape(x)[:-2], 0], x.dtype)
        if offset == 0:
            return tf.linalg.diag_part(x)
        return tf.linalg.diag_part(x, k=offset)

    def trace(self, x, offset=0, axis1=0, axis2=1):
        d = self.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)
        return self.sum(d, axis=-1)

    def tril(self, x, k=0):
        x = _t(x)
        n, m = static_or_dynamic_shape(x)[-2:]
        mask = self.tri(n, m, k=k, dtype="bool")
        return tf.where(mask, x, tf.zeros([], x.dtype))

    def triu(self, x, k=0):
        x = _t(x)
        n, m = static_or_dynamic_shape(x)[-2:]
        mask = self.tri(n, m, k=k - 1, dtype="bool")
        return tf.where(mask, tf.zeros([], x.dtype), x)

    # ---------------------------------------------------- products
    def matmul(self, x1, x2):
        x1, x2 = promote(x1, x2)
        d = dname(x1)
        work = _matmul_dtype(d)
        if work != d:
            x1, x2 = tf.cast(x1, work), tf.cast(x2, work)
        r1, r2 = x1.shape.rank, x2.shape.rank
        if r1 >= 2 and r2 >= 2:
            out = tf.matmul(x1, x2)
        elif r1 == 1 and r2 == 1:
            out = tf.reduce_sum(x1 * x2)
        elif r1 == 1:
            out = tf.squeeze(tf.matmul(x1[None, :], x2), -2)
        else:
            out = tf.squeeze(tf.matmul(x1, x2[:, None]), -1)
        if work != d:
            out = tf.cast(out, d) if d != "bool" else tf.not_equal(out, 0)
        return out

    def einsum(self, subscripts, *operands, **kwargs):
        ops, d = _promote_all(list(operands))
        work = _matmul_dtype(d)
        if work != d:
            ops = [tf.cast(o, work) for o in ops]
        out = tf.einsum(subscripts, *ops)
        if work != d:
            out = tf.cast(out, d) if d != "bool" else tf.not_equal(out, 0)
        return out

    def tensordot(self, x1, x2, axes=2):
        x1, x2 = promote(x1, x2)
        d = dname(x1)
        work = _matmul_dtype(d)
        if work != d:
            x1, x2 = tf.cast(x1, work), tf.cast(x2, work)
        if not isinstance(axes, int):
            axes = [list(a) if isinstance(a, (list, tuple)) else [a] for a in axes]
        out = tf.tensordot(x1, x2, axes)
        if work != d:
            out = tf.cast(out, d) if d != "bool" else tf.not_equal(out, 0)
        return out

    def cross(self, x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
        if axis is not None:
            axisa = axisb = axisc = axis
        a, b = promote(x1, x2)
        a = self.moveaxis(a, axisa, -1) if axisa not in (-1, a.shape.rank - 1) else a
        b = self.moveaxis(b, axisb, -1) if axisb not in (-1, b.shape.rank - 1) else b
        na, nb = a.shape[-1], b.shape[-1]
        if na not in (2, 3) or nb not in (2, 3):
            raise ValueError(f"`cross` needs vectors of length 2 or 3; got {na} and {nb}.")
        if na == 2 and nb == 2:
            # NumPy returns just the z component (one axis less) for two 2-vectors.
            return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
        if na == 2:
            a = tf.concat([a, tf.zeros_like(a[..., :1])], -1)
        if nb == 2:
            b = tf.concat([b, tf.zeros_like(b[..., :1])], -1)
        shape = tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))
        a, b = tf.broadcast_to(a, shape), tf.broadcast_to(b, shape)
        if a.dtype.is_floating:
            c = tf.linalg.cross(a, b)
        else:
            a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
            b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
            c = tf.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], -1)
        if axisc not in (-1, c.shape.rank - 1):
            c = self.moveaxis(c, -1, axisc)
        return c

    def outer(self, x1, x2):
        x1, x2 = promote(x1, x2)
        return self.multiply(tf.reshape(x1, [-1, 1]), tf.reshape(x2, [1, -1]))
