"""Independent NumPy references for the non-trivial ops (float64 maths).

Convolutions and pooling are direct loops over kernel offsets; padding follows
TensorFlow's ``"same"`` rule (output ``ceil(n / stride)``, extra pad element after) and
Keras' transposed-convolution output length rule.  Nothing here imports kerasx.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

_erf = np.vectorize(math.erf, otypes=[np.float64])


def erf(x: Any) -> np.ndarray:
    return _erf(np.asarray(x, np.float64))


def erfinv(y: Any) -> np.ndarray:
    """Inverse error function by Newton iterations on ``math.erf``."""
    y = np.asarray(y, np.float64)
    x = np.zeros_like(y)
    for _ in range(60):
        x = x - (erf(x) - y) / (2.0 / math.sqrt(math.pi) * np.exp(-x * x))
    return x


def sigmoid(x: Any) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


def softplus(x: Any) -> np.ndarray:
    x = np.asarray(x, np.float64)
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def softmax(x: Any, axis: Any = -1) -> np.ndarray:
    x = np.asarray(x, np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: Any = -1) -> np.ndarray:
    x = np.asarray(x, np.float64)
    s = x - np.max(x, axis=axis, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    x = np.asarray(x, np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def gelu(x: Any, approximate: bool = True) -> np.ndarray:
    x = np.asarray(x, np.float64)
    if approximate:
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def elu(x: Any, alpha: float = 1.0) -> np.ndarray:
    x = np.asarray(x, np.float64)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def sparsemax(x: Any, axis: int = -1) -> np.ndarray:
    x = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    z = -np.sort(-x, axis=-1)
    k = np.arange(1, x.shape[-1] + 1)
    cs = np.cumsum(z, axis=-1)
    support = 1 + k * z > cs
    kz = support.sum(-1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, -1) - 1) / kz
    return np.moveaxis(np.maximum(x - tau, 0), -1, axis)


def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, np.float64)
    return np.mean(x, axis=axes, keepdims=keepdims), np.var(x, axis=axes, keepdims=keepdims)


def binary_crossentropy(t: Any, o: Any, from_logits: bool = False, eps: float = 1e-7) -> np.ndarray:
    t, o = np.asarray(t, np.float64), np.asarray(o, np.float64)
    if from_logits:
        o = sigmoid(o)
    o = np.clip(o, eps, 1 - eps)
    return -(t * np.log(o) + (1 - t) * np.log(1 - o))


def categorical_crossentropy(
    t: Any, o: Any, from_logits: bool = False, axis: int = -1, eps: float = 1e-7
) -> np.ndarray:
    t, o = np.asarray(t, np.float64), np.asarray(o, np.float64)
    if from_logits:
        logp = log_softmax(o, axis)
    else:
        logp = np.log(np.clip(o / o.sum(axis=axis, keepdims=True), eps, 1 - eps))
    return -np.sum(t * logp, axis=axis)


def sparse_categorical_crossentropy(
    t: Any, o: Any, from_logits: bool = False, axis: int = -1
) -> np.ndarray:
    t = np.asarray(t).astype(np.int64)
    o = np.asarray(o, np.float64)
    onehot = np.moveaxis(np.eye(o.shape[axis])[t], -1, axis)
    return categorical_crossentropy(onehot, o, from_logits, axis)


def attention(
    q: Any,
    k: Any,
    v: Any,
    bias: Any = None,
    mask: Any = None,
    scale: float | None = None,
    is_causal: bool = False,
) -> np.ndarray:
    """(B, T, N, H) scaled dot-product attention."""
    q, k, v = (np.asarray(t, np.float64) for t in (q, k, v))
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + np.asarray(bias, np.float64)
    allowed = np.ones(logits.shape, bool)
    if mask is not None:
        allowed &= np.broadcast_to(np.asarray(mask, bool), logits.shape)
    if is_causal:
        t, s = logits.shape[-2:]
        allowed &= np.tril(np.ones((t, s), bool))
    logits = np.where(allowed, logits, -1e30)
    return np.einsum("bnts,bsnh->btnh", softmax(logits, -1), v)


# ------------------------------------------------------- convolution helpers
def _tuple(v: Any, n: int) -> tuple[int, ...]:
    return (v,) * n if isinstance(v, int) else tuple(v)


def _same_pads(n: int, k: int, s: int, dil: int) -> tuple[int, int]:
    dk = (k - 1) * dil + 1
    out = -(-n // s)
    total = max((out - 1) * s + dk - n, 0)
    return total // 2, total - total // 2


def _pads(spatial: Any, ks: Any, strides: Any, dil: Any, padding: str) -> list[tuple[int, int]]:
    if padding == "valid":
        return [(0, 0)] * len(spatial)
    if padding == "causal":
        return [((k - 1) * r, 0) for k, r in zip(ks, dil)]
    return [_same_pads(n, k, s, r) for n, k, s, r in zip(spatial, ks, strides, dil)]


def _to_last(x: np.ndarray, data_format: str | None) -> np.ndarray:
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def _from_last(x: np.ndarray, data_format: str | None) -> np.ndarray:
    return np.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def _windows(
    xp: np.ndarray,
    offset: tuple[int, ...],
    dil: tuple[int, ...],
    strides: tuple[int, ...],
    out: tuple[int, ...],
) -> np.ndarray:
    """xp[:, o*s + j*dil, ..., :] for all output positions o, at kernel offset j."""
    sl = [slice(None)]
    for j, r, s, o in zip(offset, dil, strides, out):
        start = j * r
        sl.append(slice(start, start + (o - 1) * s + 1, s))
    sl.append(slice(None))
    return xp[tuple(sl)]


def _prepare(
    x: Any,
    ks: tuple[int, ...],
    strides: Any,
    padding: str,
    data_format: str | None,
    dil: Any,
    pad_value: float = 0.0,
):
    x = _to_last(np.asarray(x, np.float64), data_format)
    nd = x.ndim - 2
    strides, dil = _tuple(strides, nd), _tuple(dil, nd)
    pads = _pads(x.shape[1:-1], ks, strides, dil, padding)
    xp = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=pad_value)
    out = tuple((xp.shape[1 + i] - ((ks[i] - 1) * dil[i] + 1)) // strides[i] + 1 for i in range(nd))
    return x, xp, strides, dil, pads, out


def conv(
    x: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> np.ndarray:
    k = np.asarray(kernel, np.float64)
    nd = k.ndim - 2
    ks = k.shape[:nd]
    x, xp, strides, dil, _, out = _prepare(x, ks, strides, padding, data_format, dilation_rate)
    cin, cout = x.shape[-1], k.shape[-1]
    groups = cin // k.shape[-2]
    cg, og = cin // groups, cout // groups
    res = np.zeros((x.shape[0], *out, cout))
    for off in itertools.product(*(range(n) for n in ks)):
        w = _windows(xp, off, dil, strides, out)
        for g in range(groups):
            res[..., g * og : (g + 1) * og] += (
                w[..., g * cg : (g + 1) * cg] @ k[off][:, g * og : (g + 1) * og]
            )
    return _from_last(res, data_format)


def depthwise_conv(
    x: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> np.ndarray:
    k = np.asarray(kernel, np.float64)
    nd = k.ndim - 2
    ks = k.shape[:nd]
    x, xp, strides, dil, _, out = _prepare(x, ks, strides, padding, data_format, dilation_rate)
    c, m = k.shape[-2:]
    res = np.zeros((x.shape[0], *out, c, m))
    for off in itertools.product(*(range(n) for n in ks)):
        w = _windows(xp, off, dil, strides, out)
        res += w[..., :, None] * k[off]
    return _from_last(res.reshape(*res.shape[:-2], c * m), data_format)


def separable_conv(
    x: Any,
    dk: Any,
    pk: Any,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> np.ndarray:
    y = depthwise_conv(x, dk, strides, padding, data_format, dilation_rate)
    return conv(y, pk, 1, "valid", data_format)


def conv_transpose_length(
    n: int, k: int, padding: str, output_padding: int | None, s: int, dil: int
) -> int:
    dk = (k - 1) * dil + 1
    if output_padding is None:
        return n * s + max(dk - s, 0) if padding == "valid" else n * s
    pad = dk // 2 if padding == "same" else 0
    return (n - 1) * s + dk - 2 * pad + output_padding


def conv_transpose(
    x: Any,
    kernel: Any,
    strides: Any = 1,
    padding: str = "valid",
    output_padding: Any = None,
    data_format: str | None = None,
    dilation_rate: Any = 1,
) -> np.ndarray:
    """Scatter every input element times the kernel, then crop to Keras' length."""
    k = np.asarray(kernel, np.float64)  # (*ks, out, in)
    nd = k.ndim - 2
    ks = k.shape[:nd]
    x = _to_last(np.asarray(x, np.float64), data_format)
    strides, dil = _tuple(strides, nd), _tuple(dilation_rate, nd)
    ops_ = (None,) * nd if output_padding is None else _tuple(output_padding, nd)
    n = x.shape[1:-1]
    full = [(n[i] - 1) * strides[i] + (ks[i] - 1) * dil[i] + 1 for i in range(nd)]
    buf = np.zeros((x.shape[0], *full, k.shape[-2]))
    for off in itertools.product(*(range(m) for m in ks)):
        contrib = x @ k[off].T  # (N, *n, out)
        sl = [slice(None)]
        for i in range(nd):
            start = off[i] * dil[i]
            sl.append(slice(start, start + (n[i] - 1) * strides[i] + 1, strides[i]))
        sl.append(slice(None))
        buf[tuple(sl)] += contrib
    res = buf
    for i in range(nd):
        dk = (ks[i] - 1) * dil[i] + 1
        length = conv_transpose_length(n[i], ks[i], padding, ops_[i], strides[i], dil[i])
        # TensorFlow's rule: the forward "same" convolution that maps the output back
        # to the input pads max((n - 1) * s + dk - out, 0) in total, half before.
        crop = 0 if padding == "valid" else max((n[i] - 1) * strides[i] + dk - length, 0) // 2
        ax = 1 + i
        res = np.take(res, np.arange(crop, min(crop + length, res.shape[ax])), axis=ax)
        short = length - res.shape[ax]
        if short > 0:
            pad = [(0, 0)] * res.ndim
            pad[ax] = (0, short)
            res = np.pad(res, pad)
    return _from_last(res, data_format)


