"""Random pixel-preserving augmentations: RandomFlip, RandomContrast, RandomCrop.

Each draws its random parameters from ``kerasx.random`` with a ``SeedGenerator`` held in
``self.generator`` (one draw per image of a batch), so a seeded layer gives the same
sequence of augmentations on every backend.  With ``training=False`` they return the
input unchanged (cast to the compute dtype), as Keras 3 does.
"""

from __future__ import annotations

from typing import Any

from kerasx import ops, random
from kerasx.layers.preprocessing import _image_ops
from kerasx.layers.preprocessing._image_base import BaseImagePreprocessingLayer, resized_shape
from kerasx.random.seed_generator import make_default_seed
from kerasx.saving.registry import keras_export

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


def _per_image_shape(images: Any) -> tuple[int, ...]:
    """``(1, 1, 1)`` for one image, ``(batch, 1, 1, 1)`` for a batch."""
    shape = ops.shape(images)
    return (1, 1, 1) if len(shape) == 3 else (int(shape[0]), 1, 1, 1)


@keras_export("keras.layers.RandomFlip")
class RandomFlip(BaseImagePreprocessingLayer):
    """Flip each image with probability 1/2: left-right, up-down, or both at once
    (``"horizontal_and_vertical"`` uses one coin per image for both axes)."""

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        mode: str = HORIZONTAL_AND_VERTICAL,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        if mode not in (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL):
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument {mode}"
            )
        self.seed = seed
        self.generator = random.SeedGenerator(seed)
        self.mode = mode

    def get_random_transformation(self, images: Any, training: bool = True) -> Any:
        if not training:
            return None
        u = random.uniform(_per_image_shape(images), seed=self.generator)
        return {"flips": ops.less_equal(u, 0.5)}

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Any:
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        flips = transformation["flips"]
        rank = len(ops.shape(images))
        h_axis, w_axis = self._spatial_axes(rank)
        out = images
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            out = ops.where(flips, ops.flip(out, axis=w_axis), out)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            out = ops.where(flips, ops.flip(out, axis=h_axis), out)
        return out

    def transform_segmentation_masks(
        self, masks: Any, transformation: Any, training: bool = True
    ) -> Any:
        return self.transform_images(masks, transformation, training)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode, "data_format": self.data_format})
        return config


@keras_export("keras.layers.RandomContrast")
class RandomContrast(BaseImagePreprocessingLayer):
    """Scale each image's deviation from its per-channel mean by a random factor in
    ``[1 - factor[0], 1 + factor[1]]``, then clip to ``value_range``."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor: Any,
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def get_random_transformation(self, images: Any, training: bool = True) -> Any:
        if not training:
            return None
        factor = random.uniform(
            _per_image_shape(images),
            minval=1.0 - self.factor[0],
            maxval=1.0 + self.factor[1],
            dtype=self.compute_dtype,
            seed=self.generator,
        )
        return {"contrast_factor": factor}

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Any:
        images = ops.cast(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        rank = len(ops.shape(images))
        h_axis, w_axis = self._spatial_axes(rank)
        mean = ops.mean(images, axis=(h_axis, w_axis), keepdims=True)
        out = ops.add(
            ops.multiply(ops.subtract(images, mean), transformation["contrast_factor"]), mean
        )
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


@keras_export("keras.layers.RandomCrop")
class RandomCrop(BaseImagePreprocessingLayer):
    """Crop a random ``(height, width)`` window (the same for the whole batch).

    Images not larger than the target on both sides are centre-cropped to the target
    aspect ratio and resized.  In inference Keras 3 returns the input unchanged, and so
    does this layer.
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height: int,
        width: int,
        seed: int | None = None,
        data_format: str | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.seed = seed if seed is not None else make_default_seed()
        self.generator = random.SeedGenerator(self.seed)
        self.supports_masking = False

    def get_random_transformation(self, images: Any, training: bool = True) -> Any:
        shape = tuple(ops.shape(images))
        h, w = _image_ops.spatial_dims(shape, self.data_format)
        if h is None or w is None:
            raise ValueError(
                "RandomCrop requires the input to have a fully defined height and width. "
                f"Received: images.shape={shape}"
            )
        h, w = int(h), int(w)
        if training and h > self.height and w > self.width:
            top = random.randint((), 0, h - self.height + 1, seed=self.generator)
            left = random.randint((), 0, w - self.width + 1, seed=self.generator)
            return top, left, self.height, self.width
        # Keras keeps only the start of the aspect-ratio box and slices the target size
        # from there (clamped to the image), resizing whatever it gets.
        top, left, _, _ = _image_ops.aspect_crop_box(h, w, self.height, self.width)
        return top, left, min(self.height, h - top), min(self.width, w - left)

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Any:
        if not training:
            return images
        images = ops.cast(images, self.compute_dtype)
        top, left, ch, cw = transformation
        if isinstance(top, int):
            out = _image_ops.crop(images, top, left, ch, cw, self.data_format)
        else:
            out = _dynamic_crop(images, top, left, ch, cw, self.data_format)
        h, w = _image_ops.spatial_dims(tuple(ops.shape(out)), self.data_format)
        if int(h) != self.height or int(w) != self.width:
            out = ops.image.resize(out, (self.height, self.width), data_format=self.data_format)
            out = ops.cast(out, self.compute_dtype)
        return out

    def transform_segmentation_masks(
        self, masks: Any, transformation: Any, training: bool = True
    ) -> Any:
        return self.transform_images(masks, transformation, training)

    def _image_output_shape(self, shape: tuple[Any, ...]) -> tuple[Any, ...]:
        return resized_shape(shape, self.height, self.width, self.data_format)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "height": self.height,
                "width": self.width,
                "seed": self.seed,
                "data_format": self.data_format,
            }
        )
        return config


def _dynamic_crop(images: Any, top: Any, left: Any, ch: int, cw: int, data_format: str) -> Any:
    """Crop at tensor-valued offsets (so the layer also works inside compiled steps)."""
    rank = len(ops.shape(images))
    h_axis = rank - 3 if data_format == "channels_last" else rank - 2
    rows = ops.add(ops.arange(ch, dtype="int32"), ops.cast(top, "int32"))
    cols = ops.add(ops.arange(cw, dtype="int32"), ops.cast(left, "int32"))
    out = ops.take(images, rows, axis=h_axis)
    return ops.take(out, cols, axis=h_axis + 1)
