"""Pure-Python string hashes that reproduce TensorFlow's bucketing bit for bit.

Keras 3 hashes strings with ``tf.strings.to_hash_bucket_fast`` (FarmHash
``Fingerprint64``, the ``farmhashna`` variant) and, when a salt is given, with
``tf.strings.to_hash_bucket_strong`` (keyed SipHash-2-4).  kerasx must produce the
same bins on every backend without importing TensorFlow, so both functions are
written here from the public algorithm descriptions, using Python integers masked
to 64 bits.  Inputs are short (tokens, categories), so plain Python is fast enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

_M = (1 << 64) - 1
# FarmHash's three 64-bit primes.
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _fetch64(b: bytes, i: int) -> int:
    return int.from_bytes(b[i : i + 8], "little")


def _fetch32(b: bytes, i: int) -> int:
    return int.from_bytes(b[i : i + 4], "little")


def _rot(v: int, s: int) -> int:
    # Right rotation; FarmHash never rotates by 0 on the paths used here except as a no-op.
    return v if s == 0 else ((v >> s) | (v << (64 - s))) & _M


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _mix16(u: int, v: int, mul: int) -> int:
    a = ((u ^ v) * mul) & _M
    a ^= a >> 47
    b = ((v ^ a) * mul) & _M
    b ^= b >> 47
    return (b * mul) & _M


def _len0to16(b: bytes, n: int) -> int:
    if n >= 8:
        mul = _K2 + n * 2
        a = (_fetch64(b, 0) + _K2) & _M
        c = _fetch64(b, n - 8)
        x = (_rot(c, 37) * mul + a) & _M
        y = ((_rot(a, 25) + c) * mul) & _M
        return _mix16(x, y, mul)
    if n >= 4:
        mul = _K2 + n * 2
        a = _fetch32(b, 0)
        return _mix16((n + (a << 3)) & _M, _fetch32(b, n - 4), mul)
    if n > 0:
        y = (b[0] + (b[n >> 1] << 8)) & 0xFFFFFFFF
        z = (n + (b[n - 1] << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _M) * _K2) & _M
    return _K2


def _len17to32(b: bytes, n: int) -> int:
    mul = _K2 + n * 2
    a = (_fetch64(b, 0) * _K1) & _M
    c1 = _fetch64(b, 8)
    c = (_fetch64(b, n - 8) * mul) & _M
    d = (_fetch64(b, n - 16) * _K2) & _M
    return _mix16(
        (_rot((a + c1) & _M, 43) + _rot(c, 30) + d) & _M,
        (a + _rot((c1 + _K2) & _M, 18) + c) & _M,
        mul,
    )


def _len33to64(b: bytes, n: int) -> int:
    mul = _K2 + n * 2
    a = (_fetch64(b, 0) * _K2) & _M
    c1 = _fetch64(b, 8)
    c = (_fetch64(b, n - 8) * mul) & _M
    d = (_fetch64(b, n - 16) * _K2) & _M
    y = (_rot((a + c1) & _M, 43) + _rot(c, 30) + d) & _M
    z = _mix16(y, (a + _rot((c1 + _K2) & _M, 18) + c) & _M, mul)
    e = (_fetch64(b, 16) * mul) & _M
    f = _fetch64(b, 24)
    g = ((y + _fetch64(b, n - 32)) * mul) & _M
    h = ((z + _fetch64(b, n - 24)) * mul) & _M
    return _mix16(
        (_rot((e + f) & _M, 43) + _rot(g, 30) + h) & _M,
        (e + _rot((f + a) & _M, 18) + g) & _M,
        mul,
    )


def _weak32(b: bytes, i: int, a: int, c: int) -> tuple[int, int]:
    w, x, y, z = _fetch64(b, i), _fetch64(b, i + 8), _fetch64(b, i + 16), _fetch64(b, i + 24)
    a = (a + w) & _M
    c = _rot((c + a + z) & _M, 21)
    keep = a
    a = (a + x + y) & _M
    c = (c + _rot(a, 44)) & _M
    return (a + z) & _M, (c + keep) & _M


def fingerprint64(data: bytes) -> int:
    """FarmHash ``Fingerprint64`` of ``data`` as an unsigned 64-bit Python int."""
    n = len(data)
    if n <= 16:
        return _len0to16(data, n)
    if n <= 32:
        return _len17to32(data, n)
    if n <= 64:
        return _len33to64(data, n)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _M
    z = (_shift_mix((y * _K2 + 113) & _M) * _K2) & _M
    v0 = v1 = w0 = w1 = 0
    x = (x * _K2 + _fetch64(data, 0)) & _M
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    s = 0
    while True:
        x = (_rot((x + y + v0 + _fetch64(data, s + 8)) & _M, 37) * _K1) & _M
        y = (_rot((y + v1 + _fetch64(data, s + 48)) & _M, 42) * _K1) & _M
        x ^= w1
        y = (y + v0 + _fetch64(data, s + 40)) & _M
        z = (_rot((z + w0) & _M, 33) * _K1) & _M
        v0, v1 = _weak32(data, s, (v1 * _K1) & _M, (x + w0) & _M)
        w0, w1 = _weak32(data, s + 32, (z + w1) & _M, (y + _fetch64(data, s + 16)) & _M)
        z, x = x, z
        s += 64
        if s == end:
            break
    mul = _K1 + ((z & 0xFF) << 1)
    s = last64
    w0 = (w0 + ((n - 1) & 63)) & _M
    v0 = (v0 + w0) & _M
    w0 = (w0 + v0) & _M
    x = (_rot((x + y + v0 + _fetch64(data, s + 8)) & _M, 37) * mul) & _M
    y = (_rot((y + v1 + _fetch64(data, s + 48)) & _M, 42) * mul) & _M
    x ^= (w1 * 9) & _M
    y = (y + v0 * 9 + _fetch64(data, s + 40)) & _M
    z = (_rot((z + w0) & _M, 33) * mul) & _M
    v0, v1 = _weak32(data, s, (v1 * mul) & _M, (x + w0) & _M)
    w0, w1 = _weak32(data, s + 32, (z + w1) & _M, (y + _fetch64(data, s + 16)) & _M)
    z, x = x, z
    return _mix16(
        (_mix16(v0, w0, mul) + _shift_mix(y) * _K0 + z) & _M,
        (_mix16(v1, w1, mul) + x) & _M,
        mul,
    )


def _rotl(v: int, s: int) -> int:
    return ((v << s) | (v >> (64 - s))) & _M


def siphash24(key: Sequence[int], data: bytes) -> int:
    """Keyed SipHash-2-4 with a key of two 64-bit words (TensorFlow's strong hash)."""
    k0, k1 = int(key[0]) & _M, int(key[1]) & _M
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rounds(count: int) -> None:
        nonlocal v0, v1, v2, v3
        for _ in range(count):
            v0 = (v0 + v1) & _M
            v1 = _rotl(v1, 13) ^ v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & _M
            v3 = _rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & _M
            v3 = _rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & _M
            v1 = _rotl(v1, 17) ^ v2
            v2 = _rotl(v2, 32)

    n = len(data)
    full = n - n % 8
    for i in range(0, full, 8):
        m = _fetch64(data, i)
        v3 ^= m
        rounds(2)
        v0 ^= m
    last = ((n & 0xFF) << 56) | int.from_bytes(data[full:], "little")
    v3 ^= last
    rounds(2)
    v0 ^= last
    v2 ^= 0xFF
    rounds(4)
    return v0 ^ v1 ^ v2 ^ v3


def to_bytes(value: Any, encoding: str = "utf-8") -> bytes:
    """The bytes TensorFlow would hash for one element (``tf.as_string`` for numbers)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode(encoding)
    if isinstance(value, (bool, np.bool_)):
        return b"true" if value else b"false"
    if isinstance(value, (float, np.floating)):
        # Keras truncates floats to int64 before hashing.
        return str(int(value)).encode()
    return str(int(value)).encode()


def hash_buckets(
    values: Iterable[Any], num_buckets: int, key: Sequence[int] | None = None
) -> list[int]:
    """Bucket each value like ``to_hash_bucket_fast`` (or ``_strong`` with ``key``)."""
    if key is None:
        return [fingerprint64(to_bytes(v)) % num_buckets for v in values]
    return [siphash24(key, to_bytes(v)) % num_buckets for v in values]
