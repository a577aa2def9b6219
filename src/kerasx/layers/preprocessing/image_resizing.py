"""Deterministic image geometry: Resizing and CenterCrop.

Both are plain functions of the input (no randomness, no weights) and run in inference
as well as training.  Cropping / padding to an aspect ratio follows Keras 3's integer
rule (``int(width * target_h / target_w)``, centred with ``int(diff / 2)``) so output
pixels line up with Keras exactly; the interpolation itself is ``ops.image.resize``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx import ops
from kerasx.layers.preprocessing import _image_ops
from kerasx.layers.preprocessing._image_base import BaseImagePreprocessingLayer, resized_shape
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.Resizing")
class Resizing(BaseImagePreprocessingLayer):
    """Resize images to ``(height, width)``, optionally cropping or padding first so the
    aspect ratio is kept."""

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def transform_images(
        self, images: Any, transformation: Any = None, training: bool = True
    ) -> Any:
        return self._resize(images, self.interpolation)

    def transform_segmentation_masks(
        self, masks: Any, transformation: Any = None, training: bool = True
    ) -> Any:
        return self._resize(masks, "nearest")

    def _resize(self, images: Any, interpolation: str) -> Any:
        if self.crop_to_aspect_ratio and self.pad_to_aspect_ratio:
            raise ValueError(
                "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`."
            )
        if self.pad_to_aspect_ratio and self.fill_mode != "constant":
            raise ValueError(
                "Invalid value for argument `fill_mode`. Only `'constant'` is supported. "
                f"Received: fill_mode={self.fill_mode}"
            )
        in_dtype = ops.dtype(images)
        shape = tuple(int(d) for d in ops.shape(images))
        h, w = _image_ops.spatial_dims(shape, self.data_format)
        if self.crop_to_aspect_ratio:
            top, left, ch, cw = _image_ops.aspect_crop_box(h, w, self.height, self.width)
            images = _image_ops.crop(images, top, left, ch, cw, self.data_format)
            h, w = ch, cw
        elif self.pad_to_aspect_ratio:
            images = _image_ops.pad_to_aspect(
                images, self.height, self.width, self.fill_value, self.data_format
            )
            h, w = _image_ops.spatial_dims(tuple(ops.shape(images)), self.data_format)
        if self.antialias and (self.height < h or self.width < w):
            raise NotImplementedError(
                "Resizing(antialias=True) when downsampling is not supported by kerasx yet "
                "(ops.image.resize has no antialiasing kernel)."
            )
        out = ops.image.resize(
            images,
            (self.height, self.width),
            interpolation=interpolation,
            data_format=self.data_format,
        )
        if ops.dtype(out) == in_dtype:
            return out
        if in_dtype.startswith(("int", "uint")):
            info = np.iinfo(in_dtype)
            out = ops.clip(ops.round(out), float(info.min), float(info.max))
        return ops.cast(out, in_dtype)

    def _image_output_shape(self, shape: tuple[Any, ...]) -> tuple[Any, ...]:
        return resized_shape(shape, self.height, self.width, self.data_format)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "height": self.height,
                "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                "fill_mode": self.fill_mode,
                "fill_value": self.fill_value,
                "antialias": self.antialias,
                "data_format": self.data_format,
            }
        )
        return config


@keras_export("keras.layers.CenterCrop")
class CenterCrop(BaseImagePreprocessingLayer):
    """Crop the central ``(height, width)`` window; images smaller than the target are
    cropped to its aspect ratio and resized up instead (Keras' ``smart_resize``)."""

    _USE_BASE_FACTOR = False

    def __init__(
        self, height: int, width: int, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def transform_images(
        self, images: Any, transformation: Any = None, training: bool = True
    ) -> Any:
        images = ops.cast(images, self.compute_dtype)
        shape = tuple(int(d) for d in ops.shape(images))
        h, w = _image_ops.spatial_dims(shape, self.data_format)
        dh, dw = h - self.height, w - self.width
        if dh >= 0 and dw >= 0:
            return _image_ops.crop(
                images, dh // 2, dw // 2, self.height, self.width, self.data_format
            )
        out = _image_ops.smart_resize(images, (self.height, self.width), self.data_format)
        return ops.cast(out, self.compute_dtype)

    def transform_segmentation_masks(
        self, masks: Any, transformation: Any = None, training: bool = True
    ) -> Any:
        return self.transform_images(masks, transformation, training)

    def _image_output_shape(self, shape: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(shape) not in (3, 4):
            raise ValueError(
                "`input_shape` must be a non-nested tuple or list of rank-1 with size 3 "
                f"(unbatched) or 4 (batched). Received: input_shape={shape}"
            )
        return resized_shape(shape, self.height, self.width, self.data_format)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "data_format": self.data_format})
        return config
