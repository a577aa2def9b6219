"""Neural-network ops of the backend protocol (``kerasx.ops.nn``).

Convolutions and pooling are primitives.  Activations, normalisations, losses and
attention have portable defaults written with protocol ops; adapters override the hot
ones (relu, sigmoid, softmax, gelu...) with their framework's fused kernels.

Layout conventions (Keras 3): ``data_format`` is already resolved to
``"channels_last"`` or ``"channels_first"`` by the frontend, or ``None`` for the
configured default (``common.settings.standardize_data_format``).  Kernels are
``(*spatial, in_channels, out_channels)`` for ``conv``, ``(*spatial, in_channels,
multiplier)`` for ``depthwise_conv`` and ``(*spatial, out_channels, in_channels)`` for
``conv_transpose``.  ``padding="same"`` pads like TensorFlow (extra element after); see
``common.conv_utils``.  Average pooling with ``"same"`` averages real elements only.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from typing import Any

from kerasx.backends.common import dtypes as _dt
from kerasx.backends.common import settings as _settings

Tensor = Any
IntOrTuple = int | Sequence[int]


class NNProtocol(abc.ABC):
    """Activations, convolution, pooling, normalisation, crossentropies, attention."""

    # ------------------------------------------------------------ activations
    def relu(self, x: Tensor) -> Tensor:
        return self.maximum(x, 0)

    def relu6(self, x: Tensor) -> Tensor:
        return self.clip(x, 0, 6)

    def sigmoid(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.divide(1.0, self.add(1.0, self.exp(self.negative(x))))

    def log_sigmoid(self, x: Tensor) -> Tensor:
        return self.negative(self.softplus(self.negative(self._float(x))))

    def softplus(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.add(self.relu(x), self.log1p(self.exp(self.negative(self.abs(x)))))

    def softsign(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.divide(x, self.add(1.0, self.abs(x)))

    def silu(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.multiply(x, self.sigmoid(x))

    def hard_sigmoid(self, x: Tensor) -> Tensor:
        return self.clip(self.add(self.divide(self._float(x), 6.0), 0.5), 0.0, 1.0)

    def hard_silu(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.multiply(x, self.hard_sigmoid(x))

    def hard_tanh(self, x: Tensor) -> Tensor:
        return self.clip(self._float(x), -1.0, 1.0)

    def hard_shrink(self, x: Tensor, threshold: float = 0.5) -> Tensor:
        x = self._float(x)
        return self.where(self.greater(self.abs(x), threshold), x, self.zeros_like(x))

    def soft_shrink(self, x: Tensor, threshold: float = 0.5) -> Tensor:
        x = self._float(x)
        return self.where(
            self.greater(x, threshold),
            self.subtract(x, threshold),
            self.where(self.less(x, -threshold), self.add(x, threshold), self.zeros_like(x)),
        )

    def tanh_shrink(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.subtract(x, self.tanh(x))

    def leaky_relu(self, x: Tensor, negative_slope: float = 0.2) -> Tensor:
        x = self._float(x)
        return self.where(self.greater_equal(x, 0), x, self.multiply(x, negative_slope))

    def elu(self, x: Tensor, alpha: float = 1.0) -> Tensor:
        x = self._float(x)
        return self.where(
            self.greater(x, 0), x, self.multiply(alpha, self.expm1(self.minimum(x, 0)))
        )

    def selu(self, x: Tensor) -> Tensor:
        alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
        return self.multiply(scale, self.elu(x, alpha))

    def celu(self, x: Tensor, alpha: float = 1.0) -> Tensor:
        x = self._float(x)
        return self.add(
            self.relu(x), self.multiply(alpha, self.expm1(self.divide(self.minimum(x, 0), alpha)))
        )

    def gelu(self, x: Tensor, approximate: bool = True) -> Tensor:
        x = self._float(x)
        if approximate:
            c = math.sqrt(2.0 / math.pi)
            inner = self.multiply(c, self.add(x, self.multiply(0.044715, self.power(x, 3))))
            return self.multiply(self.multiply(0.5, x), self.add(1.0, self.tanh(inner)))
        return self.multiply(
            self.multiply(0.5, x), self.add(1.0, self.erf(self.divide(x, math.sqrt(2.0))))
        )

    def glu(self, x: Tensor, axis: int = -1) -> Tensor:
        a, b = self.split(self._float(x), 2, axis=axis)
        return self.multiply(a, self.sigmoid(b))

    def squareplus(self, x: Tensor, b: float = 4) -> Tensor:
        x = self._float(x)
        return self.divide(self.add(x, self.sqrt(self.add(self.square(x), b))), 2.0)

    def sparse_plus(self, x: Tensor) -> Tensor:
        x = self._float(x)
        mid = self.multiply(0.25, self.square(self.add(x, 1.0)))
        return self.where(
            self.less_equal(x, -1.0),
            self.zeros_like(x),
            self.where(self.greater_equal(x, 1.0), x, mid),
        )

    def sparse_sigmoid(self, x: Tensor) -> Tensor:
        x = self._float(x)
        return self.clip(self.multiply(0.5, self.add(x, 1.0)), 0.0, 1.0)

    def threshold(self, x: Tensor, threshold: float, default_value: float) -> Tensor:
        x = self.convert_to_tensor(x)
        return self.where(self.greater(x, threshold), x, self.full_like(x, default_value))

    def softmax(self, x: Tensor, axis: int | Sequence[int] | None = -1) -> Tensor:
        x = self._float(x)
        e = self.exp(self.subtract(x, self.stop_gradient(self.max(x, axis=axis, keepdims=True))))
        return self.divide(e, self.sum(e, axis=axis, keepdims=True))

    def log_softmax(self, x: Tensor, axis: int | Sequence[int] | None = -1) -> Tensor:
        x = self._float(x)
        shifted = self.subtract(x, self.stop_gradient(self.max(x, axis=axis, keepdims=True)))
        return self.subtract(
            shifted, self.log(self.sum(self.exp(shifted), axis=axis, keepdims=True))
        )

    def sparsemax(self, x: Tensor, axis: int = -1) -> Tensor:
        x = self.moveaxis(self._float(x), axis, -1)
        n = self.shape(x)[-1]
        zs = self.flip(self.sort(x, axis=-1), axis=-1)
        k = self.arange(1, n + 1, dtype=self.dtype(x))
        cums = self.cumsum(zs, axis=-1)
        support = self.greater(self.add(1.0, self.multiply(k, zs)), cums)
        kz = self.sum(self.cast(support, "int32"), axis=-1, keepdims=True)
        tau_sum = self.take_along_axis(cums, self.subtract(kz, 1), axis=-1)
        tau = self.divide(self.subtract(tau_sum, 1.0), self.cast(kz, self.dtype(x)))
        return self.moveaxis(self.maximum(self.subtract(x, tau), 0.0), -1, axis)

    # ------------------------------------------------------------- encodings
    def one_hot(
        self,
        x: Tensor,
        num_classes: int,
        axis: int = -1,
        dtype: str | None = None,
        sparse: bool = False,
    ) -> Tensor:
        x = self.convert_to_tensor(x)
        classes = self.arange(num_classes, dtype=self.dtype(x))
        out = self.cast(self.equal(self.expand_dims(x, -1), classes), _dt.standardize_dtype(dtype))
        if axis != -1:
            out = self.moveaxis(out, -1, axis)
        return out

    def multi_hot(
        self,
        inputs: Tensor,
        num_classes: int | None = None,
        axis: int = -1,
        dtype: str | None = None,
        sparse: bool = False,
        **kwargs: Any,
    ) -> Tensor:
        num_classes = kwargs.pop("num_tokens", num_classes)
        x = self.convert_to_tensor(inputs)
        squeeze = len(self.shape(x)) <= 1
        if squeeze:
            x = self.expand_dims(x, 0)
        oh = self.one_hot(x, num_classes, dtype="int32")
        out = self.cast(self.greater(self.max(oh, axis=-2), 0), _dt.standardize_dtype(dtype))
        if axis != -1:
            out = self.moveaxis(out, -1, axis)
        return self.squeeze(out, 0) if squeeze else out

    # --------------------------------------------------------- convolutions
    @abc.abstractmethod
    def conv(
        self,
        inputs: Tensor,
        kernel: Tensor,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
    ) -> Tensor:
        """N-D convolution (1, 2 or 3 spatial dims); grouped when ``in_channels`` is a
        multiple of the kernel's input channels."""

    @abc.abstractmethod
    def depthwise_conv(
        self,
        inputs: Tensor,
        kernel: Tensor,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
    ) -> Tensor:
        """Per-channel convolution; output channels = in_channels * multiplier."""

    def separable_conv(
        self,
        inputs: Tensor,
        depthwise_kernel: Tensor,
        pointwise_kernel: Tensor,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
    ) -> Tensor:
        depth = self.depthwise_conv(
            inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
        )
        return self.conv(depth, pointwise_kernel, 1, "valid", data_format, 1)

    @abc.abstractmethod
    def conv_transpose(
        self,
        inputs: Tensor,
        kernel: Tensor,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        output_padding: IntOrTuple | None = None,
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
    ) -> Tensor:
        """Transposed convolution with Keras' output length rule
        (``common.conv_utils.conv_transpose_output_length``)."""

    @abc.abstractmethod
    def max_pool(
        self,
        inputs: Tensor,
        pool_size: IntOrTuple,
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = None,
    ) -> Tensor: ...

    @abc.abstractmethod
    def average_pool(
        self,
        inputs: Tensor,
        pool_size: IntOrTuple,
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = None,
    ) -> Tensor: ...

    def depth_to_space(
        self, x: Tensor, block_size: int, data_format: str = "channels_last"
    ) -> Tensor:
        x = self.convert_to_tensor(x)
        if data_format == "channels_first":
            x = self.transpose(x, (0, 2, 3, 1))
        b, h, w, c = self.shape(x)
        bs = block_size
        x = self.reshape(x, (b, h, w, bs, bs, c // (bs * bs)))
        x = self.transpose(x, (0, 1, 3, 2, 4, 5))
        x = self.reshape(x, (b, h * bs, w * bs, c // (bs * bs)))
        return self.transpose(x, (0, 3, 1, 2)) if data_format == "channels_first" else x

    def space_to_depth(
        self, x: Tensor, block_size: int, data_format: str = "channels_last"
    ) -> Tensor:
        x = self.convert_to_tensor(x)
        if data_format == "channels_first":
            x = self.transpose(x, (0, 2, 3, 1))
        b, h, w, c = self.shape(x)
        bs = block_size
        x = self.reshape(x, (b, h // bs, bs, w // bs, bs, c))
        x = self.transpose(x, (0, 1, 3, 2, 4, 5))
        x = self.reshape(x, (b, h // bs, w // bs, bs * bs * c))
        return self.transpose(x, (0, 3, 1, 2)) if data_format == "channels_first" else x

    # ----------------------------------------------------------- normalisation
    def moments(
        self, x: Tensor, axes: Sequence[int], keepdims: bool = False, synchronized: bool = False
    ) -> tuple[Tensor, Tensor]:
        x = self.convert_to_tensor(x)
        dtype = self.dtype(x)
        # Low-precision inputs are reduced in float32 to avoid overflow.
        work = self.cast(x, "float32") if dtype in ("float16", "bfloat16") else self._float(x)
        axes = tuple(axes) if not isinstance(axes, int) else (axes,)
        mean = self.mean(work, axis=axes, keepdims=True)
        var = self.mean(
            self.square(self.subtract(work, self.stop_gradient(mean))), axis=axes, keepdims=True
        )
        if not keepdims:
            mean, var = self.squeeze(mean, axis=axes), self.squeeze(var, axis=axes)
        if dtype in ("float16", "bfloat16"):
            mean, var = self.cast(mean, dtype), self.cast(var, dtype)
        return mean, var

    def batch_normalization(
        self,
        x: Tensor,
        mean: Tensor,
        variance: Tensor,
        axis: int,
        offset: Tensor | None = None,
        scale: Tensor | None = None,
        epsilon: float = 1e-3,
    ) -> Tensor:
        x = self.convert_to_tensor(x)
        ndim = len(self.shape(x))
        axis = axis + ndim if axis < 0 else axis
        view = [1] * ndim
        view[axis] = -1

        def shaped(t: Tensor) -> Tensor:
            return self.reshape(t, view)

        inv = self.divide(1.0, self.sqrt(self.add(shaped(variance), epsilon)))
        if scale is not None:
            inv = self.multiply(inv, shaped(scale))
        out = self.multiply(self.subtract(x, shaped(mean)), inv)
        if offset is not None:
            out = self.add(out, shaped(offset))
        return out

    def layer_normalization(
        self,
        x: Tensor,
        gamma: Tensor | None = None,
        beta: Tensor | None = None,
        axis: int | Sequence[int] = -1,
        epsilon: float | None = None,
        **kwargs: Any,
    ) -> Tensor:
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = self._float(x)
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        mean, var = self.moments(x, axes, keepdims=True)
        out = self.multiply(self.subtract(x, mean), self.divide(1.0, self.sqrt(self.add(var, eps))))
        if gamma is not None:
            out = self.multiply(out, gamma)
        if beta is not None:
            out = self.add(out, beta)
        return out

    def rms_normalization(
        self,
        x: Tensor,
        scale: Tensor | None = None,
        axis: int | Sequence[int] = -1,
        epsilon: float | None = None,
    ) -> Tensor:
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = self._float(x)
        ms = self.mean(self.square(x), axis=axis, keepdims=True)
        out = self.multiply(x, self.divide(1.0, self.sqrt(self.add(ms, eps))))
        return out if scale is None else self.multiply(out, scale)

    def normalize(
        self, x: Tensor, axis: int = -1, order: int = 2, epsilon: float | None = None
    ) -> Tensor:
        eps = _settings.epsilon() if epsilon is None else epsilon
        x = self._float(x)
        if order == 2:
            sq = self.sum(self.square(x), axis=axis, keepdims=True)
            return self.multiply(x, self.divide(1.0, self.sqrt(self.maximum(sq, eps * eps))))
        n = self.sum(self.power(self.abs(x), float(order)), axis=axis, keepdims=True)
        return self.divide(x, self.maximum(self.power(n, 1.0 / order), eps))

    # -------------------------------------------------------------- losses
    def binary_crossentropy(
        self, target: Tensor, output: Tensor, from_logits: bool = False
    ) -> Tensor:
        output = self._float(output)
        target = self.cast(target, self.dtype(output))
        self._check_same_shape("binary_crossentropy", target, output)
        if from_logits:
            # max(x, 0) - x * z + log(1 + exp(-|x|)), stable for large |x|.
            return self.add(
                self.subtract(self.relu(output), self.multiply(output, target)),
                self.log1p(self.exp(self.negative(self.abs(output)))),
            )
        eps = _settings.epsilon()
        p = self.clip(output, eps, 1.0 - eps)
        return self.negative(
            self.add(
                self.multiply(target, self.log(p)),
                self.multiply(self.subtract(1.0, target), self.log(self.subtract(1.0, p))),
            )
        )

    def categorical_crossentropy(
        self, target: Tensor, output: Tensor, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        output = self._float(output)
        target = self.cast(target, self.dtype(output))
        self._check_same_shape("categorical_crossentropy", target, output)
        if from_logits:
            logp = self.log_softmax(output, axis=axis)
        else:
            eps = _settings.epsilon()
            probs = self.divide(output, self.sum(output, axis=axis, keepdims=True))
            logp = self.log(self.clip(probs, eps, 1.0 - eps))
        return self.negative(self.sum(self.multiply(target, logp), axis=axis))

    def sparse_categorical_crossentropy(
        self, target: Tensor, output: Tensor, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        output = self._float(output)
        target = self.convert_to_tensor(target)
        if len(self.shape(target)) == len(self.shape(output)) and self.shape(target)[-1] == 1:
            target = self.squeeze(target, axis=-1)
        if len(self.shape(target)) != len(self.shape(output)) - 1:
            raise ValueError(
                "Argument `output` must have rank (ndim) `target.ndim + 1`. "
                f"Received: target.shape={self.shape(target)}, output.shape={self.shape(output)}"
            )
        if from_logits:
            logp = self.log_softmax(output, axis=axis)
        else:
            eps = _settings.epsilon()
            probs = self.divide(output, self.sum(output, axis=axis, keepdims=True))
            logp = self.log(self.clip(probs, eps, 1.0 - eps))
        num = self.shape(output)[axis]
        oh = self.one_hot(self.cast(target, "int32"), num, axis=axis, dtype=self.dtype(output))
        return self.negative(self.sum(self.multiply(oh, logp), axis=axis))

    def psnr(self, x1: Tensor, x2: Tensor, max_val: float) -> Tensor:
        x1, x2 = self._float(x1), self._float(x2)
        mse = self.mean(self.square(self.subtract(x1, x2)))
        return self.subtract(20.0 * math.log10(max_val), self.multiply(10.0, self.log10(mse)))

    # ----------------------------------------------------------- attention
    def dot_product_attention(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        bias: Tensor | None = None,
        mask: Tensor | None = None,
        scale: float | None = None,
        is_causal: bool = False,
        flash_attention: bool | None = None,
        attn_logits_soft_cap: float | None = None,
    ) -> Tensor:
        """Scaled dot-product attention over ``(batch, seq, heads, dim)`` tensors."""
        q, k, v = self._float(query), self._float(key), self._float(value)
        d = self.shape(q)[-1]
        scale = 1.0 / math.sqrt(d) if scale is None else scale
        # (B, T, N, H) x (B, S, N, H) -> (B, N, T, S)
        logits = self.multiply(self.einsum("btnh,bsnh->bnts", q, k), scale)
        if attn_logits_soft_cap is not None:
            logits = self.multiply(
                self.tanh(self.divide(logits, attn_logits_soft_cap)), attn_logits_soft_cap
            )
        if bias is not None:
            logits = self.add(logits, bias)
        neg = -0.7 * 3.4028234663852886e38 if self.dtype(logits) == "float32" else -3e4
        if mask is not None:
            logits = self.where(self.cast(mask, "bool"), logits, neg)
        if is_causal:
            t, s = self.shape(logits)[-2:]
            causal = self.tri(t, s, k=0, dtype="bool")
            logits = self.where(causal, logits, neg)
        probs = self.softmax(logits, axis=-1)
        return self.einsum("bnts,bsnh->btnh", probs, v)

    # ------------------------------------------------------------- helpers
    def _check_same_shape(self, op: str, target: Tensor, output: Tensor) -> None:
        ts, os_ = self.shape(target), self.shape(output)
        if len(ts) != len(os_) or any(
            a is not None and b is not None and a != b for a, b in zip(ts, os_)
        ):
            raise ValueError(
                f"Arguments `target` and `output` of `{op}` must have the same shape. "
                f"Received: target.shape={ts}, output.shape={os_}"
            )
