"""Activations, convolutions, pooling, normalisation and attention of the NumPy backend.

Convolutions work channels-last internally.  A regular convolution is an im2col: a
strided window view (``sliding_window_view`` sliced by stride and dilation) contracted
with the kernel by one BLAS ``tensordot``; grouped convolutions batch that per group with
``matmul``.  Depthwise-like convolutions (one input channel per group) and pooling loop
over kernel offsets instead, accumulating strided slices, which avoids the im2col copy.
A transposed convolution is the forward convolution of the stride-dilated, padded
input with the spatially flipped kernel (``common.conv_utils.conv_transpose_padding``).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kerasx.backends.common import conv_utils as CU
from kerasx.backends.common import settings as _settings
from kerasx.backends.numpy import _utils as U

ND = np.ndarray
to_tensor = U.to_tensor
F32 = U.FLOAT32


def _low(x: np.ndarray) -> bool:
    return x.dtype == np.float16 or x.dtype == U.BF16


def _work_dtype(d: np.dtype) -> np.dtype:
    return F32 if (d == np.float16 or d == U.BF16) else d


def _to_channels_last(x: np.ndarray, data_format) -> tuple[np.ndarray, bool]:
    fmt = _settings.standardize_data_format(data_format)
    if fmt == "channels_first":
        return np.moveaxis(x, 1, -1), True
    return x, False


def _from_channels_last(x: np.ndarray, first: bool) -> np.ndarray:
    return np.ascontiguousarray(np.moveaxis(x, -1, 1)) if first else x


def _pad_spatial(x: np.ndarray, pads, value=0) -> np.ndarray:
    """Pad (or, for negative amounts, crop) the spatial axes of a channels-last array."""
    if all(b == 0 and a == 0 for b, a in pads):
        return x
    crop = [slice(None)]
    widths = [(0, 0)]
    for (b, a), n in zip(pads, x.shape[1:-1]):
        cb, ca = max(-b, 0), max(-a, 0)
        crop.append(slice(cb, n - ca))
        widths.append((max(b, 0), max(a, 0)))
    crop.append(slice(None))
    widths.append((0, 0))
    x = x[tuple(crop)]
    if any(w != (0, 0) for w in widths):
        x = np.pad(x, widths, mode="constant", constant_values=value)
    return x


def _out_sizes(xp: np.ndarray, ksz, strides, dil) -> list[int]:
    out = []
    for n, k, s, d in zip(xp.shape[1:-1], ksz, strides, dil):
        dk = (k - 1) * d + 1
        out.append(max((n - dk) // s + 1, 0) if n >= dk else 0)
    return out


def _offset_slices(pos, dil, out_sp, strides):
    return (slice(None),) + tuple(
        slice(p * d, p * d + (o - 1) * s + 1, s) for p, d, o, s in zip(pos, dil, out_sp, strides)
    )


def _windows(xp: np.ndarray, ksz, strides, dil) -> np.ndarray:
    """(N, *out, C, *k) strided view of all receptive fields of a padded input."""
    nd = len(ksz)
    dk = tuple((k - 1) * d + 1 for k, d in zip(ksz, dil))
    v = sliding_window_view(xp, dk, axis=tuple(range(1, nd + 1)))
    key = (slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),)
    key += tuple(slice(None, None, d) for d in dil)
    return v[key]


# Largest im2col buffer (in elements) built at once; bigger batches go in chunks.
_IM2COL_LIMIT = 1 << 24


def _conv_channels_last(xp: np.ndarray, k: np.ndarray, strides, dil) -> np.ndarray:
    """Valid convolution of a padded channels-last input with a (*k, in/groups, out) kernel."""
    nd = xp.ndim - 2
    ksz = k.shape[:nd]
    cin, kin, cout = xp.shape[-1], k.shape[-2], k.shape[-1]
    if kin == 0 or cin % kin:
        raise ValueError(
            f"The number of input channels ({cin}) must be a multiple of the kernel's input "
            f"channels ({kin})."
        )
    groups = cin // kin
    if cout % groups:
        raise ValueError(
            f"The number of output channels ({cout}) must be a multiple of groups ({groups})."
        )
    out_sp = _out_sizes(xp, ksz, strides, dil)
    n = xp.shape[0]
    dtype = np.result_type(xp.dtype, k.dtype)
    if 0 in out_sp or n == 0:
        return np.zeros((n, *out_sp, cout), dtype=dtype)
    if groups > 1 and kin == 1:
        return _depthwise_channels_last(xp, k.reshape(*ksz, cin, cout // cin), strides, dil, out_sp)
    kk = math.prod(ksz)
    og = cout // groups
    if groups == 1:
        kmat = k.reshape(kk * cin, cout)  # rows ordered (*k, C), as the columns below
    else:
        kg = k.reshape(kk, kin, groups, og).transpose(2, 0, 1, 3)
        kmat = kg.reshape(groups, kk * kin, og)
    per_item = math.prod(out_sp) * kk * cin
    step = max(1, _IM2COL_LIMIT // max(per_item, 1))
    out = np.empty((n, *out_sp, cout), dtype=dtype)
    # Window axes go before the channels so the im2col copy reads channels contiguously.
    perm = (0, *range(1, nd + 1), *range(nd + 2, 2 * nd + 2), nd + 1)
    for b0 in range(0, n, step):
        part = xp[b0 : b0 + step]
        m = part.shape[0] * math.prod(out_sp)
        cols = np.ascontiguousarray(_windows(part, ksz, strides, dil).transpose(perm))
        if groups == 1:
            res = cols.reshape(m, kk * cin) @ kmat
        else:
            cols = (
                cols.reshape(m, kk, groups, kin).transpose(2, 0, 1, 3).reshape(groups, m, kk * kin)
            )
            res = np.matmul(cols, kmat).transpose(1, 0, 2)  # (M, G, og)
        out[b0 : b0 + step] = res.reshape(part.shape[0], *out_sp, cout)
    return out


def _depthwise_channels_last(xp, k, strides, dil, out_sp=None) -> np.ndarray:
    """Depthwise conv: k is (*k, C, M); output channels ordered c * M + m.

    Accumulates one strided input slice per kernel offset, per multiplier, so the inner
    loops run over contiguous channels.
    """
    nd = xp.ndim - 2
    ksz = k.shape[:nd]
    c, mult = k.shape[-2], k.shape[-1]
    if out_sp is None:
        out_sp = _out_sizes(xp, ksz, strides, dil)
    n = xp.shape[0]
    dtype = np.result_type(xp.dtype, k.dtype)
    if 0 in out_sp or n == 0:
        return np.zeros((n, *out_sp, c * mult), dtype=dtype)
    acc = np.zeros((mult, n, *out_sp, c), dtype=dtype)
    tmp = np.empty((n, *out_sp, c), dtype=dtype)
    for pos in np.ndindex(*ksz):
        patch = xp[_offset_slices(pos, dil, out_sp, strides)]
        wk = k[pos]  # (C, M)
        for m in range(mult):
            np.multiply(patch, wk[:, m], out=tmp)
            acc[m] += tmp
    return np.moveaxis(acc, 0, -1).reshape(n, *out_sp, c * mult)


def _transpose_pads(n, kernel, padding, output_padding, stride, dilation) -> tuple[int, int]:
    """Padding of the stride-dilated input for a transposed convolution.

    ``common.conv_utils.conv_transpose_padding``, except for ``"same"`` with an explicit
    ``output_padding``, where Keras (and TensorFlow) put the larger half of the padding
    before: ``before = min(ceil(total / 2), k - 1)`` (the common helper puts it after).
    """
    if padding != "same" or output_padding is None:
        return CU.conv_transpose_padding(n, kernel, padding, output_padding, stride, dilation)
    k = (kernel - 1) * dilation + 1
    total = k + k % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, k - 1)
    return before, total - before


def _float_act(fn):
    """Wrap an activation written for float arrays: ints/bools become floatx, and
    bfloat16 (whose scalar promotion ml_dtypes does not weaken) runs in float32."""

    @functools.wraps(fn)
    def op(self, x, *args, **kwargs):
        x = U.float_tensor(x)
        if x.dtype == U.BF16:
            return U.as_array(fn(self, x.astype(F32), *args, **kwargs)).astype(U.BF16)
        return U.as_array(fn(self, x, *args, **kwargs))

    return op


class NNMixin:
    """nn ops: native activations, im2col convolutions, strided pooling."""

    # ------------------------------------------------------------ activations
    def relu(self, x):
        x = to_tensor(x)
        if x.dtype.kind == "f" or x.dtype == U.BF16:
            return np.maximum(x, np.zeros((), x.dtype), out=...)
        return self.maximum(x, 0)

    def relu6(self, x):
        x = to_tensor(x)
        if x.dtype.kind == "f" or x.dtype == U.BF16:
            return np.minimum(np.maximum(x, np.zeros((), x.dtype)), np.asarray(6, x.dtype), out=...)
        return self.clip(x, 0, 6)

    @_float_act
    def sigmoid(self, x):
        e = np.exp(-np.abs(x))
        inv = np.reciprocal(1 + e, out=...)
        return np.where(x >= 0, inv, e * inv)

    @_float_act
    def log_sigmoid(self, x):
        return np.negative(np.logaddexp(-x, 0), out=...)

    @_float_act
    def softplus(self, x):
        return np.logaddexp(x, 0, out=...)

    @_float_act
    def softsign(self, x):
        return np.true_divide(x, 1 + np.abs(x), out=...)

    @_float_act
    def silu(self, x):
        return np.multiply(x, self.sigmoid(x), out=...)

    @_float_act
    def hard_sigmoid(self, x):
        return np.clip(x / 6 + 0.5, 0, 1)

    @_float_act
    def hard_silu(self, x):
        return np.multiply(x, np.clip(x / 6 + 0.5, 0, 1), out=...)

    @_float_act
    def hard_tanh(self, x):
        return np.clip(x, -1, 1)

    @_float_act
    def tanh_shrink(self, x):
        return np.subtract(x, np.tanh(x), out=...)

    @_float_act
    def leaky_relu(self, x, negative_slope=0.2):
        return np.where(x >= 0, x, x * negative_slope)

    @_float_act
    def elu(self, x, alpha=1.0):
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))

    @_float_act
    def selu(self, x):
        alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
        return np.where(x > 0, scale * x, (scale * alpha) * np.expm1(np.minimum(x, 0)))

    @_float_act
    def celu(self, x, alpha=1.0):
        return np.add(np.maximum(x, 0), alpha * np.expm1(np.minimum(x, 0) / alpha), out=...)

    @_float_act
    def gelu(self, x, approximate=True):
        if approximate:
            c = math.sqrt(2.0 / math.pi)
            inner = c * (x + 0.044715 * (x * x * x))
            return np.multiply(0.5 * x, 1 + np.tanh(inner), out=...)
        return np.multiply(0.5 * x, 1 + self.erf(x / math.sqrt(2.0)), out=...)

    @_float_act
    def glu(self, x, axis=-1):
        a, b = np.split(x, 2, axis=axis)
        return np.multiply(a, self.sigmoid(b), out=...)

    @_float_act
    def squareplus(self, x, b=4):
        return np.true_divide(x + np.sqrt(x * x + b), 2, out=...)

    @_float_act
    def softmax(self, x, axis=-1):
        axis = U.norm_axis(axis)
        e = np.subtract(x, np.maximum.reduce(x, axis=axis, keepdims=True), out=...)
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=axis, keepdims=True)
        return e

    @_float_act
    def log_softmax(self, x, axis=-1):
        axis = U.norm_axis(axis)
        shifted = np.subtract(x, np.maximum.reduce(x, axis=axis, keepdims=True), out=...)
        shifted -= np.log(np.add.reduce(np.exp(shifted), axis=axis, keepdims=True))
        return shifted

    # ------------------------------------------------------------- encodings
    def one_hot(self, x, num_classes, axis=-1, dtype=None, sparse=False):
        if sparse:
            raise ValueError("Unsupported value `sparse=True` with the numpy backend.")
        x = to_tensor(x)
        classes = np.arange(int(num_classes), dtype=x.dtype)
        out = (x[..., None] == classes).astype(U.np_dtype(dtype))
        if axis != -1:
            out = np.moveaxis(out, -1, axis)
        return out

    # --------------------------------------------------------- convolutions
    def conv(self, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
        x, first = _to_channels_last(to_tensor(inputs), data_format)
        k = to_tensor(kernel)
        nd = x.ndim - 2
        strides = CU.normalize_tuple(strides, nd, "strides")
        dil = CU.normalize_tuple(dilation_rate, nd, "dilation_rate")
        padding = CU.normalize_padding(padding)
        d = U.result_of(x, k)
        work = _work_dtype(d)
        pads = CU.explicit_padding(x.shape[1:-1], k.shape[:nd], strides, dil, padding)
        xp = _pad_spatial(x.astype(work, copy=False), pads)
        out = _conv_channels_last(xp, k.astype(work, copy=False), strides, dil)
        return _from_channels_last(out.astype(d, copy=False), first)

    def depthwise_conv(
        self, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1
    ):
        x, first = _to_channels_last(to_tensor(inputs), data_format)
        k = to_tensor(kernel)
        nd = x.ndim - 2
        strides = CU.normalize_tuple(strides, nd, "strides")
        dil = CU.normalize_tuple(dilation_rate, nd, "dilation_rate")
        padding = CU.normalize_padding(padding)
        if k.shape[-2] != x.shape[-1]:
            raise ValueError(
                f"The depthwise kernel's input channels ({k.shape[-2]}) must equal the input's "
                f"channels ({x.shape[-1]})."
            )
        d = U.result_of(x, k)
        work = _work_dtype(d)
        pads = CU.explicit_padding(x.shape[1:-1], k.shape[:nd], strides, dil, padding)
        xp = _pad_spatial(x.astype(work, copy=False), pads)
        out = _depthwise_channels_last(xp, k.astype(work, copy=False), strides, dil)
        return _from_channels_last(out.astype(d, copy=False), first)

    def separable_conv(
        self,
        inputs,
        depthwise_kernel,
        pointwise_kernel,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
    ):
        depth = self.depthwise_conv(
            inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
        )
        return self.conv(depth, pointwise_kernel, 1, "valid", data_format, 1)

    def conv_transpose(
        self,
        inputs,
        kernel,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
    ):
        x, first = _to_channels_last(to_tensor(inputs), data_format)
        k = to_tensor(kernel)  # (*k, out, in)
        nd = x.ndim - 2
        strides = CU.normalize_tuple(strides, nd, "strides")
        dil = CU.normalize_tuple(dilation_rate, nd, "dilation_rate")
        padding = CU.normalize_padding(padding)
        out_pad = (
            (None,) * nd
            if output_padding is None
            else CU.normalize_tuple(output_padding, nd, "output_padding")
        )
        d = U.result_of(x, k)
        work = _work_dtype(d)
        x = x.astype(work, copy=False)
        ksz = k.shape[:nd]
        spatial = x.shape[1:-1]
        if any(s > 1 for s in strides):
            dilated = [(n - 1) * s + 1 if n > 0 else 0 for n, s in zip(spatial, strides)]
            z = np.zeros((x.shape[0], *dilated, x.shape[-1]), dtype=work)
            z[(slice(None),) + tuple(slice(None, None, s) for s in strides)] = x
            x = z
        pads = [
            _transpose_pads(n, kk, padding, op, s, dd)
            for n, kk, op, s, dd in zip(spatial, ksz, out_pad, strides, dil)
        ]
        xp = _pad_spatial(x, pads)
        kf = (
            np.flip(k, axis=tuple(range(nd))).swapaxes(-1, -2).astype(work, copy=False)
        )  # (*k, in, out)
        out = _conv_channels_last(xp, kf, (1,) * nd, dil)
        return _from_channels_last(out.astype(d, copy=False), first)

    # ------------------------------------------------------------- pooling
    def _pool_setup(self, inputs, pool_size, strides, padding, data_format):
        x, first = _to_channels_last(to_tensor(inputs), data_format)
        nd = x.ndim - 2
        pool = CU.normalize_tuple(pool_size, nd, "pool_size")
        strides = pool if strides is None else CU.normalize_tuple(strides, nd, "strides")
        padding = CU.normalize_padding(padding)
        pads = CU.explicit_padding(x.shape[1:-1], pool, strides, (1,) * nd, padding)
        return x, first, pool, strides, pads

    def max_pool(self, inputs, pool_size, strides=None, padding="valid", data_format=None):
        x, first, pool, strides, pads = self._pool_setup(
            inputs, pool_size, strides, padding, data_format
        )
        if x.dtype.kind in "iu":
            fill = np.iinfo(x.dtype).min
        elif x.dtype == U.BOOL:
            fill = False
        else:
            fill = -np.inf
        xp = _pad_spatial(x, pads, fill)
        ones = (1,) * len(pool)
        out_sp = _out_sizes(xp, pool, strides, ones)
        if 0 in out_sp:
            return _from_channels_last(np.zeros((x.shape[0], *out_sp, x.shape[-1]), x.dtype), first)
        acc = None
        for pos in np.ndindex(*pool):
            patch = xp[_offset_slices(pos, ones, out_sp, strides)]
            if acc is None:
                acc = patch.copy()
            else:
                np.maximum(acc, patch, out=acc)
        return _from_channels_last(acc, first)

    def average_pool(self, inputs, pool_size, strides=None, padding="valid", data_format=None):
        x, first, pool, strides, pads = self._pool_setup(
            inputs, pool_size, strides, padding, data_format
        )
        x = U.float_tensor(x)
        d = x.dtype
        work = _work_dtype(d)
        xp = _pad_spatial(x.astype(work, copy=False), pads)
        ones = (1,) * len(pool)
        out_sp = _out_sizes(xp, pool, strides, ones)
        if 0 in out_sp:
            return _from_channels_last(np.zeros((x.shape[0], *out_sp, x.shape[-1]), d), first)
        acc = None
        for pos in np.ndindex(*pool):
            patch = xp[_offset_slices(pos, ones, out_sp, strides)]
            if acc is None:
                acc = patch.copy()
            else:
                acc += patch
        if any(b or a for b, a in pads):
            # Divide by the number of real (unpadded) elements in each window.
            counts = _pad_spatial(np.ones((1, *x.shape[1:-1], 1), dtype=work), pads)
            total = None
            for pos in np.ndindex(*pool):
                patch = counts[_offset_slices(pos, ones, out_sp, strides)]
                total = patch.copy() if total is None else total + patch
            acc /= total
        else:
            acc /= math.prod(pool)
        return _from_channels_last(acc.astype(d, copy=False), first)

    # ----------------------------------------------------------- normalisation
    def moments(self, x, axes, keepdims=False, synchronized=False):
        x = to_tensor(x)
        d = x.dtype
        low = d == np.float16 or d == U.BF16
        work = x.astype(F32) if low else U.float_tensor(x)
        axes = (axes,) if isinstance(axes, int) else tuple(int(a) for a in axes)
        mean = np.mean(work, axis=axes, keepdims=True)
        var = np.mean(np.square(work - mean), axis=axes, keepdims=True)
        if not keepdims:
            mean, var = np.squeeze(mean, axis=axes), np.squeeze(var, axis=axes)
        mean, var = U.as_array(mean), U.as_array(var)
        if low:
            mean, var = mean.astype(d), var.astype(d)
        return mean, var

    def batch_normalization(self, x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
        x = to_tensor(x)
        if not U.is_inexact(x) or x.dtype == U.BF16:
            return super().batch_normalization(
                x, mean, variance, axis, offset=offset, scale=scale, epsilon=epsilon
            )
        ndim = x.ndim
        axis = axis + ndim if axis < 0 else axis
        view = [1] * ndim
        view[axis] = -1

        def shaped(t):
            return to_tensor(t).reshape(view)

        inv = np.reciprocal(np.sqrt(shaped(variance) + epsilon))
        if scale is not None:
            inv = inv * shaped(scale)
        out = (x - shaped(mean)) * inv
        if offset is not None:
            out += shaped(offset)
        return out

    def layer_normalization(self, x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
        # Keras 3: epsilon=None means backend.epsilon(); half precision runs in float32.
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = U.float_tensor(x)
        d = x.dtype
        work = _work_dtype(d)
        xw = x.astype(work, copy=False)
        axes = (axis,) if isinstance(axis, int) else tuple(int(a) for a in axis)
        mean = np.mean(xw, axis=axes, keepdims=True)
        centered = xw - mean
        var = np.mean(np.square(centered), axis=axes, keepdims=True)
        out = centered * np.reciprocal(np.sqrt(var + eps))
        if gamma is not None:
            g = to_tensor(gamma)
            out = self.multiply(out, g.astype(work) if _low(g) else g)
        if beta is not None:
            bt = to_tensor(beta)
            out = self.add(out, bt.astype(work) if _low(bt) else bt)
        return out.astype(d) if work != d else out

    def rms_normalization(self, x, scale=None, axis=-1, epsilon=None):
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = U.float_tensor(x)
        if x.dtype == U.BF16:
            return super().rms_normalization(x, scale, axis, epsilon)
        ms = np.mean(np.square(x), axis=U.norm_axis(axis), keepdims=True)
        out = x * np.reciprocal(np.sqrt(ms + eps))
        return out if scale is None else self.multiply(out, scale)

    # ----------------------------------------------------------- attention
    def dot_product_attention(
        self,
        query,
        key,
        value,
        bias=None,
        mask=None,
        scale=None,
        is_causal=False,
        flash_attention=None,
        attn_logits_soft_cap=None,
    ):
        q, k, v = U.float_tensor(query), U.float_tensor(key), U.float_tensor(value)
        d = U.result_of(q, k, v)
        work = _work_dtype(d)
        if q.ndim != 4:
            return super().dot_product_attention(
                query,
                key,
                value,
                bias=bias,
                mask=mask,
                scale=scale,
                is_causal=is_causal,
                flash_attention=flash_attention,
                attn_logits_soft_cap=attn_logits_soft_cap,
            )
        dqk = U.result_of(q, k)
        scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
        qt = np.swapaxes(q.astype(_work_dtype(dqk), copy=False), 1, 2)  # (B, N, T, H)
        kt = np.transpose(k.astype(_work_dtype(dqk), copy=False), (0, 2, 3, 1))  # (B, N, H, S)
        logits = np.matmul(qt, kt)
        logits *= scale
        if attn_logits_soft_cap is not None:
            logits = np.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
        if bias is not None:
            logits = self.add(logits, bias)
        neg = -0.7 * 3.4028234663852886e38 if dqk == F32 else -3e4
        if mask is not None:
            logits = np.where(
                to_tensor(mask).astype(bool, copy=False), logits, np.asarray(neg, logits.dtype)
            )
        if is_causal:
            t, s = logits.shape[-2:]
            logits = np.where(np.tri(t, s, 0, dtype=bool), logits, np.asarray(neg, logits.dtype))
        probs = self.softmax(logits, axis=-1)
        out = np.matmul(
            probs.astype(work, copy=False), np.swapaxes(v.astype(work, copy=False), 1, 2)
        )  # (B, N, T, H)
        return np.swapaxes(out, 1, 2).astype(d, copy=False)
