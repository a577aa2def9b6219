"""Activations, convolutions, pooling, normalisation and losses for the TF adapter.

TF's CPU kernels only take channels-last layouts, so ``channels_first`` inputs are
transposed in and out.  ``padding="same"`` is passed to TF as ``"SAME"`` (TF's rule is
the one Keras defines); ``"causal"`` is an explicit left pad followed by ``"VALID"``.
"""

from __future__ import annotations

from kerasx.backends.common import conv_utils as _cu
from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings
from kerasx.backends.tensorflow._tf import (
    Tensor,
    as_float,
    dname,
    promote,
    static_or_dynamic_shape,
    tf,
    to_tensor,
)

_POOL_FORMAT = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _t(x):
    return x if isinstance(x, Tensor) else to_tensor(x)


def _to_last(x, nd):
    return tf.transpose(x, [0, *range(2, nd + 2), 1])


def _to_first(x, nd):
    return tf.transpose(x, [0, nd + 1, *range(1, nd + 1)])


def _conv_dtype(x, k):
    """Promote input and kernel; integer convolutions are computed in float32."""
    x, k = promote(x, k)
    d = dname(x)
    if not x.dtype.is_floating:
        x, k = tf.cast(x, "float32"), tf.cast(k, "float32")
    return x, k, d


def _raw_conv(x, k, strides, padding, dilation):
    """One channels-last convolution; the rank-specific ops take stride and dilation
    together (tf.nn.convolution refuses that combination)."""
    nd = len(strides)
    if nd == 1:
        return tf.nn.conv1d(x, k, stride=strides[0], padding=padding, dilations=dilation[0])
    if nd == 2:
        return tf.nn.conv2d(x, k, strides=strides, padding=padding, dilations=dilation)
    return tf.nn.conv3d(
        x, k, strides=[1, *strides, 1], padding=padding, dilations=[1, *dilation, 1]
    )


def _grouped_conv(x, k, strides, padding, dilation, groups):
    nd = len(strides)
    if groups == 1 or nd < 3:
        # TF's 1-D/2-D CPU kernels do grouped convolution themselves.
        return _raw_conv(x, k, strides, padding, dilation)
    xs = tf.split(x, groups, axis=-1)
    ks = tf.split(k, groups, axis=-1)
    return tf.concat([_raw_conv(a, b, strides, padding, dilation) for a, b in zip(xs, ks)], axis=-1)


def _dilate(x, axis, stride):
    """Insert ``stride - 1`` zeros between the elements of ``x`` along ``axis``."""
    if stride == 1:
        return x
    shape = static_or_dynamic_shape(x)
    n = shape[axis]
    z = tf.zeros_like(x)
    y = tf.stack([x] + [z] * (stride - 1), axis=axis + 1)
    merged = shape[:axis] + [n * stride] + shape[axis + 1 :]
    y = tf.reshape(y, merged)
    begin = [0] * len(shape)
    size = [-1] * len(shape)
    size[axis] = (n - 1) * stride + 1
    return tf.slice(y, begin, size)


