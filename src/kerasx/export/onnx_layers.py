"""Per-layer ONNX converters, keyed by the Keras class name.

A converter receives the graph builder, the layer, the ONNX names of its input tensors
and the Functional :class:`~kerasx.engine.operation.Node` (for static shapes and
dtypes), and returns the ONNX names of its outputs.  Only inference behaviour is
exported: dropout and noise layers become identities, batch normalization uses its
moving statistics.  Keras keeps images channels-last while ONNX convolutions and
pooling are channels-first, so those layers are wrapped in two transposes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kerasx.backends.common import settings
from kerasx.export.onnx_activations import emit_activation
from kerasx.export.onnx_builder import OnnxGraphBuilder

Converter = Callable[[OnnxGraphBuilder, Any, list[str], Any], list[str]]
CONVERTERS: dict[str, Converter] = {}


def converter(*class_names: str) -> Callable[[Converter], Converter]:
    def register(fn: Converter) -> Converter:
        for name in class_names:
            CONVERTERS[name] = fn
        return fn

    return register


# ------------------------------------------------------------------ helpers
def _np(variable: Any, dtype: Any = None) -> np.ndarray:
    arr = np.asarray(variable.numpy())
    return arr.astype(dtype) if dtype is not None else arr


def _in_shape(node: Any, i: int = 0) -> tuple[Any, ...]:
    return tuple(node.input_tensors[i].shape)


def _in_dtype(node: Any, i: int = 0) -> np.dtype:
    return np.dtype(str(node.input_tensors[i].dtype))


def _out_dtype(node: Any, i: int = 0) -> np.dtype:
    return np.dtype(str(node.outputs[i].dtype))


def _to_channels_first(b: OnnxGraphBuilder, x: str, rank: int, data_format: str) -> str:
    if data_format == "channels_first":
        return x
    return b.op("Transpose", [x], name="to_nchw", perm=[0, rank + 1, *range(1, rank + 1)])


def _to_channels_last(b: OnnxGraphBuilder, x: str, rank: int, data_format: str) -> str:
    if data_format == "channels_first":
        return x
    return b.op("Transpose", [x], name="to_nhwc", perm=[0, *range(2, rank + 2), 1])


def _spatial_sizes(shape: tuple[Any, ...], rank: int, data_format: str) -> tuple[Any, ...]:
    return shape[1 : rank + 1] if data_format == "channels_last" else shape[2 : rank + 2]


def _pads(
    sizes: tuple[Any, ...],
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    dilations: tuple[int, ...],
    padding: str,
) -> dict[str, Any]:
    """ONNX padding attributes reproducing Keras ``valid``/``same``/``causal``.

    ``same`` puts the odd extra pixel at the end (TensorFlow's rule); with known
    spatial sizes the pads are written out explicitly, otherwise ``SAME_UPPER``.
    """
    rank = len(kernel)
    if padding == "valid":
        return {"pads": [0] * (2 * rank)}
    if padding == "causal":
        return {"pads": [(kernel[0] - 1) * dilations[0], 0]}
    if any(s is None for s in sizes):
        return {"auto_pad": "SAME_UPPER"}
    begin, end = [], []
    for n, k, s, d in zip(sizes, kernel, strides, dilations):
        out = -(-n // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
        begin.append(total // 2)
        end.append(total - total // 2)
    return {"pads": begin + end}


def _norm_axes(axis: Any, ndim: int) -> list[int]:
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    return sorted(a % ndim for a in axes)


# ------------------------------------------------------------- core layers
@converter(
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "ActivityRegularization",
    "Identity",
)
def _identity(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    # Inference-time behaviour of these layers is the identity.
    return [ins[0]]


@converter("Dense")
def _dense(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    dt = _out_dtype(node)
    y = b.op("MatMul", [ins[0], b.const(_np(layer.kernel, dt), layer.name + "/kernel")])
    if layer.use_bias:
        y = b.op("Add", [y, b.const(_np(layer.bias, dt), layer.name + "/bias")])
    return [emit_activation(b, y, layer.activation, dt, layer.name)]


@converter("Activation")
def _activation(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [emit_activation(b, ins[0], layer.activation, _out_dtype(node), layer.name)]


@converter("ReLU")
def _relu(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    dt, x = _out_dtype(node), ins[0]
    slope, thr, cap = float(layer.negative_slope), float(layer.threshold), layer.max_value
    if slope == 0.0 and thr == 0.0:
        y = b.op("Relu", [x])
    else:
        thr_c = b.scalar(thr, dt)
        below = b.op("Mul", [b.op("Sub", [x, thr_c]), b.scalar(slope, dt)])
        y = b.op("Where", [b.op("Greater", [x, thr_c]), x, below], name="relu")
    if cap is not None:
        y = b.op("Min", [y, b.scalar(float(cap), dt)], name="relu_cap")
    return [y]


@converter("LeakyReLU")
def _leaky_relu(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [b.op("LeakyRelu", [ins[0]], alpha=float(layer.negative_slope))]


@converter("ELU")
def _elu(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [b.op("Elu", [ins[0]], alpha=float(layer.alpha))]


@converter("PReLU")
def _prelu(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    alpha = b.const(_np(layer.alpha, _out_dtype(node)), layer.name + "/alpha")
    return [b.op("PRelu", [ins[0], alpha])]


@converter("Softmax")
def _softmax(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    axes = layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis]
    if len(axes) == 1:
        return [b.op("Softmax", [ins[0]], axis=int(axes[0]))]
    # Softmax over several axes: exp(x - max) / sum(exp(x - max)).
    ndim = len(_in_shape(node))
    axes = _norm_axes(axes, ndim)
    shifted = b.op("Sub", [ins[0], b.op("ReduceMax", [ins[0]], axes=axes, keepdims=1)])
    e = b.op("Exp", [shifted])
    total = b.op("ReduceSum", [e, b.int64s(axes)], keepdims=1)
    return [b.op("Div", [e, total], name="softmax")]


@converter("Rescaling")
def _rescaling(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    dt = _out_dtype(node)
    x = ins[0] if _in_dtype(node) == dt else b.op("Cast", [ins[0]], to=_onnx_type(b, dt))
    scale = np.asarray(layer.scale, dtype=dt)
    offset = np.asarray(layer.offset, dtype=dt)
    if scale.ndim > 0 and settings.image_data_format() == "channels_first":
        # A per-channel scale lines up with the channel axis (-3), as in the layer.
        scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
    y = b.op("Mul", [x, b.const(scale, layer.name + "/scale")])
    return [b.op("Add", [y, b.const(offset, layer.name + "/offset")])]


def _onnx_type(b: OnnxGraphBuilder, dtype: Any) -> int:
    return int(b.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype)))


# ---------------------------------------------------------------- reshaping
@converter("Flatten")
def _flatten(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    x, ndim = ins[0], len(_in_shape(node))
    if layer.data_format == "channels_first" and ndim > 2:
        x = b.op("Transpose", [x], perm=[0, *range(2, ndim), 1])
    return [b.op("Flatten", [x], axis=1)]


@converter("Reshape")
def _reshape(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    # 0 copies the (dynamic) batch dimension.
    target = [0] + [int(d) for d in layer.target_shape]
    return [b.op("Reshape", [ins[0], b.int64s(target)])]


@converter("Permute")
def _permute(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [b.op("Transpose", [ins[0]], perm=[0, *[int(d) for d in layer.dims]])]


@converter("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D")
def _zero_padding(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    ndim = len(_in_shape(node))
    pairs = layer.padding
    if isinstance(pairs[0], int):  # ZeroPadding1D stores (left, right)
        pairs = (tuple(pairs),)
    data_format = getattr(layer, "data_format", "channels_last")
    first = 1 if data_format == "channels_last" else 2
    begin, end = [0] * ndim, [0] * ndim
    for i, (lo, hi) in enumerate(pairs):
        begin[first + i], end[first + i] = int(lo), int(hi)
    return [b.op("Pad", [ins[0], b.int64s(begin + end)], mode="constant")]


@converter("Cropping1D", "Cropping2D", "Cropping3D")
def _cropping(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    pairs = layer.cropping
    if isinstance(pairs[0], int):  # Cropping1D stores (start, end)
        pairs = (tuple(pairs),)
    first = 1 if getattr(layer, "data_format", "channels_last") == "channels_last" else 2
    big = np.iinfo(np.int64).max  # "to the end" when nothing is cropped there
    starts = [int(lo) for lo, _ in pairs]
    ends = [-int(hi) if hi else big for _, hi in pairs]
    axes = [first + i for i in range(len(pairs))]
    return [b.op("Slice", [ins[0], b.int64s(starts), b.int64s(ends), b.int64s(axes)], name="crop")]


@converter("UpSampling1D", "UpSampling2D", "UpSampling3D")
def _upsampling(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    interpolation = getattr(layer, "interpolation", "nearest")
    if interpolation != "nearest":
        raise ValueError(
            f"ONNX export supports {type(layer).__name__} only with interpolation='nearest' "
            f"(layer '{layer.name}' uses {interpolation!r})."
        )
    ndim = len(_in_shape(node))
    size = layer.size if isinstance(layer.size, (list, tuple)) else (layer.size,)
    data_format = getattr(layer, "data_format", "channels_last")
    first = 1 if data_format == "channels_last" else 2
    scales = [1.0] * ndim
    for i, s in enumerate(size):
        scales[first + i] = float(s)
    return [
        b.op(
            "Resize",
            [ins[0], "", b.const(np.asarray(scales, np.float32), "scales")],
            mode="nearest",
            coordinate_transformation_mode="asymmetric",
            nearest_mode="floor",
        )
    ]


# ---------------------------------------------------------- convolutions
def _conv_core(
    b: OnnxGraphBuilder, layer: Any, x: str, node: Any, weight: np.ndarray, group: int
) -> str:
    rank = layer.rank
    dt = _out_dtype(node)
    sizes = _spatial_sizes(_in_shape(node), rank, layer.data_format)
    attrs = _pads(sizes, layer.kernel_size, layer.strides, layer.dilation_rate, layer.padding)
    xin = _to_channels_first(b, x, rank, layer.data_format)
    inputs = [xin, b.const(weight.astype(dt), layer.name + "/kernel")]
    if layer.use_bias:
        inputs.append(b.const(_np(layer.bias, dt), layer.name + "/bias"))
    y = b.op(
        "Conv",
        inputs,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        group=int(group),
        **attrs,
    )
    y = _to_channels_last(b, y, rank, layer.data_format)
    return emit_activation(b, y, layer.activation, dt, layer.name)


@converter("Conv1D", "Conv2D", "Conv3D")
def _conv(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    rank = layer.rank
    # Keras (k..., in/groups, out) -> ONNX (out, in/groups, k...)
    weight = np.transpose(_np(layer.kernel), (rank + 1, rank, *range(rank)))
    return [_conv_core(b, layer, ins[0], node, weight, layer.groups)]


@converter("DepthwiseConv1D", "DepthwiseConv2D")
def _depthwise_conv(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    rank = layer.rank
    kernel = _np(layer.kernel)  # (k..., in, multiplier)
    channels, mult = kernel.shape[-2], kernel.shape[-1]
    # Output channel c * multiplier + m reads input channel c: (in*mult, 1, k...).
    weight = np.transpose(kernel, (rank, rank + 1, *range(rank))).reshape(
        channels * mult, 1, *kernel.shape[:rank]
    )
    return [_conv_core(b, layer, ins[0], node, weight, channels)]


@converter("SeparableConv1D", "SeparableConv2D")
def _separable_conv(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    rank, dt = layer.rank, _out_dtype(node)
    kernel = _np(layer.depthwise_kernel)  # (k..., in, multiplier)
    channels, mult = kernel.shape[-2], kernel.shape[-1]
    depthwise = np.transpose(kernel, (rank, rank + 1, *range(rank))).reshape(
        channels * mult, 1, *kernel.shape[:rank]
    )
    pointwise = np.transpose(_np(layer.pointwise_kernel), (rank + 1, rank, *range(rank)))
    sizes = _spatial_sizes(_in_shape(node), rank, layer.data_format)
    attrs = _pads(sizes, layer.kernel_size, layer.strides, layer.dilation_rate, layer.padding)
    x = _to_channels_first(b, ins[0], rank, layer.data_format)
    x = b.op(
        "Conv",
        [x, b.const(depthwise.astype(dt), layer.name + "/depthwise_kernel")],
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        group=int(channels),
        **attrs,
    )
    inputs = [x, b.const(pointwise.astype(dt), layer.name + "/pointwise_kernel")]
    if layer.use_bias:
        inputs.append(b.const(_np(layer.bias, dt), layer.name + "/bias"))
    y = b.op("Conv", inputs, kernel_shape=[1] * rank)
    y = _to_channels_last(b, y, rank, layer.data_format)
    return [emit_activation(b, y, layer.activation, dt, layer.name)]


# ------------------------------------------------------------------ pooling
@converter(
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
)
def _pooling(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    rank = len(layer.pool_size)
    sizes = _spatial_sizes(_in_shape(node), rank, layer.data_format)
    attrs = _pads(sizes, layer.pool_size, layer.strides, (1,) * rank, layer.padding)
    x = _to_channels_first(b, ins[0], rank, layer.data_format)
    op_type = "MaxPool" if type(layer).__name__.startswith("Max") else "AveragePool"
    y = b.op(op_type, [x], kernel_shape=list(layer.pool_size), strides=list(layer.strides), **attrs)
    return [_to_channels_last(b, y, rank, layer.data_format)]


@converter(
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
)
def _global_pooling(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    ndim = len(_in_shape(node))
    first = 1 if layer.data_format == "channels_last" else 2
    axes = list(range(first, first + ndim - 2))
    op_type = "ReduceMax" if "Max" in type(layer).__name__ else "ReduceMean"
    return [b.op(op_type, [ins[0]], axes=axes, keepdims=int(layer.keepdims))]


# ------------------------------------------------------------ normalization
@converter("BatchNormalization")
def _batch_norm(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    dt = _out_dtype(node)
    ndim = len(_in_shape(node))
    axes = _norm_axes(layer.axis, ndim)
    mean = _np(layer.moving_mean, np.float32)
    var = _np(layer.moving_variance, np.float32)
    inv = (1.0 / np.sqrt(var + np.float32(layer.epsilon))).astype(np.float32)
    if layer.scale:
        inv = inv * _np(layer.gamma, np.float32)
    shift = -mean * inv
    if layer.center:
        shift = shift + _np(layer.beta, np.float32)
    shape = [1] * ndim
    for a, n in zip(axes, mean.shape if mean.ndim == len(axes) else (mean.size,)):
        shape[a] = n
    scale_c = b.const(inv.reshape(shape).astype(dt), layer.name + "/scale")
    shift_c = b.const(shift.reshape(shape).astype(dt), layer.name + "/shift")
    return [b.op("Add", [b.op("Mul", [ins[0], scale_c]), shift_c], name="batchnorm")]


@converter("LayerNormalization")
def _layer_norm(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    dt = _out_dtype(node)
    shape = _in_shape(node)
    ndim = len(shape)
    axes = _norm_axes(layer.axis, ndim)
    bshape = [shape[a] if a in axes else 1 for a in range(ndim)]
    x = ins[0]
    mean = b.op("ReduceMean", [x], axes=axes, keepdims=1)
    centered = b.op("Sub", [x, mean])
    var = b.op("ReduceMean", [b.op("Mul", [centered, centered])], axes=axes, keepdims=1)
    inv = b.op(
        "Reciprocal", [b.op("Sqrt", [b.op("Add", [var, b.scalar(float(layer.epsilon), dt)])])]
    )
    if layer.rms_scaling:
        # Keras scales by the variance (not the mean square) and never adds beta here.
        y = b.op("Mul", [x, inv])
        if layer.gamma is not None:
            y = b.op(
                "Mul", [y, b.const(_np(layer.gamma, dt).reshape(bshape), layer.name + "/gamma")]
            )
        return [y]
    y = b.op("Mul", [centered, inv])
    if layer.gamma is not None:
        y = b.op("Mul", [y, b.const(_np(layer.gamma, dt).reshape(bshape), layer.name + "/gamma")])
    if layer.beta is not None:
        y = b.op("Add", [y, b.const(_np(layer.beta, dt).reshape(bshape), layer.name + "/beta")])
    return [y]


# ------------------------------------------------------------------ embedding
@converter("Embedding")
def _embedding(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    if getattr(layer, "mask_zero", False):
        raise ValueError(
            f"ONNX export does not carry Keras masks: Embedding layer '{layer.name}' has "
            "mask_zero=True. Export a model built with mask_zero=False."
        )
    table = b.const(_np(layer.embeddings, _out_dtype(node)), layer.name + "/embeddings")
    idx = b.op("Cast", [ins[0]], to=_onnx_type(b, np.int64))
    return [b.op("Gather", [table, idx], axis=0)]


# ------------------------------------------------------------------ merging
@converter("Add")
def _add(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [b.op("Sum", list(ins))]


@converter("Subtract")
def _subtract(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [b.op("Sub", [ins[0], ins[1]])]


@converter("Multiply")
def _multiply(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    y = ins[0]
    for other in ins[1:]:
        y = b.op("Mul", [y, other])
    return [y]


@converter("Average")
def _average(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    total = b.op("Sum", list(ins))
    return [b.op("Div", [total, b.scalar(float(len(ins)), _out_dtype(node))], name="average")]


@converter("Maximum")
def _maximum(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [b.op("Max", list(ins))]


@converter("Minimum")
def _minimum(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [b.op("Min", list(ins))]


@converter("Concatenate")
def _concatenate(b: OnnxGraphBuilder, layer: Any, ins: list[str], node: Any) -> list[str]:
    return [b.op("Concat", list(ins), axis=int(layer.axis))]


__all__ = ["CONVERTERS", "converter"]
