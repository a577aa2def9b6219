"""VGG16 (Simonyan & Zisserman, 2014), with Keras's layer names and published weights.

The VGG family is five blocks of 3x3 same-padded ReLU convolutions, each closed by a 2x2
max-pool; VGG19 only adds a fourth conv to blocks 3-5, so both are built by
:func:`build_vgg` from the number of convs per block.
"""

from __future__ import annotations

from typing import Any

from kerasx.applications import _common, imagenet_utils
from kerasx.backends.common.settings import image_data_format
from kerasx.saving.registry import keras_export

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
_FILTERS = (64, 128, 256, 512, 512)


def build_vgg(
    convs_per_block: tuple[int, ...],
    weight_files: dict[bool, tuple[str, str, str]],
    include_top: bool,
    weights: Any,
    input_tensor: Any,
    input_shape: Any,
    pooling: Any,
    classes: int,
    classifier_activation: Any,
    name: str,
) -> Any:
    """A VGG network; ``weight_files[include_top]`` names the published ImageNet file."""
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
    x = img_input
    for block, (filters, n_convs) in enumerate(zip(_FILTERS, convs_per_block), start=1):
        for i in range(1, n_convs + 1):
            x = layers.Conv2D(
                filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{i}"
            )(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)

    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    return _common.build_model(
        input_tensor, img_input, x, name, weights, weight_files[bool(include_top)]
    )


_VGG16_FILES = {
    True: (
        "vgg16_weights_tf_dim_ordering_tf_kernels.h5",
        _BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
        "64373286793e3c8b2b4e3219cbf3544b",
    ),
    False: (
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        _BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "6d6bbae143d832006294945121d1f1fc",
    ),
}


@keras_export("keras.applications.vgg16.VGG16", "keras.applications.VGG16")
def VGG16(  # noqa: N802 - Keras spelling
    include_top: bool = True,
    weights: Any = "imagenet",
    input_tensor: Any = None,
    input_shape: Any = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation: Any = "softmax",
    name: str = "vgg16",
) -> Any:
    """VGG16: 13 conv layers in 5 blocks, optionally the 3 dense "top" layers.

    Inputs are expected preprocessed with :func:`preprocess_input` ("caffe" mode).
    """
    return build_vgg(
        (2, 2, 3, 3, 3),
        _VGG16_FILES,
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
    )


@keras_export("keras.applications.vgg16.preprocess_input")
def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """RGB [0, 255] -> BGR minus the ImageNet channel means ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


@keras_export("keras.applications.vgg16.decode_predictions")
def decode_predictions(preds: Any, top: int = 5) -> list:
    """See :func:`kerasx.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
