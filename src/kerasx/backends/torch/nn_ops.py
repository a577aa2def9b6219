"""Activations, convolutions, pooling, normalisation, losses and attention (torch)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from kerasx.backends.common import conv_utils as C
from kerasx.backends.common import settings as _settings
from kerasx.backends.torch import _utils as U

Tensor = torch.Tensor

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _flat_pad(pads: Sequence[tuple[int, int]]) -> list[int]:
    """(before, after) per spatial axis -> F.pad's last-axis-first flat list."""
    flat: list[int] = []
    for before, after in reversed(list(pads)):
        flat += [before, after]
    return flat


def _transpose_padding(
    length: int, kernel: int, padding: str, output_padding: int | None, stride: int, dilation: int
) -> tuple[int, int]:
    """(before, after) padding of the stride-dilated input for the equivalent forward
    convolution. TensorFlow's rule: the "same" forward conv mapping the output back to
    the input pads ``max((n - 1) * s + dk - out, 0)`` in total, half before; the output
    keeps the elements after that crop. (``common.conv_utils.conv_transpose_padding``
    splits differently when ``output_padding`` is given with "same".)"""
    dk = (kernel - 1) * dilation + 1
    out = C.conv_transpose_output_length(length, kernel, padding, output_padding, stride, dilation)
    assert out is not None
    crop = 0 if padding == "valid" else max((length - 1) * stride + dk - out, 0) // 2
    before = dk - 1 - crop
    return before, out - ((length - 1) * stride + 1) - before + dk - 1


def _float_act(fn: Any, name: str) -> Any:
    def method(self: Any, x: Any) -> Tensor:
        if not isinstance(x, Tensor) or x.dtype not in U.INEXACT:
            x = self._ft(x)
        return fn(x)

    method.__name__ = name
    return method