def _pool(
    x: Any, pool_size: Any, strides: Any, padding: str, data_format: str | None, kind: str
) -> np.ndarray:
    x0 = np.asarray(x, np.float64)
    nd = x0.ndim - 2
    ps = _tuple(pool_size, nd)
    strides = ps if strides is None else _tuple(strides, nd)
    fill = -np.inf if kind == "max" else 0.0
    x, xp, strides, dil, pads, out = _prepare(x0, ps, strides, padding, data_format, 1, fill)
    ones = np.pad(np.ones_like(x[..., :1]), [(0, 0), *pads, (0, 0)])
    acc = np.full((x.shape[0], *out, x.shape[-1]), fill)
    cnt = np.zeros((x.shape[0], *out, 1))
    for off in itertools.product(*(range(n) for n in ps)):
        w = _windows(xp, off, dil, strides, out)
        acc = np.maximum(acc, w) if kind == "max" else acc + w
        cnt += _windows(ones, off, dil, strides, out)
    return _from_last(acc if kind == "max" else acc / cnt, data_format)


def max_pool(
    x: Any,
    pool_size: Any,
    strides: Any = None,
    padding: str = "valid",
    data_format: str | None = None,
) -> np.ndarray:
    return _pool(x, pool_size, strides, padding, data_format, "max")


