"""Random geometric augmentations: RandomRotation, RandomZoom, RandomTranslation.

Each draws one parameter set per image, builds Keras 3's 8-number affine transform
(output pixel -> input location) and resamples with ``_image_ops.affine_transform``
(nearest or bilinear, fill modes reflect / wrap / constant / nearest).  Transforms are
about the pixel-centre of the image, ``((W - 1) / 2, (H - 1) / 2)``, as in Keras, so a
quarter-turn of a square image is exactly ``np.rot90``.
"""

from __future__ import annotations

import math
from typing import Any

from kerasx import ops, random
from kerasx.layers.preprocessing import _image_ops
from kerasx.layers.preprocessing._image_base import BaseImagePreprocessingLayer
from kerasx.saving.registry import keras_export

_SUPPORTED_FILL_MODE = ("reflect", "wrap", "constant", "nearest")
_SUPPORTED_INTERPOLATION = ("nearest", "bilinear")


class _AffineLayer(BaseImagePreprocessingLayer):
    """Common arguments, validation and resampling of the affine augmentations."""

    def _init_affine(
        self, fill_mode: str, interpolation: str, seed: int | None, fill_value: float
    ) -> None:
        if fill_mode not in _SUPPORTED_FILL_MODE:
            raise NotImplementedError(
                f"Unknown `fill_mode` {fill_mode}. Expected of one {_SUPPORTED_FILL_MODE}."
            )
        if interpolation not in _SUPPORTED_INTERPOLATION:
            raise NotImplementedError(
                f"Unknown `interpolation` {interpolation}. Expected of one "
                f"{_SUPPORTED_INTERPOLATION}."
            )
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def _batch_hw(self, images: Any) -> tuple[int, int, int]:
        shape = tuple(int(d) for d in ops.shape(images))
        h, w = _image_ops.spatial_dims(shape, self.data_format)
        return (shape[0] if len(shape) == 4 else 1), h, w

    def _matrix(self, images: Any) -> Any:
        raise NotImplementedError

    def get_random_transformation(self, images: Any, training: bool = True) -> Any:
        if not training:
            return None
        return self._matrix(images)

    def _resample(self, images: Any, transform: Any, interpolation: str) -> Any:
        if len(ops.shape(images)) == 3:
            transform = ops.squeeze(transform, 0)
        return _image_ops.affine_transform(
            images,
            transform,
            interpolation=interpolation,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Any:
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        return self._resample(images, transformation, self.interpolation)

    def transform_segmentation_masks(
        self, masks: Any, transformation: Any, training: bool = True
    ) -> Any:
        if not training or transformation is None:
            return masks
        return self._resample(masks, transformation, "nearest")

    def _affine_config(self) -> dict[str, Any]:
        return {
            "data_format": self.data_format,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }


def _stack_transform(a0: Any, a1: Any, a2: Any, b0: Any, b1: Any, b2: Any) -> Any:
    """``(batch, 8)`` transforms from ``(batch,)`` coefficients (no projective part)."""
    zeros = ops.zeros_like(a0)
    return ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)


@keras_export("keras.layers.RandomRotation")
class RandomRotation(_AffineLayer):
    """Rotate each image by a random angle of ``factor * 360`` degrees (counter-clockwise
    for positive values) about its centre."""

    def __init__(
        self,
        factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self._init_affine(fill_mode, interpolation, seed, fill_value)

    def _matrix(self, images: Any) -> Any:
        batch, h, w = self._batch_hw(images)
        degrees = random.uniform(
            (batch,),
            minval=self.factor[0] * 360.0,
            maxval=self.factor[1] * 360.0,
            seed=self.generator,
        )
        angle = ops.multiply(degrees, math.pi / 180.0)
        cos, sin = ops.cos(angle), ops.sin(angle)
        cx, cy = 0.5 * (w - 1), 0.5 * (h - 1)
        a2 = ops.subtract(
            ops.subtract(cx, ops.multiply(cos, cx)), ops.multiply(ops.negative(sin), cy)
        )
        b2 = ops.subtract(ops.subtract(cy, ops.multiply(sin, cx)), ops.multiply(cos, cy))
        return _stack_transform(cos, ops.negative(sin), a2, sin, cos, b2)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, **self._affine_config()})
        return config


