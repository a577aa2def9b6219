"""Adagrad: per-parameter rates scaled by the accumulated squared gradients."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.optimizers._utils import Constant
from kerasx.optimizers.optimizer import Optimizer
from kerasx.saving.registry import keras_export


@keras_export("keras.optimizers.Adagrad")
class Adagrad(Optimizer):
    """``acc += g**2``; ``v -= lr * g / sqrt(acc + epsilon)``."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list: Any) -> None:
        if self.built:
            return
        super().build(var_list)
        init = Constant(self.initial_accumulator_value)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator", initializer=init)

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        acc = self._accumulators[self._get_variable_index(variable)]
        self.assign_add(acc, ops.square(gradient))
        self.assign_sub(
            variable, ops.divide(ops.multiply(lr, gradient), ops.sqrt(ops.add(acc, self.epsilon)))
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}
        )
        return config
