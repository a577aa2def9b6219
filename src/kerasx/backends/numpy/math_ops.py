"""Special functions, top-k and linear algebra of the NumPy backend.

SciPy is not a dependency: ``erf`` uses a rational approximation for float32 and
lower (about 2 ulp in float32) and, for float64, the positive series
``erf(x) = 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (2n+1)!!`` for |x| <= 2.5 and the
Laplace continued fraction of ``erfc`` beyond (~1e-15 relative).  ``erfinv`` refines
Giles' single-precision approximation with Newton steps on the float64 ``erf``.
"""

from __future__ import annotations

import math

import numpy as np

from kerasx.backends.numpy import _utils as U

ND = np.ndarray
to_tensor = U.to_tensor
F32, F64 = U.FLOAT32, U.FLOAT64

# Rational minimax fit of erf on [-4, 4] (the one used by Eigen/XLA for float32).
_ERF_P = (
    -2.72614225801306e-10,
    2.77068142495902e-08,
    -2.10102402082508e-06,
    -5.69250639462346e-05,
    -7.34990630326855e-04,
    -2.95459980854025e-03,
    -1.60960333262415e-02,
)
_ERF_Q = (
    -1.45660718464996e-05,
    -2.13374055278905e-04,
    -1.68282697438203e-03,
    -7.37332916720468e-03,
    -1.42647390514189e-02,
)
# M. Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011).
_GILES_CENTRAL = (
    2.81022636e-08,
    3.43273939e-07,
    -3.5233877e-06,
    -4.39150654e-06,
    0.00021858087,
    -0.00125372503,
    -0.00417768164,
    0.246640727,
    1.50140941,
)
_GILES_TAIL = (
    -0.000200214257,
    0.000100950558,
    0.00134934322,
    -0.00367342844,
    0.00573950773,
    -0.0076224613,
    0.00943887047,
    1.00167406,
    2.83297682,
)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)


def _horner(coeffs, x):
    acc = np.full_like(x, coeffs[0])
    for c in coeffs[1:]:
        acc *= x
        acc += c
    return acc


def _erf_fast(x: np.ndarray) -> np.ndarray:
    """erf in float64 arithmetic from the float32-accurate rational fit."""
    x = np.clip(x, -4.0, 4.0)
    x2 = x * x
    return x * _horner(_ERF_P, x2) / _horner(_ERF_Q, x2)


