"""A counter-based random generator written only with int32 tensor ops.

Every backend runs the same integer arithmetic (wrapping int32 multiply, xor, logical
shifts), so a given ``(seed, shape)`` yields bit-identical raw bits on JAX, PyTorch,
TensorFlow and NumPy, eagerly and inside compiled functions alike.  The mixer is a
two-round 32-bit avalanche hash (the "lowbias32" constants) applied to
``counter ^ hash(seed)``; it is stateless, so a draw depends only on its seed, which is
what makes dropout masks reproducible and compiled steps pure.
"""

from __future__ import annotations

import functools
import math
import operator
from typing import Any

_M1 = 0x7FEB352D  # 2146121005
_M2 = 0x846CA68B - (1 << 32)  # same low 32 bits, as a signed int32
_GOLDEN = 0x9E3779B9 - (1 << 32)


def _srl(b: Any, x: Any, k: int) -> Any:
    """Logical right shift of int32 bits (arithmetic shift, then mask off the sign)."""
    return b.bitwise_and(b.bitwise_right_shift(x, k), (1 << (32 - k)) - 1)


def _mix(b: Any, x: Any) -> Any:
    x = b.bitwise_xor(x, _srl(b, x, 16))
    x = b.multiply(x, b.convert_to_tensor(_M1, "int32"))
    x = b.bitwise_xor(x, _srl(b, x, 15))
    x = b.multiply(x, b.convert_to_tensor(_M2, "int32"))
    return b.bitwise_xor(x, _srl(b, x, 16))


def seed_words(b: Any, seed: Any) -> tuple[Any, Any]:
    """Split a seed (Python int or int tensor of shape (2,)) into two int32 scalars."""
    if isinstance(seed, int):
        lo = seed & 0xFFFFFFFF
        hi = (seed >> 32) & 0xFFFFFFFF
        lo = lo - (1 << 32) if lo >= (1 << 31) else lo
        hi = hi - (1 << 32) if hi >= (1 << 31) else hi
        return b.convert_to_tensor(lo, "int32"), b.convert_to_tensor(hi, "int32")
    seed = b.cast(seed, "int32")
    return b.get_item(seed, 0), b.get_item(seed, 1)


def random_bits(b: Any, shape: tuple[Any, ...], seed: Any, stream: int = 0) -> Any:
    """int32 tensor of ``shape`` with 32 pseudo-random bits per element."""
    s0, s1 = seed_words(b, seed)
    key = _mix(b, b.add(b.bitwise_xor(s0, _GOLDEN), b.multiply(s1, _M1)))
    key = _mix(b, b.bitwise_xor(key, stream * 0x27D4EB2F & 0x7FFFFFFF))
    n = functools.reduce(operator.mul, shape, 1)  # dims may be traced scalars (tf.function)
    counter = b.arange(n, dtype="int32")
    bits = _mix(b, _mix(b, b.bitwise_xor(counter, key)))
    bits = b.bitwise_xor(bits, s1)
    return b.reshape(_mix(b, bits), tuple(shape))


def uniform01(b: Any, shape: tuple[int, ...], seed: Any, dtype: str, stream: int = 0) -> Any:
    """Floats in [0, 1) with 24 random bits each (exact in float32)."""
    bits = _srl(b, random_bits(b, shape, seed, stream), 8)
    u = b.multiply(b.cast(bits, "float32"), b.convert_to_tensor(2.0**-24, "float32"))
    return b.cast(u, dtype)


def standard_normal(b: Any, shape: tuple[int, ...], seed: Any, dtype: str) -> Any:
    """Box-Muller transform of two independent uniform streams."""
    u1 = b.subtract(1.0, uniform01(b, shape, seed, "float32", stream=1))  # (0, 1]
    u2 = uniform01(b, shape, seed, "float32", stream=2)
    r = b.sqrt(b.multiply(-2.0, b.log(u1)))
    z = b.multiply(r, b.cos(b.multiply(2.0 * math.pi, u2)))
    return b.cast(z, dtype)
