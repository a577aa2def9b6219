"""What every ImageNet application shares: input preprocessing, decoding of the
1000-class predictions, and checking the requested input shape.

Preprocessing must reproduce the exact recipe each published weight set was trained
with, so the three modes follow Keras bit for bit:

* ``caffe``  RGB -> BGR, then subtract the ImageNet BGR channel means (no scaling);
* ``tf``     scale to [-1, 1];
* ``torch``  scale to [0, 1], subtract the ImageNet RGB means, divide by the std.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np

from kerasx.backends.common.settings import floatx, image_data_format
from kerasx.saving.registry import keras_export

CLASS_INDEX: dict[str, list[str]] | None = None
CLASS_INDEX_PATH = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


def _channel_shape(ndim: int, data_format: str) -> tuple[int, ...]:
    """Broadcast shape of a per-channel vector for a 3-D or 4-D image batch."""
    if data_format == "channels_first":
        return (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    return (1,) * (ndim - 1) + (3,)


def _channel_axis(ndim: int, data_format: str) -> int:
    if data_format == "channels_first":
        return 0 if ndim == 3 else 1
    return ndim - 1


def _preprocess_numpy(x: np.ndarray, data_format: str, mode: str) -> np.ndarray:
    # Unlike Keras, the caller's array is never modified in place.
    x = x.astype(x.dtype if np.issubdtype(x.dtype, np.floating) else floatx(), copy=True)
    if mode == "tf":
        return x / x.dtype.type(127.5) - x.dtype.type(1.0)
    shape = _channel_shape(x.ndim, data_format)
    if mode == "torch":
        x = x / x.dtype.type(255.0)
        mean = np.asarray(_TORCH_MEAN, dtype=x.dtype).reshape(shape)
        std = np.asarray(_TORCH_STD, dtype=x.dtype).reshape(shape)
        return (x - mean) / std
    x = np.flip(x, axis=_channel_axis(x.ndim, data_format))
    return x - np.asarray(_CAFFE_MEAN_BGR, dtype=x.dtype).reshape(shape)


def _preprocess_tensor(x: Any, data_format: str, mode: str) -> Any:
    import kerasx.ops as ops
    from kerasx.backends.common.dtypes import standardize_dtype

    dtype = standardize_dtype(x.dtype)
    if "float" not in dtype:
        dtype = floatx()
        x = ops.cast(x, dtype)
    ndim = len(x.shape)
    if mode == "tf":
        return x / 127.5 - 1.0
    shape = _channel_shape(ndim, data_format)
    if mode == "torch":
        mean = ops.convert_to_tensor(np.reshape(_TORCH_MEAN, shape), dtype=dtype)
        std = ops.convert_to_tensor(np.reshape(_TORCH_STD, shape), dtype=dtype)
        return (x / 255.0 - mean) / std
    x = ops.flip(x, axis=_channel_axis(ndim, data_format))
    return x - ops.convert_to_tensor(np.reshape(_CAFFE_MEAN_BGR, shape), dtype=dtype)


@keras_export("keras.applications.imagenet_utils.preprocess_input")
def preprocess_input(x: Any, data_format: str | None = None, mode: str = "caffe") -> Any:
    """Preprocess a batch (or single image) of RGB values in [0, 255] for a model.

    NumPy in -> NumPy out; a backend tensor in -> a tensor out (works on symbolic
    inputs too, so it can sit inside a model).
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}"
        )
    if data_format is None:
        data_format = image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}"
        )
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    if isinstance(x, (list, tuple, int, float)):
        return _preprocess_numpy(np.asarray(x), data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _class_index() -> dict[str, list[str]]:
    """The ImageNet index -> (wordnet id, name) table, fetched once into the cache."""
    global CLASS_INDEX
    if CLASS_INDEX is None:
        from kerasx.utils.file_utils import get_file

        path = get_file(
            "imagenet_class_index.json",
            CLASS_INDEX_PATH,
            cache_subdir="models",
            file_hash=CLASS_INDEX_HASH,
        )
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


@keras_export("keras.applications.imagenet_utils.decode_predictions")
def decode_predictions(preds: Any, top: int = 5) -> list[list[tuple[str, str, Any]]]:
    """Per sample, the ``top`` classes as ``(wordnet_id, name, score)``, best first."""
    shape = tuple(getattr(preds, "shape", np.shape(preds)))
    if len(shape) != 2 or shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
            f"(samples, 1000)). Received array with shape: {shape}"
        )
    import kerasx.ops as ops

    table = _class_index()
    scores = ops.convert_to_numpy(preds)
    results = []
    for row in scores:
        best = row.argsort()[-top:][::-1]
        decoded = [(*table[str(int(i))], row[i]) for i in best]
        decoded.sort(key=lambda item: item[2], reverse=True)
        results.append(decoded)
    return results


def obtain_input_shape(
    input_shape: Any,
    default_size: int,
    min_size: int,
    data_format: str,
    require_flatten: bool,
    weights: Any = None,
) -> tuple[int | None, ...]:
    """Validate a user ``input_shape`` (or supply the default) for an application.

    A classifier head (``require_flatten``) needs a fully static shape; ImageNet weights
    need 3 channels and, with the head, exactly the published input size.
    """
    first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed an "
                f"input_shape with {channels} input channels.",
                stacklevel=3,
            )
        default_shape = (
            (channels, default_size, default_size)
            if first
            else (default_size, default_size, channels)
        )
    else:
        default_shape = (
            (3, default_size, default_size) if first else (default_size, default_size, 3)
        )

    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}.  Received: input_shape={input_shape}"
            )
        return default_shape

    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[0] if first else input_shape[-1]
        spatial = input_shape[1:] if first else input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError(
                f"The input must have 3 channels; Received `input_shape={input_shape}`"
            )
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}; Received: "
                f"input_shape={input_shape}"
            )
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if first else (None, None, 3)

    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def correct_pad(inputs: Any, kernel_size: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """Zero padding that makes a stride-2 'valid' conv behave like TF's 'same'.

    Even-sized inputs get one less row/column before than after; unknown sizes are
    treated as even.
    """
    start = 2 if image_data_format() == "channels_first" else 1
    rows, cols = tuple(inputs.shape[start : start + 2])
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation: Any, weights: Any) -> None:
    """Pretrained heads only make sense with softmax or no activation (logits)."""
    if weights is None:
        return
    from kerasx import activations

    fn = activations.get(classifier_activation)
    if fn not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the "
            "`classifier_activation` argument when using pretrained weights, with "
            f"`include_top=True`; Received: classifier_activation={classifier_activation}"
        )
