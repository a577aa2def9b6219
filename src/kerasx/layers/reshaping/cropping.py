"""Cropping1D/2D/3D: remove ``(before, after)`` elements from each spatial axis."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import standardize_data_format
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.layers.reshaping._spatial import spatial_axes, standardize_pairs
from kerasx.saving.registry import keras_export

Shape = tuple[int | None, ...]


class _BaseCropping(Layer):
    rank = 1

    def __init__(self, cropping: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self._pairs = standardize_pairs(cropping, self.rank, "cropping")
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def _check(self, shape: Shape) -> None:
        for axis, (a, b) in zip(spatial_axes(self.rank, self.data_format), self._pairs):
            if shape[axis] is not None and a + b >= shape[axis]:
                raise ValueError(
                    f"Layer '{self.name}': the values in `cropping` must be smaller than the "
                    f"corresponding spatial dimension of the input. Received: input_shape={shape}, "
                    f"cropping={self.cropping}"
                )

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(input_shape)
        self._check(shape)
        out = list(shape)
        for axis, (a, b) in zip(spatial_axes(self.rank, self.data_format), self._pairs):
            out[axis] = None if shape[axis] is None else shape[axis] - a - b
        return tuple(out)

    def call(self, inputs: Any) -> Any:
        self._check(tuple(ops.shape(inputs)))
        index: list[slice] = [slice(None)] * (self.rank + 2)
        for axis, (a, b) in zip(spatial_axes(self.rank, self.data_format), self._pairs):
            index[axis] = slice(a, -b if b else None)
        return inputs[tuple(index)]

    @property
    def cropping(self) -> Any:
        return self._pairs


@keras_export("keras.layers.Cropping1D")
class Cropping1D(_BaseCropping):
    """Crop the steps of ``(batch, steps, features)``: ``cropping=(before, after)``."""

    rank = 1

    def __init__(self, cropping: int | tuple[int, int] = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, data_format="channels_last", **kwargs)

    @property
    def cropping(self) -> tuple[int, int]:
        return self._pairs[0]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["cropping"] = self.cropping
        return config


@keras_export("keras.layers.Cropping2D")
class Cropping2D(_BaseCropping):
    """Crop height and width: ``((top, bottom), (left, right))`` or shorter forms."""

    rank = 2

    def __init__(
        self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(cropping, data_format=data_format, **kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config


@keras_export("keras.layers.Cropping3D")
class Cropping3D(_BaseCropping):
    """Crop the three spatial axes, each by ``(before, after)``."""

    rank = 3

    def __init__(
        self,
        cropping: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(cropping, data_format=data_format, **kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config