def _zoom_factor(factor: Any, name: str, low_open: bool) -> tuple[float, float]:
    """``(lower, upper)`` of a zoom / translation factor, range-checked like Keras."""
    if name.startswith("zoom"):
        msg = (
            "The `height_factor` and `width_factor` arguments should be a number (or a list "
            "of two numbers) in the range (-1.0, 1.0]. "
        )
    else:
        msg = "The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "

    def check(v: float) -> None:
        if v > 1.0 or (v <= -1.0 if low_open else v < -1.0):
            raise ValueError(msg + f"Received: input_number={v}")

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(msg + f"Received: {name.split(':')[-1]}={factor}")
        check(factor[0])
        check(factor[1])
        lower, upper = sorted(factor)
        return lower, upper
    if isinstance(factor, (int, float)):
        check(factor)
        return -abs(factor), abs(factor)
    raise ValueError(msg + f"Received: {name.split(':')[-1]}={factor}")


@keras_export("keras.layers.RandomZoom")
class RandomZoom(_AffineLayer):
    """Zoom each image by a random amount: a factor ``f`` samples the input over
    ``(1 + f)`` times the output extent, so positive values zoom out, negative zoom in.
    ``width_factor=None`` zooms both axes by the same amount."""

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any = None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = _zoom_factor(
            height_factor, "zoom:height_factor", True
        )
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = _zoom_factor(
                width_factor, "zoom:width_factor", True
            )
        self._init_affine(fill_mode, interpolation, seed, fill_value)

    def _matrix(self, images: Any) -> Any:
        batch, h, w = self._batch_hw(images)
        zh = random.uniform(
            (batch,),
            minval=1.0 + self.height_lower,
            maxval=1.0 + self.height_upper,
            seed=self.generator,
        )
        if self.width_factor is not None:
            zw = random.uniform(
                (batch,),
                minval=1.0 + self.width_lower,
                maxval=1.0 + self.width_upper,
                seed=self.generator,
            )
        else:
            zw = zh
        zeros = ops.zeros_like(zh)
        x_off = ops.multiply((w - 1) / 2.0, ops.subtract(1.0, zw))
        y_off = ops.multiply((h - 1) / 2.0, ops.subtract(1.0, zh))
        return _stack_transform(zw, zeros, x_off, zeros, zh, y_off)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "height_factor": self.height_factor,
                "width_factor": self.width_factor,
                **self._affine_config(),
            }
        )
        return config


@keras_export("keras.layers.RandomTranslation")
class RandomTranslation(_AffineLayer):
    """Shift each image by a random fraction of its height and width
    (``height_factor``, ``width_factor`` in ``[-1, 1]``)."""

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = _zoom_factor(
            height_factor, "shift:height_factor", False
        )
        self.width_factor = width_factor
        self.width_lower, self.width_upper = _zoom_factor(width_factor, "shift:width_factor", False)
        self._init_affine(fill_mode, interpolation, seed, fill_value)

    def _matrix(self, images: Any) -> Any:
        batch, h, w = self._batch_hw(images)
        dy = random.uniform(
            (batch,), minval=self.height_lower, maxval=self.height_upper, seed=self.generator
        )
        dx = random.uniform(
            (batch,), minval=self.width_lower, maxval=self.width_upper, seed=self.generator
        )
        ones = ops.ones_like(dx)
        zeros = ops.zeros_like(dx)
        return _stack_transform(
            ones, zeros, ops.multiply(dx, -float(w)), zeros, ones, ops.multiply(dy, -float(h))
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "height_factor": self.height_factor,
                "width_factor": self.width_factor,
                **self._affine_config(),
            }
        )
        return config
