"""Math and linear-algebra ops of the JAX adapter (jax.scipy, jnp.linalg, jax.ops).

``image.resize`` keeps the protocol's portable version so every backend produces the
same numbers.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy as jsp
from jax import lax

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.jax import _kernels as _k
from kerasx.backends.jax._utils import (
    is_concrete,
    name_of,
    norm_axis,
    promote_many,
    tensor,
    to_float,
)


def _num_segments(segment_ids, num_segments):
    if num_segments is not None:
        return int(num_segments)
    if not is_concrete(segment_ids):
        raise ValueError("`num_segments` must be given when segment ids are traced (inside jit).")
    return int(jnp.max(segment_ids)) + 1 if segment_ids.size else 0


def _float_pair(a, b):
    return promote_many([to_float(a), to_float(b)])


class MathMixin:
    """Special functions, segment reductions, top-k and linear algebra."""

    # -------------------------------------------------------------- math
    def erf(self, x):
        return jsp.special.erf(to_float(x))

    def erfinv(self, x):
        return jsp.special.erfinv(to_float(x))

    def erfc(self, x):
        return jsp.special.erfc(to_float(x))

    def rsqrt(self, x):
        return lax.rsqrt(to_float(x))

    def logsumexp(self, x, axis=None, keepdims=False):
        return _k.logsumexp(to_float(x), axis=norm_axis(axis), keepdims=bool(keepdims))

    def segment_sum(self, data, segment_ids, num_segments=None, sorted=False):
        data, ids = tensor(data), tensor(segment_ids).astype(jnp.int32)
        n = _num_segments(ids, num_segments)
        return jax.ops.segment_sum(data, ids, num_segments=n, indices_are_sorted=bool(sorted))

    def _segment_extreme(self, fn, data, segment_ids, num_segments, sorted, pick):
        data, ids = tensor(data), tensor(segment_ids).astype(jnp.int32)
        n = _num_segments(ids, num_segments)
        out = fn(data, ids, num_segments=n, indices_are_sorted=bool(sorted))
        name = name_of(data.dtype)
        if _dt.is_float(name):
            # Empty segments hold the dtype's finite extreme (as TensorFlow), not +-inf.
            counts = jax.ops.segment_sum(jnp.ones(ids.shape, jnp.int32), ids, num_segments=n)
            counts = counts.reshape(counts.shape + (1,) * (out.ndim - 1))
            out = jnp.where(counts == 0, jnp.asarray(pick(_dt.dtype_range(name)), out.dtype), out)
        return out

    def segment_max(self, data, segment_ids, num_segments=None, sorted=False):
        return self._segment_extreme(
            jax.ops.segment_max, data, segment_ids, num_segments, sorted, lambda r: r[0]
        )

    def segment_min(self, data, segment_ids, num_segments=None, sorted=False):
        return self._segment_extreme(
            jax.ops.segment_min, data, segment_ids, num_segments, sorted, lambda r: r[1]
        )

    def segment_prod(self, data, segment_ids, num_segments=None, sorted=False):
        data, ids = tensor(data), tensor(segment_ids).astype(jnp.int32)
        n = _num_segments(ids, num_segments)
        return jax.ops.segment_prod(data, ids, num_segments=n, indices_are_sorted=bool(sorted))

    def top_k(self, x, k, sorted=True):
        values, indices = lax.top_k(tensor(x), int(k))
        return values, indices.astype(jnp.int32)

    def logdet(self, x):
        return jnp.linalg.slogdet(to_float(x))[1]

    # ------------------------------------------------------------- linalg
    def inv(self, x):
        return jnp.linalg.inv(to_float(x))

    def solve(self, a, b):
        return jnp.linalg.solve(*_float_pair(a, b))

    def solve_triangular(self, a, b, lower=False):
        a, b = _float_pair(a, b)
        return jsp.linalg.solve_triangular(a, b, lower=lower)

    def cholesky(self, x, upper=False):
        return jnp.linalg.cholesky(to_float(x), upper=upper)

    def qr(self, x, mode="reduced"):
        q, r = jnp.linalg.qr(to_float(x), mode=mode)
        return q, r

    def svd(self, x, full_matrices=True, compute_uv=True):
        out = jnp.linalg.svd(to_float(x), full_matrices=full_matrices, compute_uv=compute_uv)
        return tuple(out) if compute_uv else out

    def eigh(self, x):
        w, v = jnp.linalg.eigh(to_float(x))
        return w, v

    def slogdet(self, x):
        sign, logabs = jnp.linalg.slogdet(to_float(x))
        return sign, logabs

    def det(self, x):
        return jnp.linalg.det(to_float(x))

    def pinv(self, x, rcond=None):
        return jnp.linalg.pinv(to_float(x), rtol=rcond)

    def lstsq(self, a, b, rcond=None):
        a, b = _float_pair(a, b)
        return jnp.linalg.lstsq(a, b, rcond=rcond)[0]

    def norm(self, x, ord=None, axis=None, keepdims=False):
        return jnp.linalg.norm(to_float(x), ord=ord, axis=norm_axis(axis), keepdims=keepdims)
