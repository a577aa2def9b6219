"""Dynamic loss scaling for mixed precision: a wrapper around another optimizer.

The loss is multiplied by ``dynamic_scale`` before differentiation so small float16
gradients do not underflow.  Each step the gradients are divided back; if any is not
finite the step is skipped and the scale halved, and after ``dynamic_growth_steps``
finite steps in a row the scale doubles.
"""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.optimizers._utils import Constant, iteration_dtype, static_bool
from kerasx.optimizers.optimizer import Optimizer
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object

_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


@keras_export("keras.optimizers.LossScaleOptimizer", "keras.mixed_precision.LossScaleOptimizer")
class LossScaleOptimizer(Optimizer):
    """Wraps ``inner_optimizer`` with a dynamically adjusted loss scale."""

    def __init__(
        self,
        inner_optimizer: Optimizer,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        # Older configs carried the base arguments at their defaults: accept those only.
        for arg, default in _BASE_DEFAULTS.items():
            if arg in kwargs and kwargs.pop(arg) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg}`. Instead, set `{arg}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`."
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The wrapper unscales; the inner optimizer must not do it a second time.
        self.inner_optimizer.loss_scale_factor = None

    def build(self, var_list: Any) -> None:
        var_list = list(var_list)
        self.step_counter = self.add_variable(
            shape=(), dtype=iteration_dtype(), initializer="zeros", name="step_counter"
        )
        self.dynamic_scale = self.add_variable(
            shape=(),
            dtype="float32",
            initializer=Constant(self.initial_scale),
            name="dynamic_scale",
        )
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self) -> list[Any]:
        return self._variables + self.inner_optimizer.variables

    def check_finite(self, grads: Any) -> Any:
        """A scalar bool tensor: every gradient entry is finite."""
        flags = [ops.all(ops.isfinite(g)) for g in grads if g is not None]
        return ops.all(ops.stack(flags))

    def apply(self, grads: Any, trainable_variables: Any = None) -> None:
        if not self.built:
            with self._own_scope():
                self.build(trainable_variables)
            self.built = True
        grads = list(grads)
        tvars = None if trainable_variables is None else list(trainable_variables)
        finite = self.check_finite(grads)
        static = static_bool(finite)
        if static is True:
            self._apply_finite(grads, tvars)
        elif static is False:
            self._apply_non_finite()
        else:
            # Traced: take the finite step, then fall back to the non-finite outcome.
            touched = (
                list(tvars if tvars is not None else self._trainable_variables) + self.variables
            )
            before = [v.value for v in touched]
            self._apply_finite(grads, tvars)
            for v, old in zip(touched, before):
                if v is self.step_counter:
                    fallback = ops.zeros_like(old)
                elif v is self.dynamic_scale:
                    fallback = ops.multiply(old, 0.5)
                else:
                    fallback = old
                v.assign(ops.where(finite, v.value, fallback))

    def _apply_finite(self, grads: list[Any], tvars: list[Any] | None) -> None:
        scale = self.dynamic_scale.value
        targets = tvars if tvars is not None else self._trainable_variables
        unscaled = [
            g if g is None or getattr(v, "overwrite_with_gradient", False) else ops.divide(g, scale)
            for g, v in zip(grads, targets)
        ]
        self.inner_optimizer.apply(unscaled, trainable_variables=tvars)
        grow = ops.equal(self.step_counter, self.dynamic_growth_steps - 1)
        counter = self.step_counter.value
        self.step_counter.assign(ops.where(grow, ops.zeros_like(counter), ops.add(counter, 1)))
        self.dynamic_scale.assign(ops.where(grow, ops.multiply(scale, 2.0), scale))

    def _apply_non_finite(self) -> None:
        self.step_counter.assign(ops.zeros_like(self.step_counter.value))
        self.dynamic_scale.assign(ops.multiply(self.dynamic_scale, 0.5))

    @property
    def learning_rate(self) -> Any:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self) -> Any:
        return self.inner_optimizer.iterations

    def scale_loss(self, loss: Any) -> Any:
        scale = self.dynamic_scale if self.built else self.initial_scale
        return ops.multiply(loss, scale)

    def finalize_variable_values(self, var_list: Any) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "inner_optimizer": serialize_keras_object(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> LossScaleOptimizer:
        config = dict(config)
        inner = deserialize_keras_object(
            config.pop("inner_optimizer"), custom_objects=custom_objects
        )
        return cls(inner, **config)
