"""ZeroPadding1D/2D/3D: add ``(before, after)`` zeros to each spatial axis."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import standardize_data_format
from kerasx.layers.input_spec import InputSpec
from kerasx.layers.layer import Layer
from kerasx.layers.reshaping._spatial import spatial_axes, standardize_pairs
from kerasx.saving.registry import keras_export

Shape = tuple[int | None, ...]


class _BaseZeroPadding(Layer):
    rank = 1

    def __init__(self, padding: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self._pairs = standardize_pairs(padding, self.rank, "padding")
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def _widths(self) -> list[tuple[int, int]]:
        widths = [(0, 0)] * (self.rank + 2)
        for axis, pair in zip(spatial_axes(self.rank, self.data_format), self._pairs):
            widths[axis] = pair
        return widths

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(
            None if d is None else d + a + b
            for d, (a, b) in zip(tuple(input_shape), self._widths())
        )

    def call(self, inputs: Any) -> Any:
        return ops.pad(inputs, self._widths())

    @property
    def padding(self) -> Any:
        return self._pairs[0] if self.rank == 1 else self._pairs

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


@keras_export("keras.layers.ZeroPadding1D")
class ZeroPadding1D(_BaseZeroPadding):
    """Pad the steps axis: ``padding`` is an int or ``(before, after)``."""

    rank = 1

    def __init__(
        self, padding: int | tuple[int, int] = 1, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)


@keras_export("keras.layers.ZeroPadding2D")
class ZeroPadding2D(_BaseZeroPadding):
    """Pad height and width: an int, ``(sym_h, sym_w)`` or ``((t, b), (l, r))``."""

    rank = 2

    def __init__(
        self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)


@keras_export("keras.layers.ZeroPadding3D")
class ZeroPadding3D(_BaseZeroPadding):
    """Pad the three spatial axes, each by ``(before, after)``."""

    rank = 3

    def __init__(
        self,
        padding: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(padding, data_format=data_format, **kwargs)
