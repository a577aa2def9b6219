"""ResNet50/101/152 (He et al., 2015, "v1" post-activation blocks) with Keras's names.

Every residual block is a 1x1 -> 3x3 -> 1x1 bottleneck (4x channel expansion) added
to a shortcut that is a strided 1x1 projection in the first block of each stage and
the identity elsewhere.  The three depths differ only in blocks per stage.
"""

from __future__ import annotations

from typing import Any

from kerasx.applications import _common, imagenet_utils
from kerasx.backends.common.settings import image_data_format
from kerasx.saving.registry import keras_export

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# (with top, without top) md5 of the published files.
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
}
_EPS = 1.001e-5


def _bottleneck(x: Any, filters: int, stride: int, project: bool, name: str) -> Any:
    """One v1 residual block; ``project`` adds the 1x1 conv + BN shortcut ("_0_")."""
    from kerasx import layers

    axis = _common.bn_axis()
    if project:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=axis, epsilon=_EPS, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_EPS, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_EPS, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_EPS, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _stage(x: Any, filters: int, blocks: int, stride1: int, name: str) -> Any:
    x = _bottleneck(x, filters, stride1, True, f"{name}_block1")
    for i in range(2, blocks + 1):
        x = _bottleneck(x, filters, 1, False, f"{name}_block{i}")
    return x


def _resnet_v1(
    blocks: tuple[int, int, int, int],
    weights_name: str,
    include_top: bool,
    weights: Any,
    input_tensor: Any,
    input_shape: Any,
    pooling: Any,
    classes: int,
    classifier_activation: Any,
    name: str,
) -> Any:
    from kerasx import layers

    _common.check_weights_arg(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=224,
        min_size=32,
        data_format=image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    img_input = _common.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=_common.bn_axis(), epsilon=_EPS, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (filters, n) in enumerate(zip((64, 128, 256, 512), blocks), start=2):
        x = _stage(x, filters, n, 1 if stage == 2 else 2, f"conv{stage}")
    x = _common.head_or_pooling(
        x,
        include_top,
        pooling,
        classes,
        classifier_activation,
        weights,
        top_pool_name="avg_pool",
        pool_names=("avg_pool", "max_pool"),
    )
    suffix = "" if include_top else "_notop"
    fname = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
    return _common.build_model(
        input_tensor, img_input, x, name, weights, (fname, BASE_WEIGHTS_PATH + fname, file_hash)
    )


@keras_export(
    "keras.applications.resnet50.ResNet50",
    "keras.applications.resnet.ResNet50",
    "keras.applications.ResNet50",
)
def ResNet50(  # noqa: N802 - Keras spelling
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "resnet50",
) -> Any:
    """ResNet50 (3-4-6-3 bottleneck blocks); preprocess inputs in "caffe" mode."""
    return _resnet_v1(
        (3, 4, 6, 3),
        "resnet50",
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
    )


@keras_export("keras.applications.resnet.ResNet101", "keras.applications.ResNet101")
def ResNet101(  # noqa: N802 - Keras spelling
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "resnet101",
) -> Any:
    """ResNet101 (3-4-23-3 bottleneck blocks)."""
    return _resnet_v1(
        (3, 4, 23, 3),
        "resnet101",
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
    )


@keras_export("keras.applications.resnet.ResNet152", "keras.applications.ResNet152")
def ResNet152(  # noqa: N802 - Keras spelling
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "resnet152",
) -> Any:
    """ResNet152 (3-8-36-3 bottleneck blocks)."""
    return _resnet_v1(
        (3, 8, 36, 3),
        "resnet152",
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
    )


@keras_export(
    "keras.applications.resnet50.preprocess_input", "keras.applications.resnet.preprocess_input"
)
def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """RGB [0, 255] -> BGR minus the ImageNet channel means ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


@keras_export(
    "keras.applications.resnet50.decode_predictions",
    "keras.applications.resnet.decode_predictions",
)
def decode_predictions(preds: Any, top: int = 5) -> list:
    """See :func:`kerasx.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
