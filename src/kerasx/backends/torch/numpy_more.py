"""Reductions, shape ops, indexing, sorting and products (torch)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from kerasx.backends.torch import _utils as U
from kerasx.backends.torch.numpy_ops import _shape

Tensor = torch.Tensor


def _ints(v: Any) -> Any:
    if isinstance(v, Tensor):
        return v.tolist()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [int(e) for e in v]
    return int(v)


def _pad_pairs(pad_width: Any, ndim: int) -> np.ndarray:
    """NumPy's pad_width broadcasting: int, (n,), (before, after) or per-axis pairs."""
    pw = np.asarray(
        _ints(pad_width) if isinstance(pad_width, Tensor) else pad_width, dtype=np.int64
    )
    if pw.ndim == 1 and pw.size == 1:
        pw = pw.reshape(())
    if pw.ndim == 1:
        pw = pw.reshape(1, 2)
    return np.broadcast_to(pw, (ndim, 2))


class NumpyMoreMixin:
    """Reductions, shape manipulation, indexing/searching, products."""

    # ------------------------------------------------------------- reductions
    def _reduce_dims(self, x: Tensor, axis: Any) -> tuple[int, ...] | None:
        if axis is None:
            return None
        if isinstance(axis, int):
            return (axis,)
        return tuple(int(a) for a in axis)

    def sum(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = self._t(x)
        out_d = U.ACC_DTYPE.get(x.dtype, x.dtype)
        work = torch.int64 if out_d in U.WIDE_UINT else out_d
        if x.dtype in U.WIDE_UINT:
            x = x.to(torch.int64)
        dims = self._reduce_dims(x, axis)
        if dims == ():
            out = x.to(work)
        elif x.dtype is work and work in U.INEXACT:  # common case: no dtype argument
            out = torch.sum(x) if dims is None else torch.sum(x, dim=dims, keepdim=keepdims)
        else:
            out = (
                torch.sum(x, dtype=work)
                if dims is None
                else torch.sum(x, dim=dims, keepdim=keepdims, dtype=work)
            )
        if dims is None and keepdims:
            out = out.reshape((1,) * x.ndim)
        return out if work is out_d else out.to(out_d)

    def prod(self, x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
        x = self._t(x)
        out_d = U.to_torch_dtype(dtype) if dtype is not None else U.ACC_DTYPE.get(x.dtype, x.dtype)
        work = torch.int64 if out_d in U.WIDE_UINT else out_d
        x = x.to(torch.int64) if x.dtype in U.WIDE_UINT else x
        if axis is None:
            out = torch.prod(x, dtype=work)
            if keepdims:
                out = out.reshape((1,) * x.ndim)
        else:
            dims = sorted(self._axes(axis, x.ndim), reverse=True)
            out = x.to(work)
            for d in dims:
                out = torch.prod(out, dim=d, keepdim=keepdims, dtype=work)
        return out if work is out_d else out.to(out_d)

    def mean(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = self._ft(x)
        dims = self._reduce_dims(x, axis)
        if dims == ():
            return x
        if dims is None:
            out = torch.mean(x)
            return out.reshape((1,) * x.ndim) if keepdims else out
        return torch.mean(x, dim=dims, keepdim=keepdims)

    def _minmax(
        self, fn: Any, clamp: Any, x: Any, axis: Any, keepdims: bool, initial: Any
    ) -> Tensor:
        x = self._t(x)
        dt = x.dtype
        if dt in U.WIDE_UINT:
            x = x.to(torch.int64)
        dims = self._reduce_dims(x, axis)
        if dims == ():
            out = x
        elif x.numel() == 0 and initial is not None:
            axes = self._axes(dims, x.ndim)
            shape = (
                [1 if i in axes else s for i, s in enumerate(x.shape)]
                if keepdims
                else [s for i, s in enumerate(x.shape) if i not in axes]
            )
            return torch.full(shape, initial, dtype=dt, device=x.device)
        elif dims is None:
            out = fn(x)
            if keepdims:
                out = out.reshape((1,) * x.ndim)
        else:
            out = fn(x, dim=dims, keepdim=keepdims)
        if initial is not None:
            out = (
                clamp(out, initial)
                if out.dtype is not torch.bool
                else (out | bool(initial) if fn is torch.amax else out & bool(initial))
            )
        return out if out.dtype is dt else out.to(dt)

    def max(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        return self._minmax(torch.amax, torch.clamp_min, x, axis, keepdims, initial)

    def min(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        return self._minmax(torch.amin, torch.clamp_max, x, axis, keepdims, initial)

    def amax(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        return self.max(x, axis=axis, keepdims=keepdims)

    def amin(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        return self.min(x, axis=axis, keepdims=keepdims)

    def _allany(self, fn: Any, x: Any, axis: Any, keepdims: bool) -> Tensor:
        x = self._t(x)
        if x.dtype is not torch.bool:
            x = x.to(torch.bool)
        dims = self._reduce_dims(x, axis)
        if dims == ():
            return x
        if dims is None:
            out = fn(x)
            return out.reshape((1,) * x.ndim) if keepdims else out
        return fn(x, dim=dims, keepdim=keepdims)

    def all(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        return self._allany(torch.all, x, axis, keepdims)

    def any(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        return self._allany(torch.any, x, axis, keepdims)

    def var(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = self._ft(x)
        dims = self._reduce_dims(x, axis)
        if dims == ():
            return torch.zeros_like(x)
        return torch.var(x, dim=dims, correction=0, keepdim=keepdims)

    def std(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = self._ft(x)
        dims = self._reduce_dims(x, axis)
        if dims == ():
            return torch.zeros_like(x)
        return torch.std(x, dim=dims, correction=0, keepdim=keepdims)

    def count_nonzero(self, x: Any, axis: Any = None) -> Tensor:
        x = self._t(x)
        if x.dtype in U.WIDE_UINT:
            x = x.to(torch.int64)
        dims = self._reduce_dims(x, axis)
        if dims == ():
            return (x != 0).to(torch.int32)
        return torch.count_nonzero(x, dim=dims).to(torch.int32)

    def _arg(self, fn: Any, x: Any, axis: Any, keepdims: bool) -> Tensor:
        x = self._t(x)
        if x.dtype is torch.bool:
            x = x.to(torch.uint8)
        elif x.dtype in U.WIDE_UINT:
            x = x.to(torch.int64)
        if axis is None:
            out = fn(x.reshape(-1))
            if keepdims:
                out = out.reshape((1,) * x.ndim)
        else:
            out = fn(x, dim=int(axis), keepdim=keepdims)
        return out.to(torch.int32)

    def argmax(self, x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return self._arg(torch.argmax, x, axis, keepdims)

    def argmin(self, x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return self._arg(torch.argmin, x, axis, keepdims)

    def _cum(self, fn: Any, x: Any, axis: Any, dtype: Any) -> Tensor:
        x = self._t(x)
        if axis is None:
            x = x.reshape(-1)
            axis = 0
        out_d = U.to_torch_dtype(dtype) if dtype is not None else U.ACC_DTYPE.get(x.dtype, x.dtype)
        work = torch.int64 if out_d in U.WIDE_UINT else out_d
        if x.dtype in U.WIDE_UINT:
            x = x.to(torch.int64)
        out = fn(x, dim=int(axis), dtype=work)
        return out if work is out_d else out.to(out_d)

    def cumsum(self, x: Any, axis: int | None = None, dtype: Any = None) -> Tensor:
        return self._cum(torch.cumsum, x, axis, dtype)

    def cumprod(self, x: Any, axis: int | None = None, dtype: Any = None) -> Tensor:
        return self._cum(torch.cumprod, x, axis, dtype)

    # ------------------------------------------------------------- shape ops
    def reshape(self, x: Any, newshape: Any) -> Tensor:
        x = self._t(x)
        if type(newshape) is tuple:
            try:
                return x.reshape(newshape)
            except TypeError:
                pass
        return x.reshape(_shape(newshape))

    def ravel(self, x: Any) -> Tensor:
        return self._t(x).reshape(-1)

    def transpose(self, x: Any, axes: Sequence[int] | None = None) -> Tensor:
        x = self._t(x)
        if axes is None:
            return x.permute(tuple(range(x.ndim - 1, -1, -1)))
        return x.permute(tuple(int(a) for a in axes))

    def swapaxes(self, x: Any, axis1: int, axis2: int) -> Tensor:
        return torch.swapaxes(self._t(x), int(axis1), int(axis2))

    def moveaxis(self, x: Any, source: Any, destination: Any) -> Tensor:
        src = source if isinstance(source, int) else tuple(source)
        dst = destination if isinstance(destination, int) else tuple(destination)
        return torch.movedim(self._t(x), src, dst)

    def expand_dims(self, x: Any, axis: Any) -> Tensor:
        x = self._t(x)
        if isinstance(axis, int):
            return x.unsqueeze(axis)
        n = x.ndim + len(axis)
        for a in sorted(a + n if a < 0 else a for a in axis):
            x = x.unsqueeze(a)
        return x

    def squeeze(self, x: Any, axis: Any = None) -> Tensor:
        x = self._t(x)
        if axis is None:
            return x.squeeze()
        dims = self._axes(axis, x.ndim)
        for d in dims:
            if x.shape[d] != 1:
                raise ValueError(
                    f"Cannot squeeze axis {d} of size {x.shape[d]} (shape {tuple(x.shape)})."
                )
        return x.squeeze(dims)

    def broadcast_to(self, x: Any, shape: Any) -> Tensor:
        return torch.broadcast_to(self._t(x), _shape(shape))

    def concatenate(self, xs: Sequence[Any], axis: int | None = 0) -> Tensor:
        ts = self._promote_all(xs)
        if axis is None:
            return torch.cat([t.reshape(-1) for t in ts], dim=0)
        return torch.cat(ts, dim=int(axis))

    def stack(self, x: Sequence[Any], axis: int = 0) -> Tensor:
        return torch.stack(self._promote_all(x), dim=int(axis))

    def hstack(self, xs: Sequence[Any]) -> Tensor:
        return torch.hstack(self._promote_all(xs))

    def vstack(self, xs: Sequence[Any]) -> Tensor:
        return torch.vstack(self._promote_all(xs))

    def dstack(self, xs: Sequence[Any]) -> Tensor:
        return torch.dstack(self._promote_all(xs))

    def split(self, x: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
        x = self._t(x)
        sec = _ints(indices_or_sections)
        if isinstance(sec, int) and x.shape[axis] % sec:
            raise ValueError(
                f"array split does not result in an equal division: {x.shape[axis]} into {sec} sections."
            )
        return list(torch.tensor_split(x, sec, dim=int(axis)))

    def array_split(self, x: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
        return list(torch.tensor_split(self._t(x), _ints(indices_or_sections), dim=int(axis)))

    def unstack(self, x: Any, num: int | None = None, axis: int = 0) -> list[Tensor]:
        return list(torch.unbind(self._t(x), dim=int(axis)))

    def tile(self, x: Any, repeats: Any) -> Tensor:
        reps = _ints(repeats)
        return torch.tile(self._t(x), (reps,) if isinstance(reps, int) else tuple(reps))

    def repeat(self, x: Any, repeats: Any, axis: int | None = None) -> Tensor:
        x = self._t(x)
        if axis is None:
            x = x.reshape(-1)
            axis = 0
        if isinstance(repeats, (int, np.integer)):
            return torch.repeat_interleave(x, int(repeats), dim=int(axis))
        r = torch.as_tensor(_ints(repeats), dtype=torch.int64, device=x.device)
        if r.numel() == 1:
            return torch.repeat_interleave(x, int(r.reshape(-1)[0]), dim=int(axis))
        return torch.repeat_interleave(x, r, dim=int(axis))

    def flip(self, x: Any, axis: Any = None) -> Tensor:
        x = self._t(x)
        dims = (
            tuple(range(x.ndim))
            if axis is None
            else ((axis,) if isinstance(axis, int) else tuple(axis))
        )
        try:
            return torch.flip(x, dims)
        except RuntimeError:
            return self._wide(torch.flip, x, dims)

    def roll(self, x: Any, shift: Any, axis: Any = None) -> Tensor:
        x = self._t(x)
        shift = _ints(shift)
        if axis is None:
            return torch.roll(x, shift)
        return torch.roll(x, shift, axis if isinstance(axis, int) else tuple(axis))

    def rot90(self, array: Any, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Tensor:
        x = self._t(array)
        if x.dtype in U.WIDE_UINT:
            return self._wide(lambda t: torch.rot90(t, int(k), tuple(axes)), x)
        return torch.rot90(x, int(k), tuple(axes))

    def pad(
        self, x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None
    ) -> Tensor:
        x = self._t(x)
        pw = _pad_pairs(pad_width, x.ndim)
        if mode == "constant":
            flat = []
            for before, after in reversed(pw.tolist()):
                flat += [before, after]
            value = 0 if constant_values is None else constant_values
            if isinstance(value, Tensor):
                value = value.item()
            if x.dtype in U.WIDE_UINT:
                return F.pad(x.to(torch.int64), flat, value=value).to(x.dtype)
            if x.dtype is torch.bool:
                return F.pad(x.to(torch.uint8), flat, value=int(bool(value))).to(torch.bool)
            return F.pad(x, flat, value=value)
        np_mode = {
            "reflect": "reflect",
            "symmetric": "symmetric",
            "edge": "edge",
            "wrap": "wrap",
            "circular": "wrap",
            "replicate": "edge",
        }.get(mode)
        if np_mode is None:
            raise ValueError(f"Unsupported pad mode {mode!r}.")
        # Gather with the index pattern NumPy itself produces: exact semantics, any dtype.
        for d, (before, after) in enumerate(pw.tolist()):
            if before == 0 and after == 0:
                continue
            idx = np.pad(np.arange(x.shape[d]), (before, after), mode=np_mode)
            x = torch.index_select(x, d, torch.as_tensor(idx, device=x.device))
        return x

    # ---------------------------------------------------- indexing & search
    def take(self, x: Any, indices: Any, axis: int | None = None) -> Tensor:
        x = self._t(x)
        if axis is None:
            x = x.reshape(-1)
            axis = 0
        axis = axis + x.ndim if axis < 0 else axis
        n = x.shape[axis]
        if isinstance(indices, (int, np.integer)):
            i = int(indices)
            return x.select(axis, i + n if i < 0 else i)
        idx = self._t(indices)
        if idx.dtype is not torch.int64:
            idx = idx.long()
        idx = torch.where(idx < 0, idx + n, idx)
        if x.dtype in U.WIDE_UINT:
            return x[(slice(None),) * axis + (idx,)]
        out = torch.index_select(x, axis, idx.reshape(-1))
        return out.reshape(x.shape[:axis] + idx.shape + x.shape[axis + 1 :])

    def take_along_axis(self, x: Any, indices: Any, axis: int | None = None) -> Tensor:
        x = self._t(x)
        idx = self._t(indices)
        if idx.dtype is not torch.int64:
            idx = idx.long()
        if axis is None:
            x, idx, axis = x.reshape(-1), idx.reshape(-1), 0
        n = x.shape[axis]
        idx = torch.where(idx < 0, idx + n, idx)
        if x.dtype in U.WIDE_UINT:
            return torch.take_along_dim(x.to(torch.int64), idx, dim=int(axis)).to(x.dtype)
        return torch.take_along_dim(x, idx, dim=int(axis))

    def _sortable(self, x: Tensor) -> Tensor:
        if x.dtype is torch.bool:
            return x.to(torch.uint8)
        if x.dtype in U.WIDE_UINT:
            return x.to(torch.int64)
        return x

    def sort(self, x: Any, axis: int = -1) -> Tensor:
        x = self._t(x)
        if axis is None:
            x, axis = x.reshape(-1), 0
        out = torch.sort(self._sortable(x), dim=int(axis), stable=True).values
        return out if out.dtype is x.dtype else out.to(x.dtype)

    def argsort(self, x: Any, axis: int = -1) -> Tensor:
        x = self._t(x)
        if axis is None:
            x, axis = x.reshape(-1), 0
        return torch.argsort(self._sortable(x), dim=int(axis), stable=True).to(torch.int32)

    def searchsorted(self, sorted_sequence: Any, values: Any, side: str = "left") -> Tensor:
        s, v = self._bin_t(sorted_sequence, values)
        if s.ndim != 1:
            raise ValueError(f"`sorted_sequence` must be 1-D. Received: shape={tuple(s.shape)}")
        s, v = self._sortable(s), self._sortable(v)
        return torch.searchsorted(s, v, right=(side == "right"), out_int32=True)

    def nonzero(self, x: Any) -> tuple[Tensor, ...]:
        x = self._t(x)
        if x.dtype in U.WIDE_UINT:
            x = x.to(torch.int64)
        return tuple(t.to(torch.int32) for t in torch.nonzero(x, as_tuple=True))

    def bincount(
        self, x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False
    ) -> Tensor:
        if sparse:
            raise ValueError("`sparse=True` is not supported with the torch backend.")
        x = self._t(x)
        if x.dtype is not torch.int64:
            x = x.long()
        length = max(int(minlength), int(x.max()) + 1 if x.numel() else 0)
        if weights is None:
            out_d = torch.int32
            w = torch.ones(x.shape, dtype=torch.int64, device=x.device)
        else:
            w = self._t(weights)
            out_d = torch.int32 if w.dtype is torch.bool else w.dtype
            w = w.to(torch.int64 if out_d in U.WIDE_UINT or out_d in U.INTS else out_d)
        out = torch.zeros((*x.shape[:-1], length), dtype=w.dtype, device=x.device)
        out = out.scatter_add(-1, x, w)
        return out if out.dtype is out_d else out.to(out_d)

    def isin(self, x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> Tensor:
        a, b = self._bin_t(x1, x2)
        return torch.isin(
            self._sortable(a), self._sortable(b), assume_unique=assume_unique, invert=invert
        )

    def diagonal(self, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        return torch.diagonal(self._t(x), offset=int(offset), dim1=int(axis1), dim2=int(axis2))

    def diag(self, x: Any, k: int = 0) -> Tensor:
        x = self._t(x)
        if x.dtype in U.WIDE_UINT:
            return torch.diag(x.to(torch.int64), int(k)).to(x.dtype)
        return torch.diag(x, int(k))

    def tril(self, x: Any, k: int = 0) -> Tensor:
        x = self._t(x)
        return (
            self._wide(torch.tril, x, int(k)) if x.dtype in U.WIDE_UINT else torch.tril(x, int(k))
        )

    def triu(self, x: Any, k: int = 0) -> Tensor:
        x = self._t(x)
        return (
            self._wide(torch.triu, x, int(k)) if x.dtype in U.WIDE_UINT else torch.triu(x, int(k))
        )

    def diff(self, a: Any, n: int = 1, axis: int = -1) -> Tensor:
        a = self._t(a)
        if a.dtype in U.WIDE_UINT:
            return self._wide(lambda t: torch.diff(t, n=int(n), dim=int(axis)), a)
        return torch.diff(a, n=int(n), dim=int(axis))

    # ------------------------------------------------------------- products
    def _int_product(self, fn: Any, *ts: Tensor) -> Tensor:
        """Products for dtypes torch's BLAS lacks (bool, uint16+, ints on GPU)."""
        dt = ts[0].dtype
        if dt is torch.bool:
            return fn(*[t.to(torch.int32) for t in ts]) != 0
        if dt in U.INTS:
            return fn(*[t.to(torch.float64) for t in ts]).round().to(torch.int64).to(dt)
        return fn(*ts)

    def matmul(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        if a.dtype is torch.int8:
            a, b = a.to(torch.int32), b.to(torch.int32)
        try:
            return torch.matmul(a, b)
        except RuntimeError:
            return self._int_product(torch.matmul, a, b)

    def einsum(self, subscripts: str, *operands: Any, **kwargs: Any) -> Tensor:
        ts = self._promote_all(operands)
        if ts and ts[0].dtype is torch.int8:
            ts = [t.to(torch.int32) for t in ts]
        try:
            return torch.einsum(subscripts, *ts)
        except RuntimeError:
            return self._int_product(lambda *t: torch.einsum(subscripts, *t), *ts)

    def tensordot(self, x1: Any, x2: Any, axes: Any = 2) -> Tensor:
        a, b = self._bin_t(x1, x2)
        if isinstance(axes, Tensor):
            axes = axes.tolist()
        if isinstance(axes, (int, np.integer)):
            dims: Any = int(axes)
        else:
            a0, a1 = axes
            dims = (
                [int(a0)] if isinstance(a0, (int, np.integer)) else [int(v) for v in a0],
                [int(a1)] if isinstance(a1, (int, np.integer)) else [int(v) for v in a1],
            )
        try:
            return torch.tensordot(a, b, dims=dims)
        except RuntimeError:
            return self._int_product(lambda p, q: torch.tensordot(p, q, dims=dims), a, b)

    def outer(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        a, b = a.reshape(-1), b.reshape(-1)
        try:
            return torch.outer(a, b)
        except RuntimeError:
            return self._wide(torch.outer, a, b)

    def inner(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        try:
            return torch.inner(a, b)
        except RuntimeError:
            return self._int_product(torch.inner, a, b)

    def kron(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        try:
            return torch.kron(a, b)
        except RuntimeError:
            return self._wide(torch.kron, a, b)

    def dot(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        out = super().dot(a, b)  # type: ignore[misc]
        return out if out.dtype is a.dtype else out.to(a.dtype)

    def vdot(self, x1: Any, x2: Any) -> Tensor:
        a, b = self._bin_t(x1, x2)
        a = a.reshape(-1)
        if a.dtype in U.COMPLEX:
            a = a.conj()
        prod = self.multiply(a, b.reshape(-1))
        return (
            prod.sum(dtype=prod.dtype)
            if prod.dtype not in U.WIDE_UINT
            else self._wide(torch.sum, prod).to(prod.dtype)
        )

    def cross(
        self,
        x1: Any,
        x2: Any,
        axisa: int = -1,
        axisb: int = -1,
        axisc: int = -1,
        axis: int | None = None,
    ) -> Tensor:
        if axis is not None:
            axisa = axisb = axisc = axis
        a, b = self._bin_t(x1, x2)
        a, b = torch.movedim(a, axisa, -1), torch.movedim(b, axisb, -1)
        if a.shape[-1] == 2 and b.shape[-1] == 2:  # NumPy: the z component only
            return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
        if a.shape[-1] == 2:
            a = F.pad(a, (0, 1))
        if b.shape[-1] == 2:
            b = F.pad(b, (0, 1))
        a, b = torch.broadcast_tensors(a, b)
        try:
            out = torch.linalg.cross(a, b, dim=-1)
        except RuntimeError:
            out = self._wide(lambda p, q: torch.linalg.cross(p, q, dim=-1), a, b)
        return torch.movedim(out, -1, axisc)
