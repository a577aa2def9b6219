"""Host-side random draws for initializers: the same values on every backend.

Initial weights are generated with the NumPy backend's portable generator (integer
hashing, see :mod:`kerasx.backends.common.portable_random`) and any further maths
(inverse-CDF for the truncated normal, QR for orthogonal matrices) is done in NumPy
float64 before one final cast.  So a seeded initializer gives bit-identical weights
whether the active backend is JAX, PyTorch, TensorFlow or NumPy, and a model built
after ``kerasx.utils.set_random_seed(n)`` starts from the same weights everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kerasx.backends.common import dtypes as _dt

# Inverse normal CDF (Acklam's rational approximation, relative error < 1.2e-9,
# far below float32 resolution).  Coefficients from the published algorithm.
_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_P_LOW = 0.02425


def _numpy_backend() -> Any:
    from kerasx.backends import load

    return load("numpy")


def _shape(shape: Sequence[int] | int) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, int) else tuple(int(d) for d in shape)


def float_dtype(dtype: Any, what: str) -> str:
    """The standardized float dtype, or ValueError for integer/bool dtypes."""
    dtype = _dt.standardize_dtype(dtype)
    if not _dt.is_float(dtype):
        raise ValueError(f"{what} only supports floating point dtypes. Received: dtype={dtype}")
    return dtype


def host_seed(seed: Any) -> Any:
    """A seed the NumPy generator understands: an int, or an int32 array of shape (2,)."""
    if isinstance(seed, (int, np.integer)):
        return int(seed)
    return np.asarray(seed).astype("int32").reshape(2)


def uniform(
    shape: Sequence[int], seed: Any, minval: float = 0.0, maxval: float = 1.0
) -> np.ndarray:
    """float32 NumPy array uniform in ``[minval, maxval)``."""
    NP = _numpy_backend()
    out = NP.random_uniform(_shape(shape), host_seed(seed), minval, maxval, "float32")
    return np.asarray(NP.convert_to_numpy(out), dtype="float32")


def normal(shape: Sequence[int], seed: Any, mean: float = 0.0, stddev: float = 1.0) -> np.ndarray:
    """float32 NumPy array of normal values."""
    NP = _numpy_backend()
    out = NP.random_normal(_shape(shape), host_seed(seed), mean, stddev, "float32")
    return np.asarray(NP.convert_to_numpy(out), dtype="float32")


def _phi(z: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def ndtri(p: np.ndarray) -> np.ndarray:
    """Inverse standard normal CDF of float64 probabilities in (0, 1)."""
    p = np.asarray(p, dtype="float64")
    out = np.empty_like(p)
    low = p < _P_LOW
    high = p > 1.0 - _P_LOW
    mid = ~(low | high)
    q = p[mid] - 0.5
    r = q * q
    num = ((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]
    den = ((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0
    out[mid] = q * num / den
    for mask, sign, tail in ((low, 1.0, p[low]), (high, -1.0, 1.0 - p[high])):
        q = np.sqrt(-2.0 * np.log(tail))
        num = ((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]
        den = (((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0
        out[mask] = sign * num / den
    return out


def truncated_normal(
    shape: Sequence[int], seed: Any, mean: float = 0.0, stddev: float = 1.0
) -> np.ndarray:
    """Normal values restricted to two standard deviations around the mean.

    One uniform draw per value, mapped through the inverse CDF of the truncated
    distribution (no rejection loop, so the cost and the values are fixed).
    """
    u = uniform(shape, seed).astype("float64")
    lo, hi = _phi(-2.0), _phi(2.0)
    p = np.clip(lo + u * (hi - lo), 1e-300, 1.0 - 1e-16)
    z = np.clip(ndtri(p), -2.0, 2.0)
    return (z * stddev + mean).astype("float32")


def orthogonal(shape: Sequence[int], seed: Any, gain: float = 1.0) -> np.ndarray:
    """A (semi-)orthogonal matrix reshaped to ``shape`` (rows = all leading dims)."""
    shape = _shape(shape)
    rows = math.prod(shape[:-1])
    cols = shape[-1]
    a = normal((max(rows, cols), min(rows, cols)), seed).astype("float64")
    q, r = np.linalg.qr(a)
    signs = np.sign(np.diag(r))
    q = q * np.where(signs == 0, 1.0, signs)
    if rows < cols:
        q = q.T
    return (gain * q.reshape(shape)).astype("float32")
