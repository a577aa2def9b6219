"""Global max and average pooling over 1, 2 or 3 spatial axes.

GlobalAveragePooling1D also takes a ``mask`` over the steps: masked steps are left out
of the mean (and the output carries no mask).
"""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.layers.pooling.base_pooling import BaseGlobalPooling
from kerasx.saving.registry import keras_export


class _GlobalMax(BaseGlobalPooling):
    def call(self, inputs: Any) -> Any:
        return ops.max(inputs, axis=self._spatial_axes, keepdims=self.keepdims)


class _GlobalAverage(BaseGlobalPooling):
    def call(self, inputs: Any) -> Any:
        return ops.mean(inputs, axis=self._spatial_axes, keepdims=self.keepdims)


@keras_export("keras.layers.GlobalMaxPooling1D", "keras.layers.GlobalMaxPool1D")
class GlobalMaxPooling1D(_GlobalMax):
    """Maximum over the steps of ``(batch, steps, features)``."""

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)


@keras_export("keras.layers.GlobalMaxPooling2D", "keras.layers.GlobalMaxPool2D")
class GlobalMaxPooling2D(_GlobalMax):
    """Maximum over height and width."""

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


@keras_export("keras.layers.GlobalMaxPooling3D", "keras.layers.GlobalMaxPool3D")
class GlobalMaxPooling3D(_GlobalMax):
    """Maximum over the three spatial axes."""

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)


@keras_export("keras.layers.GlobalAveragePooling1D", "keras.layers.GlobalAvgPool1D")
class GlobalAveragePooling1D(_GlobalAverage):
    """Mean over the steps of ``(batch, steps, features)``, skipping masked steps."""

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return super().call(inputs)
        axis = self._spatial_axes[0]
        # mask: (batch, steps) -> broadcastable against the inputs.
        keep = ops.expand_dims(ops.cast(mask, "bool"), 2 if axis == 1 else 1)
        weights = ops.cast(keep, ops.dtype(inputs))
        total = ops.sum(ops.where(keep, inputs, 0), axis=axis, keepdims=self.keepdims)
        return ops.divide(total, ops.sum(weights, axis=axis, keepdims=self.keepdims))

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None


@keras_export("keras.layers.GlobalAveragePooling2D", "keras.layers.GlobalAvgPool2D")
class GlobalAveragePooling2D(_GlobalAverage):
    """Mean over height and width."""

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


@keras_export("keras.layers.GlobalAveragePooling3D", "keras.layers.GlobalAvgPool3D")
class GlobalAveragePooling3D(_GlobalAverage):
    """Mean over the three spatial axes."""

    def __init__(
        self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)
