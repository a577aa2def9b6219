"""``kerasx.random``: seeded random tensors from one portable counter-based generator.

The raw bits come from ``Backend.random_bits`` (integer hashing written with protocol
ops), so a given integer seed gives the same bits on every backend, eagerly and in
compiled code.  Pass an int for a stateless draw, a :class:`SeedGenerator` for a
sequence of draws, or ``None`` for the global generator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import _backend
from kerasx.backends.common import dtypes as _dt
from kerasx.random.seed_generator import SeedGenerator, draw_seed
from kerasx.saving.registry import keras_export

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]


def _shape(shape: Sequence[int] | int) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, int) else tuple(int(d) for d in shape)


@keras_export("keras.random.normal")
def normal(
    shape: Sequence[int],
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: str | None = None,
    seed: Any = None,
) -> Any:
    """Normally distributed values."""
    return _backend.B.random_normal(
        _shape(shape), draw_seed(seed), mean, stddev, _dt.standardize_dtype(dtype)
    )


@keras_export("keras.random.uniform")
def uniform(
    shape: Sequence[int],
    minval: float = 0.0,
    maxval: float = 1.0,
    dtype: str | None = None,
    seed: Any = None,
) -> Any:
    """Uniform values in ``[minval, maxval)``."""
    dtype = _dt.standardize_dtype(dtype)
    if not _dt.is_float(dtype):
        raise ValueError(
            f"`keras.random.uniform` requires a floating point `dtype`. Received: dtype={dtype}"
        )
    return _backend.B.random_uniform(_shape(shape), draw_seed(seed), minval, maxval, dtype)


@keras_export("keras.random.truncated_normal")
def truncated_normal(
    shape: Sequence[int],
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: str | None = None,
    seed: Any = None,
) -> Any:
    """Normal values redrawn when more than two standard deviations from the mean.

    Computed by inverse-CDF sampling of the truncated distribution (one draw per value).
    """
    B = _backend.B
    dtype = _dt.standardize_dtype(dtype)
    u = B.random_uniform(_shape(shape), draw_seed(seed), 0.0, 1.0, "float32")
    lo, hi = B.erf(-2.0 / 2**0.5), B.erf(2.0 / 2**0.5)
    p = B.add(lo, B.multiply(u, B.subtract(hi, lo)))
    z = B.multiply(2**0.5, B.erfinv(B.clip(p, -0.9999999, 0.9999999)))
    return B.cast(B.add(B.multiply(B.clip(z, -2.0, 2.0), stddev), mean), dtype)


@keras_export("keras.random.randint")
def randint(
    shape: Sequence[int], minval: int, maxval: int, dtype: str = "int32", seed: Any = None
) -> Any:
    """Uniform integers in ``[minval, maxval)``."""
    B = _backend.B
    u = B.random_uniform(_shape(shape), draw_seed(seed), 0.0, 1.0, "float32")
    r = B.floor(B.add(B.multiply(u, float(maxval - minval)), float(minval)))
    return B.cast(B.clip(r, minval, maxval - 1), _dt.standardize_dtype(dtype))


@keras_export("keras.random.dropout")
def dropout(
    inputs: Any, rate: float, noise_shape: Sequence[int] | None = None, seed: Any = None
) -> Any:
    """Zero each element with probability ``rate``; scale the rest by ``1 / (1 - rate)``."""
    B = _backend.B
    x = B.convert_to_tensor(inputs)
    if rate <= 0:
        return x
    full = B.dynamic_shape(x)
    shape = (
        full
        if noise_shape is None
        else tuple(d if d is not None else s for d, s in zip(noise_shape, full))
    )
    keep = B.greater_equal(B.random_uniform(shape, draw_seed(seed), 0.0, 1.0, "float32"), rate)
    scaled = B.divide(x, B.convert_to_tensor(1.0 - rate, B.dtype(x)))
    return B.where(keep, scaled, B.zeros_like(x))


@keras_export("keras.random.shuffle")
def shuffle(x: Any, axis: int = 0, seed: Any = None) -> Any:
    """Randomly permute ``x`` along ``axis``."""
    B = _backend.B
    x = B.convert_to_tensor(x)
    n = B.shape(x)[axis]
    keys = B.random_uniform((n,), draw_seed(seed), 0.0, 1.0, "float32")
    return B.take(x, B.argsort(keys), axis=axis)


@keras_export("keras.random.categorical")
def categorical(logits: Any, num_samples: int, dtype: str = "int32", seed: Any = None) -> Any:
    """Draw class indices from unnormalised log-probabilities (Gumbel-max trick)."""
    B = _backend.B
    logits = B._float(logits)
    batch, classes = B.shape(logits)
    u = B.random_uniform((batch, num_samples, classes), draw_seed(seed), 1e-7, 1.0, "float32")
    gumbel = B.negative(B.log(B.negative(B.log(u))))
    scores = B.add(B.expand_dims(B.cast(logits, "float32"), 1), gumbel)
    return B.cast(B.argmax(scores, axis=-1), _dt.standardize_dtype(dtype))


@keras_export("keras.random.gamma")
def gamma(shape: Sequence[int], alpha: float, dtype: str | None = None, seed: Any = None) -> Any:
    """Gamma(alpha, 1) values (Marsaglia-Tsang with a fixed number of proposals)."""
    B = _backend.B
    dtype = _dt.standardize_dtype(dtype)
    shape = _shape(shape)
    boost = alpha < 1.0
    a = alpha + 1.0 if boost else alpha
    d = a - 1.0 / 3.0
    c = 1.0 / (9.0 * d) ** 0.5
    base = draw_seed(seed)
    result = B.zeros(shape, "float32")
    done = B.zeros(shape, "bool")
    for i in range(8):
        z = B.random_normal(shape, _mix_seed(base, 2 * i), 0.0, 1.0, "float32")
        u = B.random_uniform(shape, _mix_seed(base, 2 * i + 1), 1e-7, 1.0, "float32")
        v = B.power(B.add(1.0, B.multiply(c, z)), 3)
        ok = B.logical_and(
            B.greater(v, 0),
            B.less(
                B.log(u),
                B.add(
                    B.multiply(0.5, B.square(z)),
                    B.multiply(d, B.subtract(B.subtract(1.0, v), B.log(B.maximum(v, 1e-30)))),
                ),
            ),
        )
        accept = B.logical_and(ok, B.logical_not(done))
        result = B.where(accept, B.multiply(d, v), result)
        done = B.logical_or(done, ok)
    result = B.where(done, result, d)
    if boost:
        u = B.random_uniform(shape, _mix_seed(base, 99), 1e-7, 1.0, "float32")
        result = B.multiply(result, B.power(u, 1.0 / alpha))
    return B.cast(result, dtype)


@keras_export("keras.random.beta")
def beta(
    shape: Sequence[int], alpha: float, beta: float, dtype: str | None = None, seed: Any = None
) -> Any:
    """Beta(alpha, beta) values as a ratio of gamma draws."""
    base = draw_seed(seed)
    x = gamma(shape, alpha, "float32", _mix_seed(base, 1000))
    y = gamma(shape, beta, "float32", _mix_seed(base, 2000))
    B = _backend.B
    return B.cast(B.divide(x, B.add(x, y)), _dt.standardize_dtype(dtype))


@keras_export("keras.random.binomial")
def binomial(
    shape: Sequence[int],
    counts: Any,
    probabilities: Any,
    dtype: str | None = None,
    seed: Any = None,
) -> Any:
    """Binomial counts as a sum of Bernoulli trials (``counts`` must be a Python int)."""
    B = _backend.B
    base = draw_seed(seed)
    n = int(counts)
    total = B.zeros(_shape(shape), "float32")
    for i in range(n):
        u = B.random_uniform(_shape(shape), _mix_seed(base, i), 0.0, 1.0, "float32")
        total = B.add(total, B.cast(B.less(u, probabilities), "float32"))
    return B.cast(total, _dt.standardize_dtype(dtype))


def _mix_seed(seed: Any, k: int) -> Any:
    """A derived seed for the k-th sub-draw of one logical draw."""
    B = _backend.B
    if isinstance(seed, int):
        return (seed * 1_000_003 + k) & 0x7FFFFFFFFFFF
    return B.add(B.cast(seed, "int32"), B.convert_to_tensor([k * 7919, k], dtype="int32"))
