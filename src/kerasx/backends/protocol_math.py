"""Math, linear-algebra and image ops of the backend protocol.

``kerasx.ops.math``, ``kerasx.ops.linalg`` and ``kerasx.ops.image`` forward here.
Decompositions and special functions are primitives; the rest are portable defaults.
``image.resize`` is written entirely with protocol ops (gathers and weighted sums), so it
gives the same numbers on every backend.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from typing import Any

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings

Tensor = Any


class MathProtocol(abc.ABC):
    """Special functions, segment reductions, top-k, linear algebra, image resize."""

    # -------------------------------------------------------------- math
    @abc.abstractmethod
    def erf(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def erfinv(self, x: Tensor) -> Tensor: ...

    def erfc(self, x: Tensor) -> Tensor:
        return self.subtract(1.0, self.erf(x))

    def rsqrt(self, x: Tensor) -> Tensor:
        return self.divide(1.0, self.sqrt(self._float(x)))

    def logsumexp(
        self, x: Tensor, axis: int | Sequence[int] | None = None, keepdims: bool = False
    ) -> Tensor:
        x = self._float(x)
        m = self.stop_gradient(self.max(x, axis=axis, keepdims=True))
        m = self.where(self.isfinite(m), m, self.zeros_like(m))
        out = self.add(
            self.log(self.sum(self.exp(self.subtract(x, m)), axis=axis, keepdims=True)), m
        )
        if not keepdims:
            axes = tuple(range(len(self.shape(x)))) if axis is None else axis
            out = self.squeeze(out, axis=axes)
        return out

    def segment_sum(
        self,
        data: Tensor,
        segment_ids: Tensor,
        num_segments: int | None = None,
        sorted: bool = False,
    ) -> Tensor:
        data = self.convert_to_tensor(data)
        n = self._num_segments(segment_ids, num_segments)
        ids = self.expand_dims(self.cast(segment_ids, "int32"), -1)
        return self.scatter(ids, data, (n, *self.shape(data)[1:]))

    def segment_max(
        self,
        data: Tensor,
        segment_ids: Tensor,
        num_segments: int | None = None,
        sorted: bool = False,
    ) -> Tensor:
        return self._segment_reduce(data, segment_ids, num_segments, "max")

    def segment_min(
        self,
        data: Tensor,
        segment_ids: Tensor,
        num_segments: int | None = None,
        sorted: bool = False,
    ) -> Tensor:
        return self._segment_reduce(data, segment_ids, num_segments, "min")

    def segment_prod(
        self,
        data: Tensor,
        segment_ids: Tensor,
        num_segments: int | None = None,
        sorted: bool = False,
    ) -> Tensor:
        return self._segment_reduce(data, segment_ids, num_segments, "mul")

    def _segment_reduce(
        self, data: Tensor, segment_ids: Tensor, num_segments: int | None, reduction: str
    ) -> Tensor:
        data = self.convert_to_tensor(data)
        n = self._num_segments(segment_ids, num_segments)
        dtype = self.dtype(data)
        lo, hi = _dt.dtype_range(dtype)
        init = {
            "max": lo if not _dt.is_float(dtype) else -math.inf,
            "min": hi if not _dt.is_float(dtype) else math.inf,
            "mul": 1,
        }[reduction]
        base = self.full((n, *self.shape(data)[1:]), init, dtype)
        ids = self.expand_dims(self.cast(segment_ids, "int32"), -1)
        out = self.scatter_update(base, ids, data, reduction=reduction)
        if reduction in ("max", "min"):
            # Empty segments hold the dtype's extreme, as in TensorFlow and JAX.
            if _dt.is_float(dtype):
                out = self.where(self.isinf(out), lo if reduction == "max" else hi, out)
        return out

    def _num_segments(self, segment_ids: Tensor, num_segments: int | None) -> int:
        if num_segments is not None:
            return int(num_segments)
        return int(self.convert_to_numpy(self.max(segment_ids))) + 1

    @abc.abstractmethod
    def top_k(self, x: Tensor, k: int, sorted: bool = True) -> tuple[Tensor, Tensor]:
        """Largest ``k`` values along the last axis and their int32 indices."""

    def in_top_k(self, targets: Tensor, predictions: Tensor, k: int) -> Tensor:
        predictions = self._float(predictions)
        targets = self.cast(targets, "int32")
        target_vals = self.take_along_axis(predictions, self.expand_dims(targets, -1), axis=-1)
        # Ties count in favour of the target, as in TensorFlow's in_top_k.
        better = self.sum(self.cast(self.greater(predictions, target_vals), "int32"), axis=-1)
        return self.less(better, k)

    def extract_sequences(self, x: Tensor, sequence_length: int, sequence_stride: int) -> Tensor:
        x = self.convert_to_tensor(x)
        n = self.shape(x)[-1]
        count = (n - sequence_length) // sequence_stride + 1
        starts = self.multiply(self.arange(count, dtype="int32"), sequence_stride)
        idx = self.add(
            self.expand_dims(starts, 1),
            self.expand_dims(self.arange(sequence_length, dtype="int32"), 0),
        )
        return self.take(x, idx, axis=-1)

    def logdet(self, x: Tensor) -> Tensor:
        return self.slogdet(x)[1]

    # ------------------------------------------------------------- linalg
    @abc.abstractmethod
    def inv(self, x: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def solve(self, a: Tensor, b: Tensor) -> Tensor: ...

    @abc.abstractmethod
    def solve_triangular(self, a: Tensor, b: Tensor, lower: bool = False) -> Tensor: ...

    @abc.abstractmethod
    def cholesky(self, x: Tensor, upper: bool = False) -> Tensor: ...

    @abc.abstractmethod
    def qr(self, x: Tensor, mode: str = "reduced") -> tuple[Tensor, Tensor]: ...

    @abc.abstractmethod
    def svd(self, x: Tensor, full_matrices: bool = True, compute_uv: bool = True) -> Any: ...

    @abc.abstractmethod
    def eigh(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Eigenvalues (ascending) and eigenvectors of symmetric matrices."""

    @abc.abstractmethod
    def slogdet(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Sign and log of the absolute determinant."""

    def det(self, x: Tensor) -> Tensor:
        sign, logabs = self.slogdet(x)
        return self.multiply(sign, self.exp(logabs))

    def cholesky_inverse(self, x: Tensor, upper: bool = False) -> Tensor:
        x = self._float(x)
        full = (
            self.matmul(self.swapaxes(x, -1, -2), x)
            if upper
            else self.matmul(x, self.swapaxes(x, -1, -2))
        )
        return self.inv(full)

    def pinv(self, x: Tensor, rcond: float | None = None) -> Tensor:
        x = self._float(x)
        u, s, vh = self.svd(x, full_matrices=False)
        m, n = self.shape(x)[-2:]
        rc = 10.0 * max(m, n) * float(_dt_eps(self.dtype(x))) if rcond is None else rcond
        cutoff = self.multiply(rc, self.max(s, axis=-1, keepdims=True))
        s_inv = self.where(
            self.greater(s, cutoff),
            self.divide(1.0, self.where(self.greater(s, cutoff), s, self.ones_like(s))),
            self.zeros_like(s),
        )
        return self.matmul(
            self.multiply(self.swapaxes(vh, -1, -2), self.expand_dims(s_inv, -2)),
            self.swapaxes(u, -1, -2),
        )

    def lstsq(self, a: Tensor, b: Tensor, rcond: float | None = None) -> Tensor:
        b = self._float(b)
        vec = len(self.shape(b)) == 1
        sol = self.matmul(self.pinv(a, rcond=rcond), self.expand_dims(b, -1) if vec else b)
        return self.squeeze(sol, -1) if vec else sol

    def matrix_rank(self, x: Tensor, tol: float | None = None) -> Tensor:
        x = self._float(x)
        s = self.svd(x, compute_uv=False)
        m, n = self.shape(x)[-2:]
        if tol is None:
            tol_t = self.multiply(
                self.max(s, axis=-1, keepdims=True), max(m, n) * float(_dt_eps(self.dtype(x)))
            )
        else:
            tol_t = tol
        return self.sum(self.cast(self.greater(s, tol_t), "int32"), axis=-1)

    def norm(
        self,
        x: Tensor,
        ord: Any = None,
        axis: int | tuple[int, int] | None = None,
        keepdims: bool = False,
    ) -> Tensor:
        x = self._float(x)
        ndim = len(self.shape(x))
        if axis is None:
            axis = tuple(range(ndim))
        elif isinstance(axis, int):
            axis = (axis,)
        axis = tuple(a + ndim if a < 0 else a for a in axis)
        if len(axis) == 1 or (ord is None and len(axis) != 2) or (ord is None):
            if ord is None or ord == 2 and len(axis) == 1:
                return self.sqrt(self.sum(self.square(self.abs(x)), axis=axis, keepdims=keepdims))
            ax = axis
            if ord == math.inf:
                return self.max(self.abs(x), axis=ax, keepdims=keepdims)
            if ord == -math.inf:
                return self.min(self.abs(x), axis=ax, keepdims=keepdims)
            if ord == 0:
                return self.sum(
                    self.cast(self.not_equal(x, 0), self.dtype(x)), axis=ax, keepdims=keepdims
                )
            p = float(ord)
            return self.power(
                self.sum(self.power(self.abs(x), p), axis=ax, keepdims=keepdims), 1.0 / p
            )
        r, c = axis
        if ord in ("fro", "f"):
            return self.sqrt(self.sum(self.square(x), axis=axis, keepdims=keepdims))
        if ord == 1:
            out = self.max(self.sum(self.abs(x), axis=r, keepdims=True), axis=c, keepdims=True)
        elif ord == -1:
            out = self.min(self.sum(self.abs(x), axis=r, keepdims=True), axis=c, keepdims=True)
        elif ord == math.inf:
            out = self.max(self.sum(self.abs(x), axis=c, keepdims=True), axis=r, keepdims=True)
        elif ord == -math.inf:
            out = self.min(self.sum(self.abs(x), axis=c, keepdims=True), axis=r, keepdims=True)
        elif ord in (2, -2, "nuc"):
            moved = self.moveaxis(x, (r, c), (-2, -1))
            s = self.svd(moved, compute_uv=False)
            val = (
                self.max(s, axis=-1)
                if ord == 2
                else (self.min(s, axis=-1) if ord == -2 else self.sum(s, axis=-1))
            )
            if keepdims:
                val = self.expand_dims(self.expand_dims(val, -1), -1)
                val = self.moveaxis(val, (-2, -1), (r, c))
            return val
        else:
            raise ValueError(f"Invalid `ord` argument for matrix norm. Received: ord={ord}")
        return out if keepdims else self.squeeze(out, axis=(r, c))

    # --------------------------------------------------------------- image
    def resize(
        self,
        images: Tensor,
        size: Sequence[int],
        interpolation: str = "bilinear",
        antialias: bool = False,
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        data_format: str | None = None,
    ) -> Tensor:
        """Resize 3-D or 4-D images with half-pixel centres (``bilinear`` or
        ``nearest``), like ``tf.image.resize`` without antialiasing."""
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(
                f"Unsupported interpolation {interpolation!r}; kerasx supports 'bilinear' and 'nearest'."
            )
        data_format = _settings.standardize_data_format(data_format)
        images = self.convert_to_tensor(images)
        batched = len(self.shape(images)) == 4
        if not batched:
            images = self.expand_dims(images, 0)
        if data_format == "channels_first":
            images = self.transpose(images, (0, 2, 3, 1))
        in_dtype = self.dtype(images)
        x = self._float(images)
        h, w = self.shape(x)[1:3]
        nh, nw = int(size[0]), int(size[1])
        if crop_to_aspect_ratio:
            ch, cw = min(h, int(round(w * nh / nw))), min(w, int(round(h * nw / nh)))
            top, left = (h - ch) // 2, (w - cw) // 2
            x = self.slice(x, (0, top, left, 0), (self.shape(x)[0], ch, cw, self.shape(x)[3]))
            h, w = ch, cw
        for axis, (old, new) in ((1, (h, nh)), (2, (w, nw))):
            x = self._resize_axis(x, axis, old, new, interpolation)
        if data_format == "channels_first":
            x = self.transpose(x, (0, 3, 1, 2))
        if not batched:
            x = self.squeeze(x, 0)
        if not _dt.is_float(in_dtype):
            return x
        return self.cast(x, in_dtype)

    def _resize_axis(self, x: Tensor, axis: int, old: int, new: int, interpolation: str) -> Tensor:
        if old == new:
            return x
        scale = old / new
        centers = [(i + 0.5) * scale - 0.5 for i in range(new)]
        if interpolation == "nearest":
            idx = [min(max(int(math.floor((i + 0.5) * scale)), 0), old - 1) for i in range(new)]
            return self.take(x, self.convert_to_tensor(idx, "int32"), axis=axis)
        lo = [min(max(int(math.floor(c)), 0), old - 1) for c in centers]
        hi = [min(lo_i + 1, old - 1) for lo_i in lo]
        frac = [min(max(c - math.floor(c), 0.0), 1.0) if c >= 0 else 0.0 for c in centers]
        a = self.take(x, self.convert_to_tensor(lo, "int32"), axis=axis)
        b = self.take(x, self.convert_to_tensor(hi, "int32"), axis=axis)
        view = [1] * len(self.shape(x))
        view[axis] = new
        f = self.reshape(self.convert_to_tensor(frac, self.dtype(x)), view)
        return self.add(a, self.multiply(self.subtract(b, a), f))


def _dt_eps(dtype: str) -> float:
    return {"float16": 9.77e-4, "bfloat16": 7.81e-3, "float32": 1.19e-7, "float64": 2.22e-16}.get(
        dtype, 1.19e-7
    )