class NNMixin:
    """Fused activations, convolution and pooling kernels, normalisation, losses."""

    # ------------------------------------------------------------ activations
    def relu(self, x):
        x = _t(x)
        if x.dtype is tf.bool:
            return x
        return tf.nn.relu(x)

    def relu6(self, x):
        x = _t(x)
        if x.dtype.is_floating:
            return tf.nn.relu6(x)
        return super().relu6(x)

    def sigmoid(self, x):
        return tf.sigmoid(as_float(x))

    def log_sigmoid(self, x):
        return tf.math.log_sigmoid(as_float(x))

    def softplus(self, x):
        return tf.nn.softplus(as_float(x))

    def softsign(self, x):
        return tf.nn.softsign(as_float(x))

    def silu(self, x):
        return tf.nn.silu(as_float(x))

    def leaky_relu(self, x, negative_slope=0.2):
        return tf.nn.leaky_relu(as_float(x), alpha=negative_slope)

    def elu(self, x, alpha=1.0):
        x = as_float(x)
        if alpha == 1.0:
            return tf.nn.elu(x)
        return tf.where(x > 0, x, alpha * tf.math.expm1(tf.minimum(x, 0)))

    def selu(self, x):
        return tf.nn.selu(as_float(x))

    def gelu(self, x, approximate=True):
        return tf.nn.gelu(as_float(x), approximate=approximate)

    def softmax(self, x, axis=-1):
        x = as_float(x)
        if isinstance(axis, int):
            return tf.nn.softmax(x, axis=axis)
        return super().softmax(x, axis=axis)

    def log_softmax(self, x, axis=-1):
        x = as_float(x)
        if isinstance(axis, int):
            return tf.nn.log_softmax(x, axis=axis)
        return super().log_softmax(x, axis=axis)

    def one_hot(self, x, num_classes, axis=-1, dtype=None, sparse=False):
        x = _t(x)
        if x.dtype not in (tf.int32, tf.int64, tf.uint8):
            x = tf.cast(x, "int32")
        return tf.one_hot(x, num_classes, axis=axis, dtype=_dt.standardize_dtype(dtype))

    # --------------------------------------------------------- convolutions
    def conv(self, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
        x, k, out_dtype = _conv_dtype(inputs, kernel)
        nd = x.shape.rank - 2
        df = _settings.standardize_data_format(data_format)
        strides = _cu.normalize_tuple(strides, nd, "strides")
        dil = _cu.normalize_tuple(dilation_rate, nd, "dilation_rate")
        padding = _cu.normalize_padding(padding)
        if df == "channels_first":
            x = _to_last(x, nd)
        if padding == "causal":
            pads = _cu.explicit_padding([0] * nd, k.shape[:nd], strides, dil, "causal")
            x = tf.pad(x, [[0, 0], *pads, [0, 0]])
            padding = "valid"
        in_ch, k_in = x.shape[-1], k.shape[-2]
        groups = in_ch // k_in if in_ch is not None and k_in else 1
        out = _grouped_conv(x, k, list(strides), padding.upper(), list(dil), groups)
        if df == "channels_first":
            out = _to_first(out, nd)
        return out if dname(out) == out_dtype else tf.cast(out, out_dtype)

    def depthwise_conv(
        self, inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1
    ):
        x, k, out_dtype = _conv_dtype(inputs, kernel)
        nd = x.shape.rank - 2
        df = _settings.standardize_data_format(data_format)
        strides = _cu.normalize_tuple(strides, nd, "strides")
        dil = _cu.normalize_tuple(dilation_rate, nd, "dilation_rate")
        padding = _cu.normalize_padding(padding)
        if df == "channels_first":
            x = _to_last(x, nd)
        if padding == "causal":
            pads = _cu.explicit_padding([0] * nd, k.shape[:nd], strides, dil, "causal")
            x = tf.pad(x, [[0, 0], *pads, [0, 0]])
            padding = "valid"
        pad = padding.upper()
        if nd == 1:
            out = self._depthwise_raw(
                tf.expand_dims(x, 1), tf.expand_dims(k, 0), (1, strides[0]), pad, (1, dil[0])
            )
            out = tf.squeeze(out, 1)
        elif nd == 2:
            out = self._depthwise_raw(x, k, strides, pad, dil)
        else:
            out = self._depthwise_3d(x, k, strides, pad, dil)
        if df == "channels_first":
            out = _to_first(out, nd)
        return out if dname(out) == out_dtype else tf.cast(out, out_dtype)

    @staticmethod
    def _depthwise_raw(x, k, strides, pad, dil):
        """The native kernel directly: it accepts stride and dilation together.

        With dilation and unit strides, ``tf.nn.depthwise_conv2d`` (space-to-batch around
        an undilated kernel) is used instead: the native kernel's gradient aborts in oneDNN
        when dilated."""
        if tuple(dil) != (1, 1) and tuple(strides) == (1, 1):
            return tf.nn.depthwise_conv2d(x, k, [1, 1, 1, 1], pad, dilations=list(dil))
        return tf.raw_ops.DepthwiseConv2dNative(
            input=x,
            filter=k,
            strides=[1, strides[0], strides[1], 1],
            padding=pad,
            dilations=[1, dil[0], dil[1], 1],
        )

    @staticmethod
    def _depthwise_3d(x, k, strides, pad, dil):
        """3-D depthwise conv: TF has no kernel, and grouped Conv3D is GPU-only.

        Few channels: one dense conv with a block-diagonal kernel (out channel
        ``c * m + j`` reads input channel ``c`` only).  Many: one conv per channel.
        """
        c, m = k.shape[-2], k.shape[-1]
        if c <= 32:
            eye = tf.eye(c, dtype=k.dtype)
            full = tf.einsum("...cm,cd->...cdm", k, eye)
            full = tf.reshape(full, [*k.shape[:3], c, c * m])
            return _raw_conv(x, full, list(strides), pad, list(dil))
        xs = tf.split(x, c, axis=-1)
        ks = tf.split(k, c, axis=-2)
        return tf.concat(
            [_raw_conv(a, b, list(strides), pad, list(dil)) for a, b in zip(xs, ks)], axis=-1
        )

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
        x, k, out_dtype = _conv_dtype(inputs, kernel)
        nd = x.shape.rank - 2
        df = _settings.standardize_data_format(data_format)
        strides = _cu.normalize_tuple(strides, nd, "strides")
        dil = _cu.normalize_tuple(dilation_rate, nd, "dilation_rate")
        padding = _cu.normalize_padding(padding)
        op = (
            [None] * nd
            if output_padding is None
            else list(_cu.normalize_tuple(output_padding, nd, "output_padding"))
        )
        if df == "channels_first":
            x = _to_last(x, nd)
        shape = static_or_dynamic_shape(x)
        spatial = shape[1 : nd + 1]
        ksz = k.shape.as_list()[:nd]
        out_ch = k.shape[-2]
        lengths = [
            _cu.conv_transpose_output_length(n, kk, padding, p, s, d)
            for n, kk, p, s, d in zip(spatial, ksz, op, strides, dil)
        ]
        # Padding of the conv this transposes (its gradient is what TF computes).
        conv_pad = []
        for n, kk, p, s, d in zip(spatial, ksz, op, strides, dil):
            before, _after = _cu.conv_transpose_padding(n, kk, padding, p, s, d)
            conv_pad.append(_cu.dilated_size(kk, d) - 1 - before)
        native = self._tf_transpose_padding(spatial, ksz, strides, dil, lengths, conv_pad, padding)
        if nd == 3 and any(d > 1 for d in dil):
            out = self._conv_transpose_as_conv(x, k, strides, dil, spatial, ksz, lengths, conv_pad)
        elif native is not None:
            out = tf.nn.conv_transpose(
                x, k, [shape[0], *lengths, out_ch], list(strides), native, dilations=list(dil)
            )
        else:
            # TF's VALID transpose (no cropping) to the full length, then crop/pad to
            # Keras' window: output position t is full position t + conv_pad.
            full = [
                (n - 1) * s + _cu.dilated_size(kk, d)
                for n, s, kk, d in zip(spatial, strides, ksz, dil)
            ]
            out = tf.nn.conv_transpose(
                x, k, [shape[0], *full, out_ch], list(strides), "VALID", dilations=list(dil)
            )
            out = self._crop(out, full, lengths, conv_pad)
        if df == "channels_first":
            out = _to_first(out, nd)
        return out if dname(out) == out_dtype else tf.cast(out, out_dtype)

    @staticmethod
    def _tf_transpose_padding(spatial, ksz, strides, dil, lengths, conv_pad, padding):
        """'SAME'/'VALID' when TF's implied padding for these output lengths is Keras'."""
        for mode in ("VALID", "SAME") if padding == "valid" else ("SAME", "VALID"):
            ok = True
            for n, kk, s, d, L, p in zip(spatial, ksz, strides, dil, lengths, conv_pad):
                dk = _cu.dilated_size(kk, d)
                if mode == "VALID":
                    ok = ok and L >= dk and (L - dk) // s + 1 == n and p == 0
                else:
                    total = max((n - 1) * s + dk - L, 0)
                    ok = ok and -(-L // s) == n and total // 2 == p
            if ok:
                return mode
        return None

    @staticmethod
    def _crop(out, full, lengths, conv_pad):
        nd = len(full)
        pads = [[0, 0]]
        begin = [0]
        size = [-1]
        for F, L, p in zip(full, lengths, conv_pad):
            extra = max(p + L - F, 0)
            pads.append([0, extra])
            begin.append(p)
            size.append(L)
        pads.append([0, 0])
        begin.append(0)
        size.append(-1)
        if any(pp[1] for pp in pads):
            out = tf.pad(out, pads)
        del nd
        return tf.slice(out, begin, size)

    @staticmethod
    def _conv_transpose_as_conv(x, k, strides, dil, spatial, ksz, lengths, conv_pad):
        """Forward conv of the stride-dilated input with the flipped, swapped kernel."""
        nd = len(strides)
        for a, s in enumerate(strides):
            x = _dilate(x, a + 1, s)
        pads = [[0, 0]]
        for n, kk, s, d, L, p in zip(spatial, ksz, strides, dil, lengths, conv_pad):
            dk = _cu.dilated_size(kk, d)
            before = dk - 1 - p
            after = L - ((n - 1) * s + 1) - before + dk - 1
            pads.append([before, after])
        pads.append([0, 0])
        if any(b < 0 or a < 0 for b, a in pads):
            crop_begin = [max(-b, 0) for b, _ in pads]
            crop_size = [-1] * len(pads)
            x = tf.slice(x, crop_begin, crop_size)
            pads = [[max(b, 0), max(a, 0)] for b, a in pads]
        x = tf.pad(x, pads)
        kf = tf.reverse(k, list(range(nd)))
        kf = tf.transpose(kf, [*range(nd), nd + 1, nd])
        out = _raw_conv(x, kf, [1] * nd, "VALID", list(dil))
        return tf.slice(out, [0] * (nd + 2), [-1, *lengths, -1])

    # ------------------------------------------------------------- pooling
    def _pool(self, inputs, pool_size, strides, padding, data_format, fn):
        x = _t(inputs)
        nd = x.shape.rank - 2
        df = _settings.standardize_data_format(data_format)
        pool = _cu.normalize_tuple(pool_size, nd, "pool_size")
        strides = pool if strides is None else _cu.normalize_tuple(strides, nd, "strides")
        padding = _cu.normalize_padding(padding)
        if df == "channels_first":
            x = _to_last(x, nd)
        out = fn(x, list(pool), list(strides), padding.upper(), data_format=_POOL_FORMAT[nd])
        if df == "channels_first":
            out = _to_first(out, nd)
        return out

    def max_pool(self, inputs, pool_size, strides=None, padding="valid", data_format=None):
        return self._pool(inputs, pool_size, strides, padding, data_format, tf.nn.max_pool)

    def average_pool(self, inputs, pool_size, strides=None, padding="valid", data_format=None):
        x = _t(inputs)
        d = dname(x)
        if not x.dtype.is_floating:
            x = as_float(x)
        out = self._pool(x, pool_size, strides, padding, data_format, tf.nn.avg_pool)
        return out if dname(out) == d or not _dt.is_float(d) else tf.cast(out, d)

    # ----------------------------------------------------------- normalisation
    def moments(self, x, axes, keepdims=False, synchronized=False):
        x = _t(x)
        d = dname(x)
        work = tf.cast(x, "float32") if d in ("float16", "bfloat16") else as_float(x)
        axes = [axes] if isinstance(axes, int) else list(axes)
        mean, var = tf.nn.moments(work, axes=axes, keepdims=keepdims)
        if d in ("float16", "bfloat16"):
            mean, var = tf.cast(mean, d), tf.cast(var, d)
        return mean, var

    def batch_normalization(self, x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
        x = as_float(x)
        nd = x.shape.rank
        axis = axis + nd if axis < 0 else axis
        dt = x.dtype

        def shaped(t):
            if t is None:
                return None
            t = to_tensor(t, dt.name)
            if axis == nd - 1 or t.shape.rank != 1:
                return t
            view = [1] * nd
            view[axis] = -1
            return tf.reshape(t, view)

        return tf.nn.batch_normalization(
            x, shaped(mean), shaped(variance), shaped(offset), shaped(scale), epsilon
        )

    def layer_normalization(self, x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
        # Keras 3: epsilon=None means backend.epsilon(); half precision runs in float32.
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = as_float(x)
        d = dname(x)
        low = d in ("float16", "bfloat16")
        work = tf.cast(x, "float32") if low else x
        axes = [axis] if isinstance(axis, int) else list(axis)
        mean, var = tf.nn.moments(work, axes=axes, keepdims=True)
        out = (work - mean) * tf.math.rsqrt(var + tf.cast(eps, work.dtype))
        if gamma is not None:
            out = out * to_tensor(gamma, dname(out))
        if beta is not None:
            out = out + to_tensor(beta, dname(out))
        return tf.cast(out, d) if low else out

    def rms_normalization(self, x, scale=None, axis=-1, epsilon=None):
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = as_float(x)
        ms = tf.reduce_mean(tf.square(x), axis=axis, keepdims=True)
        out = x * tf.math.rsqrt(ms + tf.cast(eps, x.dtype))
        return out if scale is None else self.multiply(out, scale)

    # -------------------------------------------------------------- losses
    def binary_crossentropy(self, target, output, from_logits=False):
        if not from_logits:
            return super().binary_crossentropy(target, output, from_logits)
        output = as_float(output)
        target = tf.cast(_t(target), output.dtype)
        self._check_same_shape("binary_crossentropy", target, output)
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)

    def categorical_crossentropy(self, target, output, from_logits=False, axis=-1):
        if not from_logits:
            return super().categorical_crossentropy(target, output, from_logits, axis)
        output = as_float(output)
        target = tf.cast(_t(target), output.dtype)
        self._check_same_shape("categorical_crossentropy", target, output)
        return tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)

    def sparse_categorical_crossentropy(self, target, output, from_logits=False, axis=-1):
        output = as_float(output)
        target = _t(target)
        rank = output.shape.rank
        if (
            not from_logits
            or (axis != -1 and axis != rank - 1)
            or output.dtype in (tf.float16, tf.bfloat16)
        ):
            return super().sparse_categorical_crossentropy(target, output, from_logits, axis)
        if target.shape.rank == rank and target.shape[-1] == 1:
            target = tf.squeeze(target, -1)
        if target.shape.rank != rank - 1:
            raise ValueError(
                "Argument `output` must have rank (ndim) `target.ndim + 1`. "
                f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
            )
        if target.dtype not in (tf.int32, tf.int64):
            target = tf.cast(target, "int32")
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
