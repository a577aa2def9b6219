"""Random initializers, generated on the host so every backend gets the same weights.

Seeding: an ``int`` seed gives the same values on every call of the initializer (and on
every backend); a :class:`kerasx.random.SeedGenerator` gives a new draw per call; with
``seed=None`` each call draws a fresh seed from Python's ``random`` module, which
``kerasx.utils.set_random_seed`` seeds, so seeded programs build identical models.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.initializers import _host_random as host
from kerasx.initializers.initializer import Initializer
from kerasx.random.seed_generator import SeedGenerator, make_default_seed
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

# Standard deviation of a unit normal truncated to [-2, 2].
_TRUNCATED_STDDEV = 0.8796256610342398


class RandomInitializer(Initializer):
    """Shared seed handling for the random initializers."""

    def __init__(self, seed: int | SeedGenerator | dict[str, Any] | None = None) -> None:
        self._init_seed = seed
        if isinstance(seed, dict):
            seed = deserialize_keras_object(seed)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, SeedGenerator))
        ):
            raise ValueError(
                f"`seed` argument should be an instance of `keras.random.SeedGenerator()` or an integer. Received: seed={seed}"
            )
        self.seed = seed

    def _draw_seed(self) -> Any:
        """The seed for one call: fixed int, the generator's next state, or a fresh int."""
        if self.seed is None:
            return make_default_seed()
        if isinstance(self.seed, SeedGenerator):
            return ops.convert_to_numpy(self.seed.next())
        return self.seed

    @staticmethod
    def _to_tensor(values: Any, dtype: str) -> Any:
        return ops.convert_to_tensor(values, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"seed": serialize_keras_object(self._init_seed)}


@keras_export(
    "keras.initializers.RandomNormal",
    "keras.initializers.random_normal",
    "keras.initializers.normal",
)
class RandomNormal(RandomInitializer):
    """Normal values with the given mean and standard deviation."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        dtype = host.float_dtype(dtype, "RandomNormal")
        return self._to_tensor(host.normal(shape, self._draw_seed(), self.mean, self.stddev), dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@keras_export("keras.initializers.TruncatedNormal", "keras.initializers.truncated_normal")
class TruncatedNormal(RandomInitializer):
    """Normal values kept within two standard deviations of the mean."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        dtype = host.float_dtype(dtype, "TruncatedNormal")
        return self._to_tensor(
            host.truncated_normal(shape, self._draw_seed(), self.mean, self.stddev), dtype
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@keras_export(
    "keras.initializers.RandomUniform",
    "keras.initializers.random_uniform",
    "keras.initializers.uniform",
)
class RandomUniform(RandomInitializer):
    """Uniform values in ``[minval, maxval)``."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None) -> None:
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        dtype = host.float_dtype(dtype, "RandomUniform")
        return self._to_tensor(
            host.uniform(shape, self._draw_seed(), self.minval, self.maxval), dtype
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(
    shape: Sequence[int],
    input_axes: Sequence[int] | None = None,
    output_axes: Sequence[int] | None = None,
) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape.

    With ``input_axes``/``output_axes`` the fans are the products of those dimensions;
    otherwise the last axis is the output, the one before it the input, and any leading
    axes (convolution windows) multiply both.
    """
    shape = tuple(int(d) for d in shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


@keras_export("keras.initializers.VarianceScaling", "keras.initializers.variance_scaling")
class VarianceScaling(RandomInitializer):
    """Values whose variance is ``scale / n`` with ``n`` the fan-in, fan-out or their mean.

    ``distribution`` is ``"truncated_normal"`` (``"normal"`` is an alias),
    ``"untruncated_normal"`` or ``"uniform"``.
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: Any = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        modes = ("fan_in", "fan_out", "fan_avg")
        if mode not in modes:
            raise ValueError(f"Invalid `mode` argument: {mode}. Please use one of {modes}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        distributions = ("uniform", "truncated_normal", "untruncated_normal")
        if distribution not in distributions:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution}. Please use one of {distributions}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        dtype = host.float_dtype(dtype, type(self).__name__)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        seed = self._draw_seed()
        if self.distribution == "truncated_normal":
            values = host.truncated_normal(
                shape, seed, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV
            )
        elif self.distribution == "untruncated_normal":
            values = host.normal(shape, seed, 0.0, math.sqrt(variance))
        else:
            limit = math.sqrt(3.0 * variance)
            values = host.uniform(shape, seed, -limit, limit)
        return self._to_tensor(values, dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only the seed and axes are configurable."""

    _preset: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(
        self,
        seed: Any = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        scale, mode, distribution = self._preset
        super().__init__(
            scale=scale,
            mode=mode,
            distribution=distribution,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "seed": serialize_keras_object(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


@keras_export("keras.initializers.GlorotUniform", "keras.initializers.glorot_uniform")
class GlorotUniform(_FixedVarianceScaling):
    """Uniform in ``±sqrt(6 / (fan_in + fan_out))`` (Xavier uniform)."""

    _preset = (1.0, "fan_avg", "uniform")


@keras_export("keras.initializers.GlorotNormal", "keras.initializers.glorot_normal")
class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))`` (Xavier normal)."""

    _preset = (1.0, "fan_avg", "truncated_normal")


@keras_export("keras.initializers.LecunNormal", "keras.initializers.lecun_normal")
class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(1 / fan_in)``."""

    _preset = (1.0, "fan_in", "truncated_normal")


@keras_export("keras.initializers.LecunUniform", "keras.initializers.lecun_uniform")
class LecunUniform(_FixedVarianceScaling):
    """Uniform in ``±sqrt(3 / fan_in)``."""

    _preset = (1.0, "fan_in", "uniform")


@keras_export("keras.initializers.HeNormal", "keras.initializers.he_normal")
class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / fan_in)``."""

    _preset = (2.0, "fan_in", "truncated_normal")


@keras_export("keras.initializers.HeUniform", "keras.initializers.he_uniform")
class HeUniform(_FixedVarianceScaling):
    """Uniform in ``±sqrt(6 / fan_in)``."""

    _preset = (2.0, "fan_in", "uniform")


@keras_export(
    "keras.initializers.Orthogonal",
    "keras.initializers.orthogonal",
    "keras.initializers.OrthogonalInitializer",
)
class Orthogonal(RandomInitializer):
    """A random (semi-)orthogonal matrix times ``gain``; leading dims are flattened into rows."""

    def __init__(self, gain: float = 1.0, seed: Any = None) -> None:
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> Any:
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(
                f"The tensor to initialize must be at least two-dimensional. Received: shape={shape} of rank {len(shape)}."
            )
        dtype = host.float_dtype(dtype, "Orthogonal")
        return self._to_tensor(host.orthogonal(shape, self._draw_seed(), self.gain), dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "gain": self.gain}