def average_pool(
    x: Any,
    pool_size: Any,
    strides: Any = None,
    padding: str = "valid",
    data_format: str | None = None,
) -> np.ndarray:
    return _pool(x, pool_size, strides, padding, data_format, "avg")


# ------------------------------------------------------------------- image
def _resize_axis(x: np.ndarray, axis: int, new: int, method: str) -> np.ndarray:
    old = x.shape[axis]
    if old == new:
        return x
    scale = old / new
    i = np.arange(new)
    if method == "nearest":
        idx = np.clip(np.floor((i + 0.5) * scale).astype(int), 0, old - 1)
        return np.take(x, idx, axis=axis)
    c = (i + 0.5) * scale - 0.5
    lo = np.clip(np.floor(c).astype(int), 0, old - 1)
    hi = np.clip(lo + 1, 0, old - 1)
    frac = np.where(c < 0, 0.0, c - np.floor(c))
    shape = [1] * x.ndim
    shape[axis] = new
    frac = frac.reshape(shape)
    return np.take(x, lo, axis=axis) * (1 - frac) + np.take(x, hi, axis=axis) * frac


def resize(
    images: Any, size: Any, interpolation: str = "bilinear", data_format: str | None = None
) -> np.ndarray:
    """Half-pixel-centre resize (tf.image.resize without antialiasing)."""
    x = np.asarray(images, np.float64)
    batched = x.ndim == 4
    if not batched:
        x = x[None]
    x = _to_last(x, data_format)
    x = _resize_axis(x, 1, size[0], interpolation)
    x = _resize_axis(x, 2, size[1], interpolation)
    x = _from_last(x, data_format)
    return x if batched else x[0]
