"""FTRL-Proximal ("Follow The Regularized Leader"), for wide sparse models."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.optimizers._utils import Constant
from kerasx.optimizers.optimizer import Optimizer
from kerasx.saving.registry import keras_export


@keras_export("keras.optimizers.Ftrl")
class Ftrl(Optimizer):
    """Per-coordinate FTRL with L1, L2 and L2-shrinkage regularization: the weights are
    the closed-form minimiser given the ``linear`` and ``accumulator`` slots."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
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
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        for arg, value in (
            ("initial_accumulator_value", initial_accumulator_value),
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
        ):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: {arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError(
                f"`learning_rate_power` needs to be negative or zero. Received: learning_rate_power={learning_rate_power}."
            )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list: Any) -> None:
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[Constant(self.initial_accumulator_value), "zeros"],
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        i = self._get_variable_index(variable)
        accum, linear = self._accumulators[i], self._linears[i]
        power = -self.learning_rate_power
        l2 = ops.add(self.l2_regularization_strength, ops.divide(self.beta, ops.multiply(2.0, lr)))
        shrunk_grad = ops.add(
            gradient, ops.multiply(2 * self.l2_shrinkage_regularization_strength, variable)
        )
        new_accum = ops.add(accum, ops.square(gradient))
        sigma = ops.divide(ops.subtract(ops.power(new_accum, power), ops.power(accum, power)), lr)
        self.assign_add(linear, ops.subtract(shrunk_grad, ops.multiply(sigma, variable)))
        quadratic = ops.add(ops.divide(ops.power(new_accum, power), lr), ops.multiply(2, l2))
        l1 = self.l1_regularization_strength
        linear_clipped = ops.clip(linear, -l1, l1)
        self.assign(variable, ops.divide(ops.subtract(linear_clipped, linear), quadratic))
        self.assign(accum, new_accum)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return config
