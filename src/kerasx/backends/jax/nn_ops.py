"""Neural-network ops of the JAX adapter: jax.nn activations, lax convolutions and
pooling, normalisations, crossentropies and attention."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from kerasx.backends.common import conv_utils as _cu
from kerasx.backends.common import settings as _settings
from kerasx.backends.jax import _kernels as _k
from kerasx.backends.jax._utils import (
    cast,
    jdtype,
    norm_axis,
    promote,
    promote_many,
    tensor,
    to_float,
)

_DN_SPECS = {
    ("channels_last", 1): ("NWC", "WIO", "NWC"),
    ("channels_last", 2): ("NHWC", "HWIO", "NHWC"),
    ("channels_last", 3): ("NDHWC", "DHWIO", "NDHWC"),
    ("channels_first", 1): ("NCW", "WIO", "NCW"),
    ("channels_first", 2): ("NCHW", "HWIO", "NCHW"),
    ("channels_first", 3): ("NCDHW", "DHWIO", "NCDHW"),
}
_DN_CACHE: dict = {}


def _dimension_numbers(data_format: str, nd: int):
    key = (data_format, nd)
    dn = _DN_CACHE.get(key)
    if dn is None:
        if key not in _DN_SPECS:
            raise ValueError(f"Convolutions support 1, 2 or 3 spatial dimensions; got {nd}.")
        shape = (1,) * (nd + 2)
        dn = lax.conv_dimension_numbers(shape, shape, _DN_SPECS[key])
        _DN_CACHE[key] = dn
    return dn


def _spatial(x, data_format: str):
    return tuple(x.shape[1:-1]) if data_format == "channels_last" else tuple(x.shape[2:])


def _channels(x, data_format: str) -> int:
    return x.shape[-1] if data_format == "channels_last" else x.shape[1]


def _conv_args(x, kernel_spatial, strides, padding, data_format, dilation_rate):
    nd = x.ndim - 2
    strides = _cu.normalize_tuple(strides, nd, "strides")
    dilation = _cu.normalize_tuple(dilation_rate, nd, "dilation_rate")
    padding = _cu.normalize_padding(padding)
    if padding == "causal" and nd != 1:
        raise ValueError("`padding='causal'` is only supported for 1-D convolutions.")
    pads = _cu.explicit_padding(
        _spatial(x, data_format), kernel_spatial, strides, dilation, padding
    )
    return nd, strides, dilation, pads


def _static(v):
    """True when ``v`` can be a static (hashable, Python) argument of a kernel."""
    return v is None or isinstance(v, (bool, int, float, str))


def _axes(axis):
    return (axis,) if isinstance(axis, int) else tuple(axis)


def _window(nd, data_format, inner):
    return (1, *inner, 1) if data_format == "channels_last" else (1, 1, *inner)


class NNMixin:
    """Activations, convolution, pooling, normalisation, losses and attention."""

    # ------------------------------------------------------------ activations
    def relu(self, x):
        return _k.relu(tensor(x))

    def relu6(self, x):
        x = tensor(x)
        if x.dtype.kind in "biu":
            return jnp.clip(x, 0, 6)
        return _k.relu6(x)

    def sigmoid(self, x):
        return jax.nn.sigmoid(to_float(x))

    def log_sigmoid(self, x):
        return _k.log_sigmoid(to_float(x))

    def softplus(self, x):
        return jax.nn.softplus(to_float(x))

    def softsign(self, x):
        return jax.nn.soft_sign(to_float(x))

    def silu(self, x):
        return jax.nn.silu(to_float(x))

    def hard_sigmoid(self, x):
        return jax.nn.hard_sigmoid(to_float(x))

    def hard_silu(self, x):
        return jax.nn.hard_silu(to_float(x))

    def hard_tanh(self, x):
        return jax.nn.hard_tanh(to_float(x))

    def hard_shrink(self, x, threshold=0.5):
        x = to_float(x)
        return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros((), x.dtype))

    def soft_shrink(self, x, threshold=0.5):
        x = to_float(x)
        zero = jnp.zeros((), x.dtype)
        return jnp.where(
            x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, zero)
        )

    def tanh_shrink(self, x):
        x = to_float(x)
        return x - jnp.tanh(x)

    def leaky_relu(self, x, negative_slope=0.2):
        return jax.nn.leaky_relu(to_float(x), negative_slope=negative_slope)

    def elu(self, x, alpha=1.0):
        x = to_float(x)
        return _k.elu(x, alpha=alpha) if _static(alpha) else jax.nn.elu(x, alpha=alpha)

    def selu(self, x):
        return jax.nn.selu(to_float(x))

    def celu(self, x, alpha=1.0):
        x = to_float(x)
        return _k.celu(x, alpha=alpha) if _static(alpha) else jax.nn.celu(x, alpha=alpha)

    def gelu(self, x, approximate=True):
        return _k.gelu(to_float(x), approximate=bool(approximate))

    def glu(self, x, axis=-1):
        return jax.nn.glu(to_float(x), axis=axis)

    def squareplus(self, x, b=4):
        x = to_float(x)
        return _k.squareplus(x, b=b) if _static(b) else jax.nn.squareplus(x, b=b)

    def sparse_plus(self, x):
        return _k.sparse_plus(to_float(x))

    def sparse_sigmoid(self, x):
        return jax.nn.sparse_sigmoid(to_float(x))

    def threshold(self, x, threshold, default_value):
        x = tensor(x)
        return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))

    def softmax(self, x, axis=-1):
        return _k.softmax(to_float(x), axis=norm_axis(axis))

    def log_softmax(self, x, axis=-1):
        return _k.log_softmax(to_float(x), axis=norm_axis(axis))

    # ------------------------------------------------------------- encodings
    def one_hot(self, x, num_classes, axis=-1, dtype=None, sparse=False):
        return _k.one_hot(
            tensor(x), num_classes=int(num_classes), dtype=jdtype(dtype), axis=int(axis)
        )

    # --------------------------------------------------------- convolutions
    def conv(self, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
        data_format = _settings.standardize_data_format(data_format)
        x, k = promote(tensor(inputs), tensor(kernel))
        nd, strides, dilation, pads = _conv_args(
            x, k.shape[:-2], strides, padding, data_format, dilation_rate
        )
        in_ch, k_in = _channels(x, data_format), k.shape[-2]
        if k_in == 0 or in_ch % k_in:
            raise ValueError(
                f"The number of input channels ({in_ch}) must be a multiple of the kernel's "
                f"input channels ({k_in}). Received kernel shape {tuple(k.shape)}."
            )
        return lax.conv_general_dilated(
            x,
            k,
            window_strides=strides,
            padding=pads,
            rhs_dilation=dilation,
            dimension_numbers=_dimension_numbers(data_format, nd),
            feature_group_count=in_ch // k_in,
        )

    def depthwise_conv(
        self, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1
    ):
        data_format = _settings.standardize_data_format(data_format)
        x, k = promote(tensor(inputs), tensor(kernel))
        nd, strides, dilation, pads = _conv_args(
            x, k.shape[:-2], strides, padding, data_format, dilation_rate
        )
        in_ch = k.shape[-2]
        # (*spatial, in, mult) -> (*spatial, 1, in*mult): output channel c*mult + m.
        k = k.reshape((*k.shape[:-2], 1, in_ch * k.shape[-1]))
        return lax.conv_general_dilated(
            x,
            k,
            window_strides=strides,
            padding=pads,
            rhs_dilation=dilation,
            dimension_numbers=_dimension_numbers(data_format, nd),
            feature_group_count=in_ch,
        )

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
        """A forward convolution over the stride-dilated input with the flipped kernel."""
        data_format = _settings.standardize_data_format(data_format)
        x, k = promote(tensor(inputs), tensor(kernel))
        nd = x.ndim - 2
        strides = _cu.normalize_tuple(strides, nd, "strides")
        dilation = _cu.normalize_tuple(dilation_rate, nd, "dilation_rate")
        padding = _cu.normalize_padding(padding)
        if output_padding is None or isinstance(output_padding, int):
            out_pad = (output_padding,) * nd
        else:
            out_pad = tuple(None if p is None else int(p) for p in output_padding)
            if len(out_pad) != nd:
                raise ValueError(
                    f"`output_padding` must have {nd} entries. Received: {output_padding}"
                )
        spatial = _spatial(x, data_format)
        ksp = k.shape[:nd]
        pads = [
            _cu.conv_transpose_padding(n, kk, padding, op, s, d)
            for n, kk, op, s, d in zip(spatial, ksp, out_pad, strides, dilation)
        ]
        # (*spatial, out, in) -> flipped (*spatial, in, out) for the forward conv.
        k = jnp.swapaxes(jnp.flip(k, axis=tuple(range(nd))), -1, -2)
        return lax.conv_general_dilated(
            x,
            k,
            window_strides=(1,) * nd,
            padding=pads,
            lhs_dilation=strides,
            rhs_dilation=dilation,
            dimension_numbers=_dimension_numbers(data_format, nd),
        )

    # ------------------------------------------------------------- pooling
    def _pool_args(self, x, pool_size, strides, padding, data_format):
        nd = x.ndim - 2
        pool = _cu.normalize_tuple(pool_size, nd, "pool_size")
        strides = pool if strides is None else _cu.normalize_tuple(strides, nd, "strides")
        padding = _cu.normalize_padding(padding)
        pads = _cu.explicit_padding(_spatial(x, data_format), pool, strides, (1,) * nd, padding)
        pads = tuple(tuple(p) for p in pads)
        window = _window(nd, data_format, pool)
        wstrides = _window(nd, data_format, strides)
        if data_format == "channels_last":
            full_pads = ((0, 0), *pads, (0, 0))
        else:
            full_pads = ((0, 0), (0, 0), *pads)
        return nd, pool, pads, window, wstrides, full_pads

    def max_pool(self, inputs, pool_size, strides=None, padding="valid", data_format=None):
        data_format = _settings.standardize_data_format(data_format)
        x = tensor(inputs)
        _, _, _, window, wstrides, full_pads = self._pool_args(
            x, pool_size, strides, padding, data_format
        )
        return _k.max_pool(x, window=window, strides=wstrides, pads=full_pads)

    def average_pool(self, inputs, pool_size, strides=None, padding="valid", data_format=None):
        data_format = _settings.standardize_data_format(data_format)
        x = to_float(inputs)
        nd, pool, pads, window, wstrides, full_pads = self._pool_args(
            x, pool_size, strides, padding, data_format
        )
        ones_shape = None
        if any(p != (0, 0) for p in pads):
            # Padded windows average only their real elements (count of ones).
            ones_shape = _window(nd, data_format, _spatial(x, data_format))
        size = 1
        for p in pool:
            size *= p
        return _k.average_pool(
            x, window=window, strides=wstrides, pads=full_pads, ones_shape=ones_shape, size=size
        )

    # ----------------------------------------------------------- normalisation
    def moments(self, x, axes, keepdims=False, synchronized=False):
        x = to_float(x)
        return _k.moments(x, axes=_axes(axes), keepdims=bool(keepdims))

    def batch_normalization(self, x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
        x = tensor(x)
        axis = axis + x.ndim if axis < 0 else axis
        offset = None if offset is None else tensor(offset)
        scale = None if scale is None else tensor(scale)
        args = (x, tensor(mean), tensor(variance), offset, scale)
        if _static(epsilon):
            return _k.batch_normalization(*args, axis=axis, epsilon=epsilon)
        return _k.batch_normalization.__wrapped__(*args, axis, epsilon)

    def layer_normalization(self, x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = to_float(x)
        gamma = None if gamma is None else tensor(gamma)
        beta = None if beta is None else tensor(beta)
        if _static(eps):
            return _k.layer_normalization(x, gamma, beta, axes=_axes(axis), epsilon=eps)
        return _k.layer_normalization.__wrapped__(x, gamma, beta, _axes(axis), eps)

    def rms_normalization(self, x, scale=None, axis=-1, epsilon=None):
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = to_float(x)
        scale = None if scale is None else tensor(scale)
        if _static(eps):
            return _k.rms_normalization(x, scale, axis=norm_axis(axis), epsilon=eps)
        return _k.rms_normalization.__wrapped__(x, scale, norm_axis(axis), eps)

    def normalize(self, x, axis=-1, order=2, epsilon=None):
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = to_float(x)
        if _static(eps) and _static(order):
            return _k.normalize(x, axis=norm_axis(axis), order=order, epsilon=eps)
        return _k.normalize.__wrapped__(x, norm_axis(axis), order, eps)

    # -------------------------------------------------------------- losses
    def binary_crossentropy(self, target, output, from_logits=False):
        output = to_float(output)
        target = cast(target, output.dtype)
        self._check_same_shape("binary_crossentropy", target, output)
        return _k.binary_crossentropy(
            target, output, from_logits=bool(from_logits), epsilon=_settings.epsilon()
        )

    def categorical_crossentropy(self, target, output, from_logits=False, axis=-1):
        output = to_float(output)
        target = cast(target, output.dtype)
        self._check_same_shape("categorical_crossentropy", target, output)
        return _k.categorical_crossentropy(
            target,
            output,
            from_logits=bool(from_logits),
            axis=int(axis),
            epsilon=_settings.epsilon(),
        )

    def sparse_categorical_crossentropy(self, target, output, from_logits=False, axis=-1):
        output = to_float(output)
        target = tensor(target)
        if target.ndim == output.ndim and target.shape[-1] == 1:
            target = jnp.squeeze(target, axis=-1)
        if target.ndim != output.ndim - 1:
            raise ValueError(
                "Argument `output` must have rank (ndim) `target.ndim + 1`. "
                f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
            )
        return _k.sparse_categorical_crossentropy(
            target,
            output,
            from_logits=bool(from_logits),
            axis=int(axis),
            epsilon=_settings.epsilon(),
        )

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
        """jax.nn.dot_product_attention (XLA, or cuDNN when flash attention is asked
        for on a GPU); the portable version handles logit soft-capping."""
        q, k, v = promote_many([to_float(query), to_float(key), to_float(value)])
        if (
            attn_logits_soft_cap is not None
            or k.shape != v.shape
            or q.ndim != 4
            or not _static(scale)
        ):
            return super().dot_product_attention(
                q, k, v, bias, mask, scale, is_causal, flash_attention, attn_logits_soft_cap
            )
        implementation = None
        if flash_attention and jax.default_backend() == "gpu":
            implementation = "cudnn"
        if bias is not None:
            bias = tensor(bias)
        if mask is not None:
            mask = tensor(mask).astype(jnp.bool_)
        return _k.dot_product_attention(
            q,
            k,
            v,
            bias,
            mask,
            scale=scale,
            is_causal=bool(is_causal),
            implementation=implementation,
        )