def _erf_erfc_precise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(erf, erfc) of a float64 array to ~1e-15 relative accuracy."""
    a = np.abs(x)
    erf_abs = np.empty_like(a)
    erfc_abs = np.empty_like(a)
    small = a <= 2.5
    if small.any():
        s_in = a[small]
        x2 = s_in * s_in
        term = s_in.copy()
        total = s_in.copy()
        two_x2 = 2.0 * x2
        for n in range(1, 120):
            term *= two_x2 / (2 * n + 1)
            total += term
            if n > 8 and not np.any(term > 1e-17 * total):
                break
        e = _TWO_OVER_SQRT_PI * np.exp(-x2) * total
        erf_abs[small] = e
        erfc_abs[small] = 1.0 - e
    large = ~small
    if large.any():
        l_in = a[large]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            k = l_in.copy()
            for n in range(60, 0, -1):
                k = l_in + (0.5 * n) / k
            c = np.exp(-l_in * l_in) * _INV_SQRT_PI / k
        c = np.where(np.isinf(l_in), 0.0, c)
        erfc_abs[large] = c
        erf_abs[large] = 1.0 - c
    neg = x < 0
    erf = np.where(neg, -erf_abs, erf_abs)
    erfc = np.where(neg, 2.0 - erfc_abs, erfc_abs)
    nan = np.isnan(x)
    if nan.any():
        erf = np.where(nan, np.nan, erf)
        erfc = np.where(nan, np.nan, erfc)
    return erf, erfc


def _linalg_in(x) -> tuple[np.ndarray, np.dtype]:
    """(array to decompose, dtype of the result): ints -> floatx, half -> float32 work."""
    x = U.float_tensor(x)
    d = x.dtype
    if d == np.float16 or d == U.BF16:
        return x.astype(F32), d
    return x, d


def _out(r, d):
    return U.as_array(r).astype(d, copy=False)


class MathMixin:
    """math, linalg and image (defaults) ops."""

    # -------------------------------------------------------------- math
    def erf(self, x):
        x = U.float_tensor(x)
        d = x.dtype
        if d == F64:
            return _erf_erfc_precise(x)[0]
        if d.kind == "c":
            raise TypeError("erf is not defined for complex inputs on the NumPy backend.")
        return np.asarray(_erf_fast(x.astype(F64)), dtype=d)

    def erfc(self, x):
        x = U.float_tensor(x)
        return np.asarray(_erf_erfc_precise(x.astype(F64))[1], dtype=x.dtype)

    def erfinv(self, x):
        x = U.float_tensor(x)
        d = x.dtype
        y = x.astype(F64)
        with np.errstate(divide="ignore", invalid="ignore"):
            w = -np.log((1.0 - y) * (1.0 + y))
            central = _horner(_GILES_CENTRAL, w - 2.5)
            tail = _horner(_GILES_TAIL, np.sqrt(w) - 3.0)
            z = np.where(w < 5.0, central, tail) * y
        a = np.abs(y)
        ok = a < 1.0
        if ok.any():
            zi, yi = z[ok], y[ok]
            for _ in range(2):  # Newton on erf(z) = y; quadratic convergence.
                zi = zi - (_erf_erfc_precise(zi)[0] - yi) / (_TWO_OVER_SQRT_PI * np.exp(-zi * zi))
            z[ok] = zi
        z = np.where(a == 1.0, np.copysign(np.inf, y), z)
        z = np.where((a > 1.0) | np.isnan(y), np.nan, z)
        return np.asarray(z, dtype=d)

    def rsqrt(self, x):
        x = U.float_tensor(x)
        return np.reciprocal(np.sqrt(x, out=...), out=...)

    def logsumexp(self, x, axis=None, keepdims=False):
        x = U.float_tensor(x)
        axis = U.norm_axis(axis)
        if x.size == 0:
            return U.as_array(np.log(np.add.reduce(np.exp(x), axis=axis, keepdims=keepdims)))
        m = np.maximum.reduce(x, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, np.zeros((), m.dtype))
        with np.errstate(divide="ignore"):
            s = np.log(np.add.reduce(np.exp(x - m), axis=axis, keepdims=True))
        out = s + m
        if not keepdims:
            out = np.squeeze(out, axis=tuple(range(x.ndim)) if axis is None else axis)
        return U.as_array(out)

    def top_k(self, x, k, sorted=True):
        x = to_tensor(x)
        k = int(k)
        n = x.shape[-1]
        # Stable descending order with ties broken by the lower index (as TF/JAX):
        # stable-argsort the reversed row ascending, then read it backwards.
        rev = x[..., ::-1]
        order = np.argsort(rev, axis=-1, kind="stable")[..., ::-1][..., :k]
        idx = (n - 1) - order
        vals = np.take_along_axis(x, idx, axis=-1)
        return vals, idx.astype(U.INT32)

    # ------------------------------------------------------------- linalg
    def inv(self, x):
        a, d = _linalg_in(x)
        return _out(np.linalg.inv(a), d)

    def solve(self, a, b):
        a_, d1 = _linalg_in(a)
        b_, d2 = _linalg_in(b)
        d = U.result_of(np.empty((), d1), np.empty((), d2))
        work = F32 if (d == np.float16 or d == U.BF16) else d
        return _out(np.linalg.solve(a_.astype(work, copy=False), b_.astype(work, copy=False)), d)

    def solve_triangular(self, a, b, lower=False):
        a_, d1 = _linalg_in(a)
        b_, d2 = _linalg_in(b)
        d = U.result_of(np.empty((), d1), np.empty((), d2))
        work = F32 if (d == np.float16 or d == U.BF16) else d
        tri = np.tril(a_) if lower else np.triu(a_)
        # scipy-style vectors: b of rank 1, or of rank a.ndim - 1 in batches.
        vec = b_.ndim == 1 or (b_.ndim == a_.ndim - 1 and b_.ndim > 1)
        bb = b_[..., None] if vec else b_
        out = np.linalg.solve(tri.astype(work, copy=False), bb.astype(work, copy=False))
        return _out(out[..., 0] if vec else out, d)

    def cholesky(self, x, upper=False):
        a, d = _linalg_in(x)
        low = np.linalg.cholesky(a)
        out = np.swapaxes(low, -1, -2).conj() if upper else low
        return _out(out, d)

    def qr(self, x, mode="reduced"):
        if mode not in ("reduced", "complete"):
            raise ValueError(
                f"`mode` argument value not supported. Expected one of {{'reduced', 'complete'}}. Received: mode={mode}"
            )
        a, d = _linalg_in(x)
        q, r = np.linalg.qr(a, mode=mode)
        return _out(q, d), _out(r, d)

    def svd(self, x, full_matrices=True, compute_uv=True):
        a, d = _linalg_in(x)
        if not compute_uv:
            return _out(np.linalg.svd(a, compute_uv=False), d)
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        return _out(u, d), _out(s, d), _out(vh, d)

    def eigh(self, x):
        a, d = _linalg_in(x)
        w, v = np.linalg.eigh(a)
        return _out(w, d), _out(v, d)

    def slogdet(self, x):
        a, d = _linalg_in(x)
        sign, logabs = np.linalg.slogdet(a)
        return _out(sign, d), _out(logabs, d)

    def det(self, x):
        a, d = _linalg_in(x)
        return _out(np.linalg.det(a), d)

    def logdet(self, x):
        return self.slogdet(x)[1]

    def norm(self, x, ord=None, axis=None, keepdims=False):
        a, d = _linalg_in(x)
        if isinstance(axis, (list, tuple)):
            axis = tuple(int(i) for i in axis)
            if len(axis) == 1:
                axis = axis[0]
        if axis is None and ord is None:
            out = np.sqrt(np.add.reduce(np.square(np.abs(a)), axis=None, keepdims=keepdims))
            return _out(out, d)
        if axis is None and a.ndim > 2:
            return super().norm(x, ord=ord, axis=axis, keepdims=keepdims)
        if isinstance(axis, tuple) and len(axis) > 2:
            if ord is None:
                out = np.sqrt(np.add.reduce(np.square(np.abs(a)), axis=axis, keepdims=keepdims))
                return _out(out, d)
            return super().norm(x, ord=ord, axis=axis, keepdims=keepdims)
        if ord == "f":
            ord = "fro"
        return _out(np.linalg.norm(a, ord=ord, axis=axis, keepdims=keepdims), d)
