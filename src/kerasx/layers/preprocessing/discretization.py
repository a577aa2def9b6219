"""Discretization: bucket continuous values by boundaries (given or adapted quantiles).

``adapt()`` keeps a compact weighted quantile summary on the host in NumPy (the same
summarise / merge / compress scheme as Keras 3, so adapted boundaries agree with it)
and turns it into ``num_bins - 1`` boundaries.  The layer has no variables: the
boundaries are part of its config.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx import ops
from kerasx.layers.layer import Layer
from kerasx.layers.preprocessing import _adapt_data
from kerasx.layers.preprocessing.category_encoding import encode_categorical
from kerasx.saving.registry import keras_export

_MODES = ("int", "one_hot", "multi_hot", "count")


def _summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """Every ``step``-th sorted value with weight ``step`` (about ``1/epsilon`` points)."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size / (1.0 / epsilon), 1)
    picked = values[int(step - 1) :: int(step)]
    return np.stack([picked, np.ones_like(picked) * step])


def _compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """Re-sample a summary at the ``epsilon``-spaced weight percentiles."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    cum_pct = cum / cum[-1]
    bins = np.interp(percents, cum_pct, summary[0])
    cum_at = np.interp(percents, cum_pct, cum)
    weights = cum_at - np.concatenate((np.array([0]), cum_at[:-1]))
    return np.stack((bins, weights)).astype("float32")


def _merge(a: np.ndarray, b: np.ndarray, epsilon: float) -> np.ndarray:
    merged = np.concatenate((a, b), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress(merged, epsilon)


@keras_export("keras.layers.Discretization")
class Discretization(Layer):
    """Map each value to the index of its bucket: bucket ``i`` holds
    ``bin_boundaries[i-1] <= x < bin_boundaries[i]``.

    Args:
        bin_boundaries: sorted boundaries (``len + 1`` buckets), or
        num_bins: number of buckets to learn with ``adapt()`` (quantiles),
        epsilon: error tolerance of the adapted quantiles,
        output_mode: ``"int"`` (bucket ids) or ``"one_hot"`` / ``"multi_hot"`` /
            ``"count"`` (encoded like CategoryEncoding).
    """

    def __init__(
        self,
        bin_boundaries: Any = None,
        num_bins: int | None = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
        sparse: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if sparse:
            if output_mode == "int":
                raise ValueError(
                    "`sparse=True` may only be used if `output_mode` is `'one_hot'`, "
                    f"`'multi_hot'`, or `'count'`. Received: sparse={sparse} and "
                    f"output_mode={output_mode}"
                )
            raise NotImplementedError("Discretization(sparse=True) is not supported by kerasx.")
        if output_mode not in _MODES:
            raise ValueError(
                f"Unknown value for `output_mode`. Allowed values are: {_MODES}. "
                f"Received: output_mode={output_mode}"
            )
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if bin_boundaries else np.array([[], []], dtype="float32")
        self.autocast = False
        self.built = True

    @property
    def output_dtype(self) -> str:
        return self.compute_dtype if self.output_mode != "int" else "int32"

    # ------------------------------------------------------------------ adapt
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Estimate ``num_bins`` quantile buckets from ``data`` (array, dataset or batches)."""
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        self.reset_state()
        _, batches = _adapt_data.iterate_batches(data, steps)
        for batch in batches:
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        values = np.asarray(data).astype("float32")
        self.summary = _merge(_summarize(values, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self) -> None:
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self) -> None:
        if self.num_bins is None:
            return
        self.summary = np.array([[], []], dtype="float32")

    # ------------------------------------------------------------------- call
    def call(self, inputs: Any) -> Any:
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time "
                "or call `adapt(dataset)` before you can start using the `Discretization` layer."
            )
        x = ops.convert_to_tensor(inputs)
        shape = tuple(ops.shape(x))
        bins = ops.convert_to_tensor(np.asarray(self.bin_boundaries, dtype="float32"))
        flat = ops.reshape(ops.cast(x, "float32"), (-1,))
        indices = ops.reshape(ops.digitize(flat, bins), shape)
        return encode_categorical(
            indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype
        )

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        from kerasx.engine.keras_tensor import KerasTensor

        return KerasTensor(self.compute_output_shape(args[0].shape), self.output_dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Discretization:
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            from kerasx import dtype_policies

            config["dtype"] = dtype_policies.get(config["dtype"])
        boundaries = None
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
        layer = cls(**config)
        if boundaries is not None:
            layer.bin_boundaries = boundaries
        return layer
