"""VGG19: VGG16 with a fourth convolution in blocks 3, 4 and 5."""

from __future__ import annotations

from typing import Any

from kerasx.applications import imagenet_utils
from kerasx.applications.vgg16 import _BASE, build_vgg
from kerasx.saving.registry import keras_export

_VGG19_FILES = {
    True: (
        "vgg19_weights_tf_dim_ordering_tf_kernels.h5",
        _BASE + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5",
        "cbe5617147190e668d6c5d5026f83318",
    ),
    False: (
        "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
        _BASE + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "253f8cb515780f3b799900260a226db6",
    ),
}


@keras_export("keras.applications.vgg19.VGG19", "keras.applications.VGG19")
def VGG19(  # noqa: N802 - Keras spelling
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "vgg19",
) -> Any:
    """VGG19: 16 conv layers in 5 blocks, optionally the 3 dense "top" layers."""
    return build_vgg(
        (2, 2, 4, 4, 4),
        _VGG19_FILES,
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
    )


@keras_export("keras.applications.vgg19.preprocess_input")
def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """RGB [0, 255] -> BGR minus the ImageNet channel means ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


@keras_export("keras.applications.vgg19.decode_predictions")
def decode_predictions(preds: Any, top: int = 5) -> list:
    """See :func:`kerasx.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
