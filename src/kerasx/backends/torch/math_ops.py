"""Special functions, top-k, linear algebra (torch)."""

from __future__ import annotations

import math
from typing import Any

import torch

from kerasx.backends.torch import _utils as U
from kerasx.backends.torch.numpy_ops import _float_unary

Tensor = torch.Tensor
_EPS = {
    torch.float16: 9.77e-4,
    torch.bfloat16: 7.81e-3,
    torch.float32: 1.19e-7,
    torch.float64: 2.22e-16,
}


_LOW = (torch.float16, torch.bfloat16)


def _back(out: Any, dtype: torch.dtype) -> Any:
    """Cast decomposition results computed in float32 back to a half dtype."""
    if isinstance(out, tuple):
        return tuple(_back(o, dtype) for o in out)
    return (
        out.to(dtype)
        if isinstance(out, Tensor) and out.dtype in U.FLOATS and out.dtype is not dtype
        else out
    )


class MathMixin:
    """kerasx.ops.math and kerasx.ops.linalg on torch.linalg (half precision is
    computed in float32: torch's CPU LAPACK kernels have no half versions)."""

    def _lin(self, x: Any) -> Tensor:
        x = self._ft(x)
        return x.to(torch.float32) if x.dtype in _LOW else x

    erf = _float_unary(torch.erf, "erf")
    erfinv = _float_unary(torch.erfinv, "erfinv")
    erfc = _float_unary(torch.erfc, "erfc")
    rsqrt = _float_unary(torch.rsqrt, "rsqrt")

    def logsumexp(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = self._ft(x)
        dims = (
            tuple(range(x.ndim))
            if axis is None
            else ((axis,) if isinstance(axis, int) else tuple(axis))
        )
        if not dims:
            return x
        return torch.logsumexp(x, dim=dims, keepdim=keepdims)

    def top_k(self, x: Any, k: int, sorted: bool = True) -> tuple[Tensor, Tensor]:
        x = self._t(x)
        # A stable descending sort: ties keep the lower index first, as in lax/tf.top_k
        # (torch.topk does not guarantee that).
        vals, idx = torch.sort(self._sortable(x), dim=-1, descending=True, stable=True)
        k = int(k)
        vals = vals[..., :k]
        if vals.dtype is not x.dtype:
            vals = vals.to(x.dtype)
        return vals, idx[..., :k].to(torch.int32)

    def extract_sequences(self, x: Any, sequence_length: int, sequence_stride: int) -> Tensor:
        return self._t(x).unfold(-1, int(sequence_length), int(sequence_stride))

    # ------------------------------------------------------------- linalg
    def inv(self, x: Any) -> Tensor:
        x = self._ft(x)
        return _back(torch.linalg.inv(self._lin(x)), x.dtype)

    def solve(self, a: Any, b: Any) -> Tensor:
        a, b = self._bin_t(self._ft(a), self._ft(b))
        dt = a.dtype
        a, b = self._lin(a), self._lin(b)
        if b.ndim == 1:
            out = torch.linalg.solve(a, b.unsqueeze(-1)).squeeze(-1)
        elif b.ndim == a.ndim - 1:  # torch would read b as a batch of vectors; NumPy 2 as matrices
            lu, piv = torch.linalg.lu_factor(a)
            out = torch.linalg.lu_solve(lu, piv, b)
        else:
            out = torch.linalg.solve(a, b)
        return _back(out, dt)

    def solve_triangular(self, a: Any, b: Any, lower: bool = False) -> Tensor:
        a, b = self._bin_t(self._ft(a), self._ft(b))
        dt = a.dtype
        a, b = self._lin(a), self._lin(b)
        if b.ndim == 1:
            return _back(
                torch.linalg.solve_triangular(a, b.unsqueeze(-1), upper=not lower).squeeze(-1), dt
            )
        return _back(torch.linalg.solve_triangular(a, b, upper=not lower), dt)

    def cholesky(self, x: Any, upper: bool = False) -> Tensor:
        x = self._ft(x)
        return _back(torch.linalg.cholesky(self._lin(x), upper=bool(upper)), x.dtype)

    def cholesky_inverse(self, x: Any, upper: bool = False) -> Tensor:
        x = self._ft(x)
        return _back(torch.cholesky_inverse(self._lin(x), upper=bool(upper)), x.dtype)

    def qr(self, x: Any, mode: str = "reduced") -> tuple[Tensor, Tensor]:
        if mode not in ("reduced", "complete"):
            raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
        x = self._ft(x)
        q, r = torch.linalg.qr(self._lin(x), mode=mode)
        return _back((q, r), x.dtype)

    def svd(self, x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
        x = self._ft(x)
        if not compute_uv:
            return _back(torch.linalg.svdvals(self._lin(x)), x.dtype)
        u, s, vh = torch.linalg.svd(self._lin(x), full_matrices=bool(full_matrices))
        return _back((u, s, vh), x.dtype)

    def eigh(self, x: Any) -> tuple[Tensor, Tensor]:
        x = self._ft(x)
        w, v = torch.linalg.eigh(self._lin(x))
        return _back((w, v), x.dtype)

    def slogdet(self, x: Any) -> tuple[Tensor, Tensor]:
        x = self._ft(x)
        sign, logabs = torch.linalg.slogdet(self._lin(x))
        return _back((sign, logabs), x.dtype)

    def det(self, x: Any) -> Tensor:
        x = self._ft(x)
        return _back(torch.linalg.det(self._lin(x)), x.dtype)

    def pinv(self, x: Any, rcond: float | None = None) -> Tensor:
        x = self._ft(x)
        m, n = x.shape[-2:]
        rc = 10.0 * max(m, n) * _EPS.get(x.dtype, 1.19e-7) if rcond is None else float(rcond)
        return _back(torch.linalg.pinv(self._lin(x), rtol=rc), x.dtype)

    def matrix_rank(self, x: Any, tol: float | None = None) -> Tensor:
        x = self._ft(x)
        eps = _EPS.get(x.dtype, 1.19e-7)
        x = self._lin(x)
        if tol is None:
            m, n = x.shape[-2:]
            out = torch.linalg.matrix_rank(x, rtol=max(m, n) * eps)
        else:
            out = torch.linalg.matrix_rank(x, atol=float(tol), rtol=0.0)
        return out.to(torch.int32)

    def norm(self, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = self._ft(x)
        if ord in ("f", "fro") and axis is None and x.ndim == 2:
            axis = (0, 1)
        if axis is None:
            if ord is None:
                out = torch.linalg.vector_norm(x, 2)
                return out.reshape((1,) * x.ndim) if keepdims else out
            if x.ndim == 1:
                axis = (0,)
            elif x.ndim == 2:
                axis = (0, 1)
            else:
                raise ValueError(
                    f"Improper number of dimensions to norm: ndim={x.ndim} with ord={ord!r}."
                )
        axes = self._axes(axis, x.ndim)
        if len(axes) == 1:
            if isinstance(ord, str):
                raise ValueError(f"Invalid norm order {ord!r} for vectors.")
            return torch.linalg.vector_norm(
                x, 2 if ord is None else ord, dim=axes, keepdim=keepdims
            )
        if len(axes) == 2:
            if ord is None or ord == "f":
                ord = "fro"
            if ord in (2, -2, "nuc") and x.dtype in _LOW:
                return _back(
                    torch.linalg.matrix_norm(self._lin(x), ord, dim=axes, keepdim=keepdims), x.dtype
                )
            return torch.linalg.matrix_norm(x, ord, dim=axes, keepdim=keepdims)
        if ord is None:
            return torch.linalg.vector_norm(x, 2, dim=axes, keepdim=keepdims)
        raise ValueError(f"Improper number of axes to norm: axis={axis!r}.")

    def logdet(self, x: Any) -> Tensor:
        return self.slogdet(x)[1]

    # --------------------------------------------------------- segment ops
    def _segment_reduce(
        self, data: Any, segment_ids: Any, num_segments: int | None, reduction: str
    ) -> Tensor:
        data = self._t(data)
        ids = self._t(segment_ids)
        if ids.dtype is not torch.int64:
            ids = ids.long()
        n = (
            int(num_segments)
            if num_segments is not None
            else (int(ids.max()) + 1 if ids.numel() else 0)
        )
        dt = data.dtype
        work = torch.int64 if dt in U.WIDE_UINT else dt
        d = data.to(work)
        red = {"max": "amax", "min": "amin", "mul": "prod"}[reduction]
        if reduction == "mul":
            init = 1
        elif dt in U.FLOATS:
            init = -math.inf if reduction == "max" else math.inf
        else:
            info = torch.iinfo(work) if work is not torch.bool else None
            init = (
                (info.min if reduction == "max" else info.max)
                if info is not None
                else (reduction != "max")
            )
        out = torch.full((n, *d.shape[1:]), init, dtype=work, device=d.device)
        valid = (ids >= 0) & (ids < n)
        if not bool(valid.all()):
            d, ids = d[valid], ids[valid]
        idx = ids.reshape(-1, *([1] * (d.ndim - 1))).expand(d.shape)
        out = out.scatter_reduce(0, idx, d, reduce=red, include_self=True)
        if reduction in ("max", "min") and dt in U.FLOATS:
            lo, hi = torch.finfo(dt).min, torch.finfo(dt).max
            out = torch.where(
                torch.isinf(out), torch.full_like(out, lo if reduction == "max" else hi), out
            )
        return out if work is dt else out.to(dt)

    def segment_sum(
        self, data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        data = self._t(data)
        ids = self._t(segment_ids)
        if ids.dtype is not torch.int64:
            ids = ids.long()
        n = (
            int(num_segments)
            if num_segments is not None
            else (int(ids.max()) + 1 if ids.numel() else 0)
        )
        dt = data.dtype
        work = (
            U.ACC_DTYPE.get(dt, dt)
            if dt is torch.bool
            else (torch.int64 if dt in U.WIDE_UINT else dt)
        )
        d = data.to(work)
        valid = (ids >= 0) & (ids < n)
        if not bool(valid.all()):
            d, ids = d[valid], ids[valid]
        out = torch.zeros((n, *d.shape[1:]), dtype=work, device=d.device).index_add(0, ids, d)
        return out if work is dt else (out.to(dt) if dt is not torch.bool else out != 0)
