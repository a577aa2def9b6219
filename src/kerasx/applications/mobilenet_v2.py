"""MobileNetV2 (Sandler et al., 2018) with Keras's layer names and published weights.

Inverted residual blocks: a 1x1 expansion, a 3x3 depthwise conv and a linear 1x1
projection, with a residual add when shape allows.  ``alpha`` scales every width;
widths are rounded to multiples of 8 exactly as the published weights expect.
"""

from __future__ import annotations

import warnings
from typing import Any

from kerasx.applications import _common, imagenet_utils
from kerasx.backends.common.settings import image_data_format
from kerasx.saving.registry import keras_export

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of blocks 0..16.
_BLOCKS = (
    (16, 1, 1),
    (24, 2, 6),
    (24, 1, 6),
    (32, 2, 6),
    (32, 1, 6),
    (32, 1, 6),
    (64, 2, 6),
    (64, 1, 6),
    (64, 1, 6),
    (64, 1, 6),
    (96, 1, 6),
    (96, 1, 6),
    (96, 1, 6),
    (160, 2, 6),
    (160, 1, 6),
    (160, 1, 6),
    (320, 1, 6),
)


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """Round ``v`` to the nearest multiple of ``divisor`` without losing over 10%."""
    floor = divisor if min_value is None else min_value
    rounded = max(floor, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def _bn(name: str) -> Any:
    from kerasx import layers

    return layers.BatchNormalization(
        axis=_common.channel_axis(), epsilon=1e-3, momentum=0.999, name=name
    )


def _inverted_res_block(
    inputs: Any, expansion: int, stride: int, alpha: float, filters: int, block_id: int
) -> Any:
    from kerasx import layers

    in_channels = inputs.shape[_common.channel_axis()]
    out_channels = _make_divisible(int(filters * alpha), 8)
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = layers.Conv2D(
            expansion * in_channels,
            kernel_size=1,
            padding="same",
            use_bias=False,
            activation=None,
            name=f"{prefix}expand",
        )(x)
        x = _bn(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size=3,
        strides=stride,
        activation=None,
        use_bias=False,
        padding="same" if stride == 1 else "valid",
        name=f"{prefix}depthwise",
    )(x)
    x = _bn(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(
        out_channels,
        kernel_size=1,
        padding="same",
        use_bias=False,
        activation=None,
        name=f"{prefix}project",
    )(x)
    x = _bn(f"{prefix}project_BN")(x)
    if in_channels == out_channels and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _square_size(shape: Any) -> int:
    """The published input size matching ``shape`` (rows == cols in _SIZES), else 224."""
    if shape is None:
        return 224
    rows, cols = (shape[1], shape[2]) if image_data_format() == "channels_first" else shape[:2]
    return rows if rows == cols and rows in _SIZES else 224


@keras_export("keras.applications.mobilenet_v2.MobileNetV2", "keras.applications.MobileNetV2")
def MobileNetV2(  # noqa: N802 - Keras spelling
    input_shape: Any = None,
    alpha: float = 1.0,
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> Any:
    """MobileNetV2; preprocess inputs with :func:`preprocess_input` ("tf" mode, [-1, 1]).

    The default name is ``mobilenetv2_<alpha>_<rows>`` as in Keras.
    """
    _common.check_weights_arg(weights, include_top, classes)
    from kerasx import layers
    from kerasx.engine.keras_tensor import is_keras_tensor

    if input_tensor is not None and not is_keras_tensor(input_tensor) and input_shape is None:
        default_size = 224
    elif input_tensor is not None and input_shape is None:
        default_size = _square_size(tuple(input_tensor.shape)[1:])
    else:
        if input_shape is not None and input_tensor is not None and is_keras_tensor(input_tensor):
            axis = 1 if image_data_format() == "channels_first" else 2
            if input_tensor.shape[axis] != input_shape[1]:
                raise ValueError(
                    "The width of `input_tensor` must match `input_shape`; Received "
                    f"`input_tensor.shape={input_tensor.shape}`, `input_shape={input_shape}`"
                )
        default_size = _square_size(input_shape)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=32,
        data_format=image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    row_axis = 1 if image_data_format() == "channels_first" else 0
    rows, cols = input_shape[row_axis], input_shape[row_axis + 1]
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError(
                "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
                f"`0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
            )
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not in "
                "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                "loaded as the default.",
                stacklevel=2,
            )

    img_input = _common.image_input(input_tensor, input_shape)
    x = layers.Conv2D(
        _make_divisible(32 * alpha, 8),
        kernel_size=3,
        strides=(2, 2),
        padding="same",
        use_bias=False,
        name="Conv1",
    )(img_input)
    x = _bn("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = _common.head_or_pooling(x, include_top, pooling, classes, classifier_activation, weights)

    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    top = "" if include_top else "_no_top"
    fname = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{top}.h5"
    return _common.build_model(
        input_tensor, img_input, x, name, weights, (fname, BASE_WEIGHT_PATH + fname, None)
    )


@keras_export("keras.applications.mobilenet_v2.preprocess_input")
def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """RGB [0, 255] -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


@keras_export("keras.applications.mobilenet_v2.decode_predictions")
def decode_predictions(preds: Any, top: int = 5) -> list:
    """See :func:`kerasx.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
