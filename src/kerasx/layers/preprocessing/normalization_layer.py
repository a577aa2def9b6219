"""Normalization: shift and scale features by a mean and variance (given or adapted).

The statistics are either passed in (constants) or computed by ``adapt()`` on the host
with NumPy and stored in three non-trainable variables (``mean``, ``variance``,
``count``, Keras 3's names and order), so adapted layers save to and load from Keras 3
``.keras`` files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kerasx import ops
from kerasx.backends.common import settings
from kerasx.layers.layer import Layer
from kerasx.layers.preprocessing import _adapt_data
from kerasx.saving.registry import keras_export


@keras_export("keras.layers.Normalization")
class Normalization(Layer):
    """Computes ``(x - mean) / sqrt(variance)`` per position along ``axis``.

    Args:
        axis: the axes kept (one statistic per position along them); ``None`` for a
            single scalar mean and variance.
        mean, variance: fixed statistics (broadcast to the kept axes); leave both
            ``None`` and call ``adapt()`` to compute them from data.
        invert: apply the inverse mapping ``mean + x * sqrt(variance)``.
    """

    def __init__(
        self,
        axis: int | Sequence[int] | None = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        self.axis = tuple(axis)
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape: tuple[Any, ...] | None = None
        self.mean: Any = None
        self.variance: Any = None
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                    f"{self.axis}"
                )

    # ------------------------------------------------------------------ build
    def build(self, input_shape: Any = None) -> None:
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        self._build_input_shape = input_shape
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    "All `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={input_shape}, with unknown axis at "
                    f"index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(
            input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)
        )
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=self._mean_and_var_shape, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance",
                shape=self._mean_and_var_shape,
                initializer="ones",
                trainable=False,
            )
            self.count = self.add_weight(
                name="count", shape=(), dtype="int32", initializer="zeros", trainable=False
            )
        else:
            self.mean = self._fixed_stat(self.input_mean, ndim)
            self.variance = self._fixed_stat(self.input_variance, ndim)
        self.built = True
        self.finalize_state()

    def _fixed_stat(self, value: Any, ndim: int) -> Any:
        """A given mean/variance, aligned to the trailing kept axes and broadcast."""
        arr = np.asarray(value, dtype="float64")
        if arr.ndim > 0:
            expanded = [1] * ndim
            for i in range(1, arr.ndim + 1):
                expanded[self._keep_axis[-i]] = arr.shape[-i]
            arr = arr.reshape(expanded)
        arr = np.broadcast_to(arr, self._broadcast_shape)
        return ops.convert_to_tensor(arr.astype(self.compute_dtype))

    def finalize_state(self) -> None:
        """Refresh ``mean`` / ``variance`` (broadcastable tensors) from the variables."""
        if self.input_mean is not None or not self.built:
            return
        self.mean = ops.cast(
            ops.reshape(self.adapt_mean, self._broadcast_shape), self.compute_dtype
        )
        self.variance = ops.cast(
            ops.reshape(self.adapt_variance, self._broadcast_shape), self.compute_dtype
        )

    # ------------------------------------------------------------------ adapt
    def adapt(self, data: Any) -> None:
        """Compute the mean and variance of ``data`` along the non-kept axes.

        ``data`` is a NumPy array or tensor, a ``tf.data.Dataset``, a ``PyDataset`` or any
        iterable of batches (each element one batch, ``(x, y)`` tuples use ``x``).
        Batches are merged with the parallel (Chan et al.) mean/variance update, on the
        host in float64.
        """
        if self.input_mean is not None:
            raise ValueError(
                "Cannot adapt a Normalization layer created with fixed `mean` and `variance`."
            )
        if _adapt_data.is_tf_dataset(data) and _adapt_data.dataset_rank_one(data):
            data = data.batch(128)
        single, batches = _adapt_data.iterate_batches(data)
        first = next(batches, None)
        if first is None:
            raise ValueError(
                "adapt() received an empty iterable (no batches). Expected at least one batch."
            )
        if not self.built:
            self.build(first.shape)
        else:
            for d in self._keep_axis:
                if first.shape[d] != self._build_input_shape[d]:
                    raise ValueError(
                        f"The layer was built with input_shape={self._build_input_shape}, but "
                        "adapt() is being called with data with an incompatible shape, "
                        f"data.shape={first.shape}"
                    )
        if single:
            arr = first.astype("float64")
            total_mean = arr.mean(axis=self._reduce_axis)
            total_var = arr.var(axis=self._reduce_axis)
        else:
            total_mean = np.zeros(self._mean_and_var_shape)
            total_var = np.zeros(self._mean_and_var_shape)
            total_count = 0
            for batch in _chain(first, batches):
                for d in self._keep_axis:
                    if batch.shape[d] != self._build_input_shape[d]:
                        raise ValueError(
                            "adapt() yielded a batch with incompatible shape. Expected "
                            f"{self._build_input_shape}, got {tuple(batch.shape)}."
                        )
                arr = batch.astype("float64")
                b_mean = arr.mean(axis=self._reduce_axis)
                b_var = arr.var(axis=self._reduce_axis)
                b_count = math.prod(arr.shape[d] for d in self._reduce_axis)
                if b_count == 0:
                    continue
                total_count += b_count
                w = b_count / total_count
                new_mean = total_mean * (1.0 - w) + b_mean * w
                total_var = (total_var + (total_mean - new_mean) ** 2) * (1.0 - w) + (
                    b_var + (b_mean - new_mean) ** 2
                ) * w
                total_mean = new_mean
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.adapt_mean.dtype))
        self.adapt_variance.assign(np.asarray(total_var, dtype=self.adapt_variance.dtype))
        self.finalize_state()

    # ------------------------------------------------------------------- call
    def call(self, inputs: Any) -> Any:
        if not self.built or (self.input_mean is not None and self.mean is None):
            raise ValueError("You must call `.build(input_shape)` on the layer before using it.")
        inputs = ops.cast(inputs, self.compute_dtype)
        if self.input_mean is None:
            # Read the variables on each call so loaded or stateless values are used.
            mean = ops.cast(ops.reshape(self.adapt_mean, self._broadcast_shape), self.compute_dtype)
            variance = ops.cast(
                ops.reshape(self.adapt_variance, self._broadcast_shape), self.compute_dtype
            )
        else:
            mean, variance = self.mean, self.variance
        scale = ops.maximum(ops.sqrt(variance), settings.epsilon())
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, scale))
        return ops.divide(ops.subtract(inputs, mean), scale)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    # ----------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "invert": self.invert,
                "mean": _tolist(self.input_mean),
                "variance": _tolist(self.input_variance),
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Normalization:
        config = dict(config)
        if isinstance(config.get("axis"), list):
            config["axis"] = tuple(config["axis"])
        return super().from_config(config)

    def get_build_config(self) -> dict[str, Any] | None:
        if self._build_input_shape:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config: dict[str, Any]) -> None:
        if config:
            self.build(tuple(config["input_shape"]))
            self._build_shapes = {"input_shape": self._build_input_shape}


def _tolist(value: Any) -> Any:
    return None if value is None else np.array(value).tolist()


def _chain(first: np.ndarray, rest: Any) -> Any:
    yield first
    yield from rest
