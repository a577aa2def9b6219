"""RMSprop: divide the gradient by a running RMS of recent gradients."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.optimizers.optimizer import Optimizer
from kerasx.saving.registry import keras_export


@keras_export("keras.optimizers.RMSprop")
class RMSprop(Optimizer):
    """``s = rho * s + (1 - rho) * g**2``; step ``lr * g / sqrt(s + eps)`` (``s`` minus
    the squared mean gradient when ``centered``), accumulated with ``momentum``."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list: Any) -> None:
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums: list[Any] = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients: list[Any] = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def _fused_update_step_owner(self) -> Any:
        return RMSprop.update_step

    def _fused_spec(self, variables: Any) -> Any:
        idx = [self._get_variable_index(v) for v in variables]
        slots = {"velocities": [self._velocities[i] for i in idx]}
        if self.centered:
            slots["average_gradients"] = [self._average_gradients[i] for i in idx]
        if self.momentum > 0:
            slots["momentums"] = [self._momentums[i] for i in idx]
        hyper = {
            "rho": float(self.rho),
            "epsilon": float(self.epsilon),
            "centered": bool(self.centered),
            "momentum": float(self.momentum),
        }
        return "rmsprop", slots, hyper

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        rho = self.rho
        i = self._get_variable_index(variable)
        velocity = self._velocities[i]
        self.assign(
            velocity,
            ops.add(ops.multiply(rho, velocity), ops.multiply(1 - rho, ops.square(gradient))),
        )
        if self.centered:
            avg = self._average_gradients[i]
            self.assign(avg, ops.add(ops.multiply(rho, avg), ops.multiply(1 - rho, gradient)))
            denominator = ops.add(ops.subtract(velocity, ops.square(avg)), self.epsilon)
        else:
            denominator = ops.add(velocity, self.epsilon)
        increment = ops.divide(ops.multiply(lr, gradient), ops.sqrt(denominator))
        if self.momentum > 0:
            mom = self._momentums[i]
            self.assign(mom, ops.add(ops.multiply(self.momentum, mom), increment))
            self.assign_sub(variable, mom)
        else:
            self.assign_sub(variable, increment)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
