"""Special functions, segment reductions, top-k and linear algebra for the TF adapter."""

from __future__ import annotations

from kerasx.backends.tensorflow._tf import (
    Tensor,
    as_float,
    dname,
    norm_axis,
    promote,
    tf,
    to_tensor,
)


def _t(x):
    return x if isinstance(x, Tensor) else to_tensor(x)


def _lin(x):
    """Linear-algebra input: float (ints -> floatx); TF's kernels take no half floats."""
    x = as_float(x)
    d = dname(x)
    if d in ("float16", "bfloat16"):
        return tf.cast(x, "float32"), d
    return x, d


def _back(t, d):
    return t if dname(t) == d else tf.cast(t, d)


class MathMixin:
    """tf.math / tf.linalg kernels behind kerasx.ops.math and kerasx.ops.linalg."""

    def erf(self, x):
        return tf.math.erf(as_float(x))

    def erfinv(self, x):
        x = as_float(x)
        d = dname(x)
        if d in ("float16", "bfloat16"):
            return tf.cast(tf.math.erfinv(tf.cast(x, "float32")), d)
        return tf.math.erfinv(x)

    def erfc(self, x):
        return tf.math.erfc(as_float(x))

    def rsqrt(self, x):
        return tf.math.rsqrt(as_float(x))

    def logsumexp(self, x, axis=None, keepdims=False):
        return tf.math.reduce_logsumexp(as_float(x), axis=norm_axis(axis), keepdims=keepdims)

    # ------------------------------------------------------------ segments
    def _segment(self, fn, data, segment_ids, num_segments):
        data = _t(data)
        ids = _t(segment_ids)
        if ids.dtype not in (tf.int32, tf.int64):
            ids = tf.cast(ids, "int32")
        n = self._num_segments(ids, num_segments)
        if data.dtype is tf.bool:
            return tf.cast(fn(tf.cast(data, "int32"), ids, n), "bool")
        return fn(data, ids, n)

    def segment_sum(self, data, segment_ids, num_segments=None, sorted=False):
        return self._segment(tf.math.unsorted_segment_sum, data, segment_ids, num_segments)

    def segment_max(self, data, segment_ids, num_segments=None, sorted=False):
        return self._segment(tf.math.unsorted_segment_max, data, segment_ids, num_segments)

    def segment_min(self, data, segment_ids, num_segments=None, sorted=False):
        return self._segment(tf.math.unsorted_segment_min, data, segment_ids, num_segments)

    def segment_prod(self, data, segment_ids, num_segments=None, sorted=False):
        return self._segment(tf.math.unsorted_segment_prod, data, segment_ids, num_segments)

    def _num_segments(self, segment_ids, num_segments):
        if num_segments is not None:
            return num_segments if isinstance(num_segments, Tensor) else int(num_segments)
        return tf.reduce_max(tf.cast(segment_ids, "int32")) + 1

    # --------------------------------------------------------------- top k
    def top_k(self, x, k, sorted=True):
        x = _t(x)
        d = dname(x)
        if d == "bool":
            v, i = tf.math.top_k(tf.cast(x, "int32"), k, sorted=sorted)
            return tf.cast(v, "bool"), i
        v, i = tf.math.top_k(x, k, sorted=sorted)
        return v, i

    # -------------------------------------------------------------- linalg
    def inv(self, x):
        x, d = _lin(x)
        return _back(tf.linalg.inv(x), d)

    def solve(self, a, b):
        a, b = promote(a, b)
        a, d = _lin(a)
        b = tf.cast(b, a.dtype)
        vec = b.shape.rank == a.shape.rank - 1
        if vec:
            b = tf.expand_dims(b, -1)
        if a.shape.rank > 2 or b.shape.rank > 2:
            shape = tf.broadcast_dynamic_shape(tf.shape(a)[:-2], tf.shape(b)[:-2])
            a = tf.broadcast_to(a, tf.concat([shape, tf.shape(a)[-2:]], 0))
            b = tf.broadcast_to(b, tf.concat([shape, tf.shape(b)[-2:]], 0))
        out = tf.linalg.solve(a, b)
        if vec:
            out = tf.squeeze(out, -1)
        return _back(out, d)

    def solve_triangular(self, a, b, lower=False):
        a, b = promote(a, b)
        a, d = _lin(a)
        b = tf.cast(b, a.dtype)
        vec = b.shape.rank == a.shape.rank - 1
        if vec:
            b = tf.expand_dims(b, -1)
        out = tf.linalg.triangular_solve(a, b, lower=lower)
        if vec:
            out = tf.squeeze(out, -1)
        return _back(out, d)

    def cholesky(self, x, upper=False):
        x, d = _lin(x)
        out = tf.linalg.cholesky(x)
        if upper:
            out = tf.linalg.adjoint(out)
        return _back(out, d)

    def qr(self, x, mode="reduced"):
        if mode not in ("reduced", "complete"):
            raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
        x, d = _lin(x)
        q, r = tf.linalg.qr(x, full_matrices=(mode == "complete"))
        return _back(q, d), _back(r, d)

    def svd(self, x, full_matrices=True, compute_uv=True):
        x, d = _lin(x)
        if not compute_uv:
            return _back(tf.linalg.svd(x, compute_uv=False), d)
        s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
        return _back(u, d), _back(s, d), _back(tf.linalg.adjoint(v), d)

    def eigh(self, x):
        x, d = _lin(x)
        w, v = tf.linalg.eigh(x)
        return _back(w, d), _back(v, d)

    def slogdet(self, x):
        x, d = _lin(x)
        sign, logdet = tf.linalg.slogdet(x)
        return _back(sign, d), _back(logdet, d)

    def det(self, x):
        x, d = _lin(x)
        return _back(tf.linalg.det(x), d)

    def logdet(self, x):
        return self.slogdet(x)[1]

    def cholesky_inverse(self, x, upper=False):
        x, d = _lin(x)
        chol = tf.linalg.adjoint(x) if upper else x
        eye = tf.eye(tf.shape(x)[-1], batch_shape=tf.shape(x)[:-2], dtype=x.dtype)
        return _back(tf.linalg.cholesky_solve(chol, eye), d)

    def norm(self, x, ord=None, axis=None, keepdims=False):
        x = as_float(x)
        if ord is None:
            return tf.sqrt(
                tf.reduce_sum(tf.square(tf.abs(x)), axis=norm_axis(axis), keepdims=keepdims)
            )
        return super().norm(x, ord=ord, axis=axis, keepdims=keepdims)
