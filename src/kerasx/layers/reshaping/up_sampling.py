"""UpSampling1D/2D/3D: repeat each spatial element ``size`` times (2D can also
interpolate bilinearly)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import standardize_data_format
from kerasx.layers.convolutional import conv_utils
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.layers.reshaping._spatial import spatial_axes
from kerasx.saving.registry import keras_export

Shape = tuple[int | None, ...]
_INTERPOLATIONS = ("nearest", "bilinear")


class _BaseUpSampling(Layer):
    rank = 1

    def _setup(self, size: tuple[int, ...], data_format: str) -> None:
        self._sizes = size
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        out = list(input_shape)
        for axis, s in zip(spatial_axes(self.rank, self.data_format), self._sizes):
            out[axis] = None if out[axis] is None else out[axis] * s
        return tuple(out)

    def call(self, inputs: Any) -> Any:
        for axis, s in zip(spatial_axes(self.rank, self.data_format), self._sizes):
            if s != 1:
                inputs = ops.repeat(inputs, s, axis=axis)
        return inputs


@keras_export("keras.layers.UpSampling1D")
class UpSampling1D(_BaseUpSampling):
    """Repeat each step of ``(batch, steps, features)`` ``size`` times."""

    rank = 1

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"Expected an integer value for `size`, got {type(size)}.")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        self.size = size
        self._setup((size,), "channels_last")

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["size"] = self.size
        return config


@keras_export("keras.layers.UpSampling2D")
class UpSampling2D(_BaseUpSampling):
    """Upsample height and width by ``size``: repeat rows/columns (``"nearest"``) or
    resize with half-pixel bilinear interpolation (``"bilinear"``)."""

    rank = 2

    def __init__(
        self,
        size: int | Sequence[int] = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.size = conv_utils.standardize_tuple(size, 2, "size")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"`interpolation` must be one of {_INTERPOLATIONS} in kerasx. "
                f"Received: interpolation={interpolation!r}"
            )
        self._setup(self.size, standardize_data_format(data_format))

    def call(self, inputs: Any) -> Any:
        if self.interpolation == "nearest":
            return super().call(inputs)
        h_axis, w_axis = spatial_axes(2, self.data_format)
        shape = ops.shape(inputs)
        new_size = (shape[h_axis] * self.size[0], shape[w_axis] * self.size[1])
        return ops.image.resize(
            inputs, new_size, interpolation=self.interpolation, data_format=self.data_format
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "size": self.size,
                "data_format": self.data_format,
                "interpolation": self.interpolation,
            }
        )
        return config


@keras_export("keras.layers.UpSampling3D")
class UpSampling3D(_BaseUpSampling):
    """Repeat each element of the three spatial axes ``size`` times."""

    rank = 3

    def __init__(
        self, size: int | Sequence[int] = (2, 2, 2), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.size = conv_utils.standardize_tuple(size, 3, "size")
        self._setup(self.size, standardize_data_format(data_format))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
