"""Learning-rate schedules: callables mapping the optimizer step to a learning rate.

Each schedule is evaluated with :mod:`kerasx.ops` on the step tensor (usually the
optimizer's ``iteration`` variable), so it runs eagerly and inside compiled steps on
every backend.  Configs use Keras 3's keys so schedules serialize both ways.
"""

from __future__ import annotations

import math
from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import floatx
from kerasx.saving.registry import keras_export


def _as_float_tensor(value: Any) -> Any:
    """A Python number becomes a ``floatx`` tensor; a tensor keeps its float dtype."""
    if isinstance(value, (int, float)):
        return ops.convert_to_tensor(float(value), dtype=floatx())
    return ops.convert_to_tensor(value)


def _check_positive(name: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


@keras_export("keras.optimizers.schedules.LearningRateSchedule")
class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``."""

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)


@keras_export("keras.optimizers.schedules.ExponentialDecay")
class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Any:
        lr0 = _as_float_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr0)
        p = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(lr0, ops.power(ops.cast(self.decay_rate, dtype), p))

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


@keras_export("keras.optimizers.schedules.PiecewiseConstantDecay")
class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(
        self, boundaries: list[Any], values: list[Any], name: str = "PiecewiseConstant"
    ) -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> Any:
        step = ops.convert_to_tensor(step)
        step_dtype = ops.dtype(step)
        values = [
            _as_float_tensor(v) if isinstance(v, float) else ops.convert_to_tensor(v)
            for v in self.values
        ]
        out_dtype = ops.dtype(values[0])
        bounds = [ops.cast(ops.convert_to_tensor(b), step_dtype) for b in self.boundaries]
        # Index of the interval the step falls in: how many boundaries it exceeds.
        result = ops.multiply(
            ops.cast(ops.less_equal(step, bounds[0]), out_dtype), ops.cast(values[0], out_dtype)
        )
        for i in range(1, len(values)):
            lower = ops.greater(step, bounds[i - 1])
            inside = (
                lower
                if i == len(bounds)
                else ops.logical_and(lower, ops.less_equal(step, bounds[i]))
            )
            result = ops.add(
                result, ops.multiply(ops.cast(inside, out_dtype), ops.cast(values[i], out_dtype))
            )
        return result

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


@keras_export("keras.optimizers.schedules.PolynomialDecay")
class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> Any:
        lr0 = _as_float_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr0)
        lr_end = ops.cast(self.end_learning_rate, dtype)
        s = ops.cast(step, dtype)
        horizon = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            # Stretch the horizon to the first multiple of decay_steps past the step.
            cycles = ops.where(ops.equal(s, 0), 1.0, ops.ceil(ops.divide(s, horizon)))
            horizon = ops.multiply(horizon, ops.cast(cycles, dtype))
        else:
            s = ops.minimum(s, horizon)
        frac = ops.subtract(1.0, ops.divide(s, horizon))
        scale = ops.power(frac, ops.cast(self.power, dtype))
        return ops.add(ops.multiply(ops.subtract(lr0, lr_end), scale), lr_end)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


@keras_export("keras.optimizers.schedules.InverseTimeDecay")
class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Any:
        lr0 = _as_float_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr0)
        p = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            p = ops.floor(p)
        denom = ops.add(ops.cast(1.0, dtype), ops.multiply(ops.cast(self.decay_rate, dtype), p))
        return ops.divide(lr0, denom)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


def _cosine_factor(fraction: Any, alpha: Any, dtype: str) -> Any:
    """``(1 - alpha) * 0.5 * (1 + cos(pi * fraction)) + alpha``."""
    pi = ops.convert_to_tensor(math.pi, dtype=dtype)
    half_wave = ops.multiply(0.5, ops.add(1.0, ops.cos(ops.multiply(pi, fraction))))
    return ops.add(ops.multiply(ops.subtract(1.0, alpha), half_wave), alpha)


@keras_export("keras.optimizers.schedules.CosineDecay")
class CosineDecay(LearningRateSchedule):
    """Cosine decay over ``decay_steps``, optionally after a linear warmup."""

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def __call__(self, step: Any) -> Any:
        lr0 = _as_float_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr0)
        horizon = ops.cast(self.decay_steps, dtype)
        alpha = ops.cast(self.alpha, dtype)
        s = ops.cast(step, dtype)
        if self.warmup_target is None:
            s = ops.minimum(s, horizon)
            return ops.multiply(lr0, _cosine_factor(ops.divide(s, horizon), alpha, dtype))
        target = ops.cast(self.warmup_target, dtype)
        warm = ops.cast(self.warmup_steps, dtype)
        s = ops.minimum(s, ops.add(horizon, warm))
        # A zero-length warmup is never selected; keep its unused branch finite.
        safe_warm = ops.where(ops.greater(warm, 0), warm, ops.ones_like(warm))
        warming = ops.add(ops.multiply(ops.subtract(target, lr0), ops.divide(s, safe_warm)), lr0)
        decaying = ops.multiply(
            target, _cosine_factor(ops.divide(ops.subtract(s, warm), horizon), alpha, dtype)
        )
        return ops.where(ops.less(s, warm), warming, decaying)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


@keras_export("keras.optimizers.schedules.CosineDecayRestarts")
class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): each period ``t_mul`` times longer and
    its peak ``m_mul`` times lower than the previous one."""

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        _check_positive("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> Any:
        lr0 = _as_float_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr0)
        alpha = ops.cast(self.alpha, dtype)
        t_mul = ops.cast(self._t_mul, dtype)
        m_mul = ops.cast(self._m_mul, dtype)
        fraction = ops.divide(ops.cast(step, dtype), ops.cast(self.first_decay_steps, dtype))
        if float(self._t_mul) == 1.0:
            restarts = ops.floor(fraction)
            fraction = ops.subtract(fraction, restarts)
        else:
            # Periods grow geometrically: find the period index from the partial sum.
            grown = ops.subtract(1.0, ops.multiply(fraction, ops.subtract(1.0, t_mul)))
            restarts = ops.floor(ops.divide(ops.log(grown), ops.log(t_mul)))
            done = ops.divide(
                ops.subtract(1.0, ops.power(t_mul, restarts)), ops.subtract(1.0, t_mul)
            )
            fraction = ops.divide(ops.subtract(fraction, done), ops.power(t_mul, restarts))
        peak = ops.power(m_mul, restarts)
        pi = ops.convert_to_tensor(math.pi, dtype=dtype)
        wave = ops.multiply(
            ops.multiply(0.5, peak), ops.add(1.0, ops.cos(ops.multiply(pi, fraction)))
        )
        return ops.multiply(lr0, ops.add(ops.multiply(ops.subtract(1.0, alpha), wave), alpha))

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