class NNMixin:
    """Native torch kernels for the nn protocol."""

    # ------------------------------------------------------------ activations
    def relu(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype is torch.bool or x.dtype in U.WIDE_UINT:
            return x
        return torch.relu(x)

    def relu6(self, x: Any) -> Tensor:
        x = self._t(x)
        if x.dtype in U.FLOATS:
            return F.relu6(x)
        return self.clip(x, 0, 6)

    sigmoid = _float_act(torch.sigmoid, "sigmoid")
    log_sigmoid = _float_act(F.logsigmoid, "log_sigmoid")
    softsign = _float_act(F.softsign, "softsign")
    silu = _float_act(F.silu, "silu")
    hard_sigmoid = _float_act(F.hardsigmoid, "hard_sigmoid")
    hard_silu = _float_act(F.hardswish, "hard_silu")
    hard_tanh = _float_act(F.hardtanh, "hard_tanh")
    tanh_shrink = _float_act(F.tanhshrink, "tanh_shrink")
    selu = _float_act(F.selu, "selu")

    def softplus(self, x: Any) -> Tensor:
        x = self._ft(x)
        return F.softplus(x)

    def hard_shrink(self, x: Any, threshold: float = 0.5) -> Tensor:
        return F.hardshrink(self._ft(x), float(threshold))

    def soft_shrink(self, x: Any, threshold: float = 0.5) -> Tensor:
        return F.softshrink(self._ft(x), float(threshold))

    def leaky_relu(self, x: Any, negative_slope: float = 0.2) -> Tensor:
        return F.leaky_relu(self._ft(x), float(negative_slope))

    def elu(self, x: Any, alpha: float = 1.0) -> Tensor:
        return F.elu(self._ft(x), float(alpha))

    def celu(self, x: Any, alpha: float = 1.0) -> Tensor:
        return F.celu(self._ft(x), float(alpha))

    def gelu(self, x: Any, approximate: bool = True) -> Tensor:
        return F.gelu(self._ft(x), approximate="tanh" if approximate else "none")

    def glu(self, x: Any, axis: int = -1) -> Tensor:
        return F.glu(self._ft(x), dim=int(axis))

    def threshold(self, x: Any, threshold: float, default_value: float) -> Tensor:
        x = self._t(x)
        if x.dtype in U.FLOATS:
            return F.threshold(x, float(threshold), float(default_value))
        return super().threshold(x, threshold, default_value)  # type: ignore[misc]

    def softmax(self, x: Any, axis: Any = -1) -> Tensor:
        x = self._ft(x)
        if isinstance(axis, int):
            return torch.softmax(x, dim=axis)
        if axis is None:
            return torch.softmax(x.reshape(-1), dim=0).reshape(x.shape)
        return super().softmax(x, axis=axis)  # type: ignore[misc]

    def log_softmax(self, x: Any, axis: Any = -1) -> Tensor:
        x = self._ft(x)
        if isinstance(axis, int):
            return torch.log_softmax(x, dim=axis)
        if axis is None:
            return torch.log_softmax(x.reshape(-1), dim=0).reshape(x.shape)
        return super().log_softmax(x, axis=axis)  # type: ignore[misc]

    # --------------------------------------------------------- convolutions
    def _conv_inputs(
        self, inputs: Any, kernel: Any, data_format: Any
    ) -> tuple[Tensor, Tensor, bool, torch.dtype]:
        x, k = self._bin_t(inputs, kernel)
        out_dtype = x.dtype
        if x.dtype not in U.FLOATS:
            work = (
                torch.float64
                if x.dtype in (torch.int32, torch.int64, torch.uint32, torch.uint64)
                else torch.float32
            )
            x, k = x.to(work), k.to(work)
        channels_last = _settings.standardize_data_format(data_format) == "channels_last"
        if channels_last:
            x = x.movedim(-1, 1)
        return x, k, channels_last, out_dtype

    @staticmethod
    def _conv_out(out: Tensor, channels_last: bool, dtype: torch.dtype) -> Tensor:
        if channels_last:
            out = out.movedim(1, -1)
        if out.dtype is not dtype:
            out = out.round().to(dtype) if dtype not in U.INEXACT else out.to(dtype)
        return out

    @staticmethod
    def _pad_or_native(
        x: Tensor, pads: list[tuple[int, int]], value: float = 0.0
    ) -> tuple[Tensor, tuple[int, ...]]:
        """Symmetric pads go to the torch op; asymmetric ones are applied with F.pad."""
        if all(b == a for b, a in pads):
            return x, tuple(b for b, _ in pads)
        return F.pad(x, _flat_pad(pads), value=value), (0,) * len(pads)

    def _conv_nd(
        self,
        x: Tensor,
        k: Tensor,
        strides: Any,
        padding: str,
        dilation_rate: Any,
        bias: Tensor | None = None,
    ) -> Tensor:
        nd = k.ndim - 2
        st = C.normalize_tuple(strides, nd, "strides")
        dil = C.normalize_tuple(dilation_rate, nd, "dilation_rate")
        pad = C.normalize_padding(padding)
        if pad == "causal" and nd != 1:
            raise ValueError("`padding='causal'` is only supported for 1-D convolutions.")
        w = k.permute(nd + 1, nd, *range(nd))
        in_ch, k_in = x.shape[1], k.shape[nd]
        if in_ch % k_in:
            raise ValueError(
                f"Input channels ({in_ch}) must be a multiple of the kernel's input channels ({k_in})."
            )
        pads = C.explicit_padding(tuple(x.shape[2:]), tuple(k.shape[:nd]), st, dil, pad)
        x, tpad = self._pad_or_native(x, pads)
        return _CONV[nd](x, w, bias, st, tpad, dil, in_ch // k_in)

    def conv(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: Any = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        x, k, cl, dt = self._conv_inputs(inputs, kernel, data_format)
        return self._conv_out(self._conv_nd(x, k, strides, padding, dilation_rate), cl, dt)

    def fused_conv(
        self,
        inputs: Any,
        kernel: Any,
        bias: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: Any = None,
        dilation_rate: Any = 1,
    ) -> Tensor | None:
        """``conv(...) + bias`` with the bias added inside the convolution kernel (its
        gradient then comes out of the convolution's backward pass too); None to decline
        (non-float or mixed dtypes)."""
        if not all(isinstance(t, torch.Tensor) for t in (inputs, kernel, bias)):
            return None
        if (
            inputs.dtype not in U.FLOATS
            or kernel.dtype != inputs.dtype
            or bias.dtype != inputs.dtype
        ):
            return None
        x, k, cl, dt = self._conv_inputs(inputs, kernel, data_format)
        return self._conv_out(self._conv_nd(x, k, strides, padding, dilation_rate, bias), cl, dt)

    def depthwise_conv(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: Any = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        x, k, cl, dt = self._conv_inputs(inputs, kernel, data_format)
        nd = k.ndim - 2
        # (*S, in, mult) -> (*S, 1, in*mult): grouped conv with groups=in, channel-major outputs.
        k = k.reshape(*k.shape[:nd], 1, k.shape[nd] * k.shape[nd + 1])
        return self._conv_out(self._conv_nd(x, k, strides, padding, dilation_rate), cl, dt)

    def separable_conv(
        self,
        inputs: Any,
        depthwise_kernel: Any,
        pointwise_kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: Any = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        x, k, cl, dt = self._conv_inputs(inputs, depthwise_kernel, data_format)
        nd = k.ndim - 2
        k = k.reshape(*k.shape[:nd], 1, k.shape[nd] * k.shape[nd + 1])
        y = self._conv_nd(x, k, strides, padding, dilation_rate)
        pk = self._t(pointwise_kernel).to(y.dtype)
        y = self._conv_nd(y, pk, 1, "valid", 1)
        return self._conv_out(y, cl, dt)

    def conv_transpose(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: Any = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        x, k, cl, dt = self._conv_inputs(inputs, kernel, data_format)
        nd = k.ndim - 2
        st = C.normalize_tuple(strides, nd, "strides")
        dil = C.normalize_tuple(dilation_rate, nd, "dilation_rate")
        pad = C.normalize_padding(padding)
        ops = (
            (None,) * nd
            if output_padding is None
            else C.normalize_tuple(output_padding, nd, "output_padding")
        )
        w = k.permute(nd + 1, nd, *range(nd))  # (*S, out, in) -> (in, out, *S)
        native_p, native_op, crops = [], [], []
        native = True
        for length, ks, s, d, op in zip(x.shape[2:], k.shape[:nd], st, dil, ops):
            before, after = _transpose_padding(length, ks, pad, op, s, d)
            full = d * (ks - 1)  # padding of the dilated input in torch's un-padded transpose
            p, extra = full - before, after - before
            native = native and p >= 0 and 0 <= extra < max(s, d)
            native_p.append(p)
            native_op.append(extra)
            crops.append((before - full, after - full))
        if native:
            out = _CONV_T[nd](x, w, None, st, tuple(native_p), tuple(native_op), 1, dil)
        else:
            out = _CONV_T[nd](x, w, None, st, 0, 0, 1, dil)
            out = F.pad(out, _flat_pad(crops))  # negative pads crop
        return self._conv_out(out, cl, dt)

    # -------------------------------------------------------------- pooling
    def _pool_setup(
        self, inputs: Any, pool_size: Any, strides: Any, padding: str, data_format: Any
    ) -> tuple[Tensor, tuple[int, ...], tuple[int, ...], list[tuple[int, int]], bool, torch.dtype]:
        x = self._t(inputs)
        dt = x.dtype
        nd = x.ndim - 2
        ps = C.normalize_tuple(pool_size, nd, "pool_size")
        st = C.normalize_tuple(ps if strides is None else strides, nd, "strides")
        cl = _settings.standardize_data_format(data_format) == "channels_last"
        if cl:
            x = x.movedim(-1, 1)
        pads = C.explicit_padding(
            tuple(x.shape[2:]), ps, st, (1,) * nd, C.normalize_padding(padding)
        )
        return x, ps, st, pads, cl, dt

    def max_pool(
        self,
        inputs: Any,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: Any = None,
    ) -> Tensor:
        x, ps, st, pads, cl, dt = self._pool_setup(inputs, pool_size, strides, padding, data_format)
        if dt not in U.FLOATS:
            x = x.to(torch.float64)
        nd = len(ps)
        if all(b == a and b <= k // 2 for (b, a), k in zip(pads, ps)):
            out = _MAX_POOL[nd](x, ps, st, tuple(b for b, _ in pads))
        else:
            out = _MAX_POOL[nd](F.pad(x, _flat_pad(pads), value=-math.inf), ps, st)
        return self._conv_out(out, cl, dt)

    def average_pool(
        self,
        inputs: Any,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: Any = None,
    ) -> Tensor:
        x, ps, st, pads, cl, dt = self._pool_setup(inputs, pool_size, strides, padding, data_format)
        if dt not in U.FLOATS:
            x = x.to(U.floatx())
            dt = x.dtype
        nd = len(ps)
        pool = _AVG_POOL[nd]
        if all(b == 0 and a == 0 for b, a in pads):
            out = pool(x, ps, st)
        elif all(b == a and b <= k // 2 for (b, a), k in zip(pads, ps)):
            out = pool(x, ps, st, tuple(b for b, _ in pads), False, False)
        else:
            flat = _flat_pad(pads)
            total = pool(F.pad(x, flat), ps, st)
            ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
            out = total / pool(F.pad(ones, flat), ps, st)
        return self._conv_out(out, cl, dt)

    # --------------------------------------------------------- normalisation
    def moments(
        self, x: Any, axes: Any, keepdims: bool = False, synchronized: bool = False
    ) -> tuple[Tensor, Tensor]:
        x = self._t(x)
        dt = x.dtype
        low = dt in (torch.float16, torch.bfloat16)
        xw = x.to(torch.float32) if low else (x if dt in U.INEXACT else x.to(U.floatx()))
        dims = (axes,) if isinstance(axes, int) else tuple(axes)
        var, mean = torch.var_mean(xw, dim=dims, correction=0, keepdim=keepdims)
        if low:
            mean, var = mean.to(dt), var.to(dt)
        return mean, var

    def batch_normalization(
        self,
        x: Any,
        mean: Any,
        variance: Any,
        axis: int,
        offset: Any = None,
        scale: Any = None,
        epsilon: float = 1e-3,
    ) -> Tensor:
        x = self._t(x)
        ndim = x.ndim
        axis = axis + ndim if axis < 0 else axis
        view = [1] * ndim
        view[axis] = -1

        def shaped(t: Any) -> Tensor:
            t = self._t(t)
            return t.reshape(view) if t.numel() == x.shape[axis] else t

        inv = torch.rsqrt(shaped(variance) + epsilon)
        if scale is not None:
            inv = inv * shaped(scale)
        shift = -shaped(mean) * inv
        if offset is not None:
            shift = shift + shaped(offset)
        return x * inv + shift

    def _trailing(self, x: Tensor, axis: Any) -> tuple[int, ...] | None:
        """The normalized shape when ``axis`` names the trailing dims, else None."""
        axes = sorted(self._axes(axis, x.ndim))
        n = len(axes)
        if axes != list(range(x.ndim - n, x.ndim)):
            return None
        return tuple(x.shape[x.ndim - n :])

    def _param(self, p: Any, shape: tuple[int, ...], dtype: torch.dtype) -> Tensor | None | bool:
        if p is None:
            return None
        p = self._t(p)
        if p.numel() != math.prod(shape):
            return False
        return p.reshape(shape).to(dtype)

    def layer_normalization(
        self,
        x: Any,
        gamma: Any = None,
        beta: Any = None,
        axis: Any = -1,
        epsilon: float | None = None,
        **kwargs: Any,
    ) -> Tensor:
        # Keras 3: epsilon=None means backend.epsilon() (the protocol default says 1e-3).
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = self._ft(x)
        shape = self._trailing(x, axis)
        if shape is not None and not kwargs:
            g = self._param(gamma, shape, x.dtype)
            b = self._param(beta, shape, x.dtype)
            if g is not False and b is not False:
                return F.layer_norm(x, shape, g, b, eps)
        return super().layer_normalization(x, gamma, beta, axis, eps, **kwargs)  # type: ignore[misc]

    def rms_normalization(
        self, x: Any, scale: Any = None, axis: Any = -1, epsilon: float | None = None
    ) -> Tensor:
        x = self._ft(x)
        shape = self._trailing(x, axis)
        if shape is not None:
            s = self._param(scale, shape, x.dtype)
            if s is not False:
                eps = _settings.epsilon() if epsilon is None else epsilon
                return F.rms_norm(x, shape, s, eps)
        return super().rms_normalization(x, scale, axis, epsilon)  # type: ignore[misc]

    def normalize(
        self, x: Any, axis: int = -1, order: int = 2, epsilon: float | None = None
    ) -> Tensor:
        x = self._ft(x)
        if not isinstance(axis, int):
            return super().normalize(x, axis, order, epsilon)  # type: ignore[misc]
        eps = _settings.epsilon() if epsilon is None else epsilon
        return F.normalize(x, p=float(order), dim=axis, eps=eps)

    # -------------------------------------------------------------- losses
    def binary_crossentropy(self, target: Any, output: Any, from_logits: bool = False) -> Tensor:
        if not from_logits:
            return super().binary_crossentropy(target, output, from_logits)  # type: ignore[misc]
        output = self._ft(output)
        target = self._t(target).to(output.dtype)
        self._check_same_shape("binary_crossentropy", target, output)
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")

    def sparse_categorical_crossentropy(
        self, target: Any, output: Any, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        output = self._ft(output)
        target = self._t(target)
        if axis not in (-1, output.ndim - 1):
            return super().sparse_categorical_crossentropy(target, output, from_logits, axis)  # type: ignore[misc]
        if target.ndim == output.ndim and target.shape[-1] == 1:
            target = target.squeeze(-1)
        if target.ndim != output.ndim - 1:
            raise ValueError(
                "Argument `output` must have rank (ndim) `target.ndim + 1`. "
                f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
            )
        if from_logits:
            logp = torch.log_softmax(output, dim=-1)
        else:
            eps = _settings.epsilon()
            probs = output / output.sum(dim=-1, keepdim=True)
            logp = torch.log(probs.clamp(eps, 1.0 - eps))
        t = target.long()
        valid = (t >= 0) & (t < output.shape[-1])
        picked = torch.take_along_dim(logp, torch.where(valid, t, 0).unsqueeze(-1), dim=-1).squeeze(
            -1
        )
        return torch.where(valid, -picked, torch.zeros_like(picked))

    # ----------------------------------------------------------- attention
    def dot_product_attention(
        self,
        query: Any,
        key: Any,
        value: Any,
        bias: Any = None,
        mask: Any = None,
        scale: float | None = None,
        is_causal: bool = False,
        flash_attention: bool | None = None,
        attn_logits_soft_cap: float | None = None,
    ) -> Tensor:
        if attn_logits_soft_cap is not None:
            return super().dot_product_attention(
                query,
                key,
                value,
                bias,
                mask,
                scale,
                is_causal,
                flash_attention,
                attn_logits_soft_cap,
            )  # type: ignore[misc]
        q, k, v = self._promote_all([self._ft(query), self._ft(key), self._ft(value)])
        qt, kt, vt = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        n, nk = qt.shape[1], kt.shape[1]
        if nk != n and n % nk == 0:  # grouped-query attention
            kt, vt = kt.repeat_interleave(n // nk, dim=1), vt.repeat_interleave(n // nk, dim=1)
        t, s = qt.shape[2], kt.shape[2]
        keep = None
        if mask is not None:
            keep = self._t(mask)
            keep = keep if keep.dtype is torch.bool else keep != 0
        if is_causal:
            causal = torch.ones((t, s), dtype=torch.bool, device=q.device).tril()
            if keep is None and bias is None:
                keep = None
            else:
                keep = causal if keep is None else keep & causal
        attn_mask = None
        neg = (
            -0.7 * torch.finfo(torch.float32).max
            if q.dtype in (torch.float32, torch.float64)
            else -3e4
        )
        if bias is not None:
            attn_mask = self._t(bias).to(q.dtype)
            if keep is not None:
                attn_mask = torch.where(keep, attn_mask, torch.full_like(attn_mask, neg))
        elif keep is not None:
            zero = torch.zeros((), dtype=q.dtype, device=q.device)
            attn_mask = torch.where(keep, zero, torch.full((), neg, dtype=q.dtype, device=q.device))
        native_causal = is_causal and mask is None and bias is None
        out = F.scaled_dot_product_attention(
            qt, kt, vt, attn_mask=attn_mask, is_causal=native_causal, scale=scale
        )
        return out.transpose(1, 2)
