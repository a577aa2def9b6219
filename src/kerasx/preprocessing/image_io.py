"""Reading, writing and converting single images (``keras.utils.load_img`` and friends).

Pillow is an optional dependency: it is imported only when a function needs it, and its
absence is reported with the command that fixes it, so ``import kerasx`` and the
array-only helpers keep working without it.
"""

from __future__ import annotations

import io
import pathlib
import warnings
from typing import Any

import numpy as np

from kerasx.backends.common.settings import floatx, standardize_data_format
from kerasx.saving.registry import keras_export

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def require_pil(what: str) -> Any:
    """``PIL.Image``, or an ImportError telling the user how to install Pillow."""
    try:
        from PIL import Image
    except ImportError as err:
        raise ImportError(
            f"`{what}` needs the Pillow imaging library, which is not installed. "
            "Install it with `pip install pillow`."
        ) from err
    return Image


def _resample(image_mod: Any, interpolation: str) -> Any:
    if interpolation not in _RESAMPLING:
        raise ValueError(
            f"Invalid interpolation method {interpolation} specified. Supported methods are "
            + ", ".join(_RESAMPLING)
        )
    table = getattr(image_mod, "Resampling", image_mod)
    return getattr(table, interpolation.upper())


@keras_export("keras.utils.array_to_img", "keras.preprocessing.image.array_to_img")
def array_to_img(
    x: Any, data_format: str | None = None, scale: bool = True, dtype: str | None = None
) -> Any:
    """A rank-3 array as a PIL image (``L``, ``RGB`` or ``RGBA`` by channel count).

    With ``scale=True`` the values are stretched to ``[0, 255]`` first; otherwise they are
    cast to ``uint8`` as they are (single-channel data above 255 becomes a 32-bit ``I``
    image instead).
    """
    image_mod = require_pil("array_to_img")
    data_format = standardize_data_format(data_format)
    arr = np.asarray(x, dtype=dtype or floatx())
    if arr.ndim != 3:
        raise ValueError(
            f"Expected image array to have rank 3 (single image). Got array with shape: {arr.shape}"
        )
    if data_format == "channels_first":
        arr = arr.transpose(1, 2, 0)
    if scale:
        arr = arr - np.min(arr)
        top = np.max(arr)
        if top != 0:
            arr = arr / top
        arr = arr * 255
    channels = arr.shape[2]
    if channels in (3, 4):
        return image_mod.fromarray(arr.astype("uint8"), "RGBA" if channels == 4 else "RGB")
    if channels == 1:
        if np.max(arr) > 255:
            return image_mod.fromarray(arr[:, :, 0].astype("int32"), "I")
        return image_mod.fromarray(arr[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


@keras_export("keras.utils.img_to_array", "keras.preprocessing.image.img_to_array")
def img_to_array(img: Any, data_format: str | None = None, dtype: str | None = None) -> np.ndarray:
    """A PIL image (or anything array-like) as a rank-3 float array in ``data_format``."""
    data_format = standardize_data_format(data_format)
    arr = np.asarray(img, dtype=dtype or floatx())
    if arr.ndim == 2:
        arr = arr[None] if data_format == "channels_first" else arr[..., None]
    elif arr.ndim == 3:
        if data_format == "channels_first":
            arr = arr.transpose(2, 0, 1)
    else:
        raise ValueError(f"Unsupported image shape: {arr.shape}")
    return arr


@keras_export("keras.utils.save_img", "keras.preprocessing.image.save_img")
def save_img(
    path: Any,
    x: Any,
    data_format: str | None = None,
    file_format: str | None = None,
    scale: bool = True,
    **kwargs: Any,
) -> None:
    """Write an image array to ``path``; the format defaults to the file's extension."""
    data_format = standardize_data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn(
            "The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2
        )
        img = img.convert("RGB")
    img.save(path, format=file_format or None, **kwargs)


def _aspect_crop_box(size: tuple[int, int], target: tuple[int, int]) -> list[int]:
    """Centre box of ``size`` (w, h) with ``target``'s (w, h) aspect ratio."""
    width, height = size
    target_w, target_h = target
    crop_h = min(height, (width * target_h) // target_w)
    crop_w = min(width, (height * target_w) // target_h)
    top = (height - crop_h) // 2
    left = (width - crop_w) // 2
    return [left, top, left + crop_w, top + crop_h]


@keras_export("keras.utils.load_img", "keras.preprocessing.image.load_img")
def load_img(
    path: Any,
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> Any:
    """Open an image file as a PIL image in ``color_mode``, resized to ``(height, width)``.

    ``keep_aspect_ratio=True`` crops the centre to the target's aspect ratio before
    resizing, so nothing is stretched.
    """
    image_mod = require_pil("load_img")
    if isinstance(path, io.BytesIO):
        img = image_mod.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as fh:
            img = image_mod.open(io.BytesIO(fh.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode in ("rgb", "rgba"):
        wanted = color_mode.upper()
        if img.mode != wanted:
            img = img.convert(wanted)
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        wh = (int(target_size[1]), int(target_size[0]))
        if img.size != wh:
            resample = _resample(image_mod, interpolation)
            if keep_aspect_ratio:
                img = img.resize(wh, resample, box=_aspect_crop_box(img.size, wh))
            else:
                img = img.resize(wh, resample)
    return img


@keras_export("keras.preprocessing.image.smart_resize")
def smart_resize(
    x: Any,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    data_format: str = "channels_last",
    **kwargs: Any,
) -> Any:
    """Resize without distortion: crop the largest centred box with ``size``'s aspect
    ratio, then resize it.  NumPy in, NumPy out; tensors stay tensors."""
    from kerasx import ops

    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs)}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    shape = tuple(x.shape)
    if len(shape) not in (3, 4):
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or "
            "`(batch_size, height, width, channels)`, but got input with incorrect rank, "
            f"of shape {shape}."
        )
    h_axis = len(shape) - (3 if data_format == "channels_last" else 2)
    height, width = shape[h_axis], shape[h_axis + 1]
    target_h, target_w = size
    crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
    crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
    top = int(float(height - crop_h) / 2)
    left = int(float(width - crop_w) / 2)
    index: list[Any] = [slice(None)] * len(shape)
    index[h_axis] = slice(top, top + crop_h)
    index[h_axis + 1] = slice(left, left + crop_w)
    cropped = x[tuple(index)]
    out = ops.image.resize(cropped, size=size, interpolation=interpolation, data_format=data_format)
    if isinstance(x, np.ndarray):
        return np.asarray(ops.convert_to_numpy(out))
    return out
