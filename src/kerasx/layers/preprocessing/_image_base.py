"""Shared base of the image preprocessing layers.

Keras 3 image layers take one image (rank 3) or a batch (rank 4), or a dict with an
``"images"`` entry (other entries such as ``"labels"`` pass through), resolve
``data_format``, validate a ``factor`` argument the same way, and run their random
transformation only in training mode.  Their ``call`` defaults to ``training=True``,
so a direct call augments while ``predict`` / ``training=False`` is the identity,
exactly as in Keras 3.
"""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common import settings
from kerasx.layers.layer import Layer


class BaseImagePreprocessingLayer(Layer):
    """Dispatches single images, batches and dicts to ``transform_images``."""

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS: tuple[float, float] = (-1, 1)

    def __init__(self, factor: Any = None, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = settings.standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(
                f"Layer {type(self).__name__} does not take a `factor` argument. "
                f"Received: factor={factor}"
            )
        self.built = True

    def _set_factor(self, factor: Any) -> None:
        lo_bound, hi_bound = self._FACTOR_BOUNDS
        msg = (
            "The `factor` argument should be a number (or a list of two numbers) in the range "
            f"[{lo_bound}, {hi_bound}]. Received: factor={factor}"
        )
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > hi_bound or factor[1] < lo_bound:
                raise ValueError(msg)
            lower, upper = sorted(factor)
        elif isinstance(factor, (int, float)):
            if factor < lo_bound or factor > hi_bound:
                raise ValueError(msg)
            factor = abs(factor)
            lower, upper = max(-factor, lo_bound), factor
        else:
            raise ValueError(msg)
        self.factor = (lower, upper)

    # ------------------------------------------------------------- subclass API
    def get_random_transformation(self, images: Any, training: bool = True) -> Any:
        """Random parameters for this batch (``None`` when nothing is drawn)."""
        return None

    def transform_images(self, images: Any, transformation: Any, training: bool = True) -> Any:
        raise NotImplementedError

    def transform_segmentation_masks(
        self, masks: Any, transformation: Any, training: bool = True
    ) -> Any:
        return masks

    # ------------------------------------------------------------------- call
    def _spatial_axes(self, rank: int) -> tuple[int, int]:
        if self.data_format == "channels_last":
            return rank - 3, rank - 2
        return rank - 2, rank - 1

    def call(self, data: Any, training: Any = True) -> Any:
        training = bool(training) if training is not None else True
        if isinstance(data, dict):
            if "bounding_boxes" in data:
                raise NotImplementedError(
                    f"{type(self).__name__}: bounding boxes are not supported by kerasx yet."
                )
            out = dict(data)
            images = ops.convert_to_tensor(data["images"])
            _check_rank(images)
            transformation = self.get_random_transformation(images, training=training)
            out["images"] = self.transform_images(images, transformation, training=training)
            if "segmentation_masks" in data:
                out["segmentation_masks"] = self.transform_segmentation_masks(
                    ops.convert_to_tensor(data["segmentation_masks"]),
                    transformation,
                    training=training,
                )
            return out
        images = ops.convert_to_tensor(data)
        _check_rank(images)
        transformation = self.get_random_transformation(images, training=training)
        return self.transform_images(images, transformation, training=training)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if isinstance(input_shape, dict):
            out = dict(input_shape)
            out["images"] = self._image_output_shape(tuple(input_shape["images"]))
            return out
        return self._image_output_shape(tuple(input_shape))

    def _image_output_shape(self, shape: tuple[Any, ...]) -> tuple[Any, ...]:
        return shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


def _check_rank(images: Any) -> None:
    if len(ops.shape(images)) not in (3, 4):
        raise ValueError(
            "Expected image tensor to have rank 3 (single image) or 4 (batch of images). "
            f"Received: data.shape={tuple(ops.shape(images))}"
        )


def resized_shape(
    shape: tuple[Any, ...], height: int, width: int, data_format: str
) -> tuple[Any, ...]:
    """``shape`` with its spatial dimensions replaced."""
    out = list(shape)
    rank = len(out)
    h_axis = rank - 3 if data_format == "channels_last" else rank - 2
    out[h_axis], out[h_axis + 1] = height, width
    return tuple(out)
