"""Adadelta: step sizes from running averages of squared gradients and updates."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.optimizers.optimizer import Optimizer
from kerasx.saving.registry import keras_export


@keras_export("keras.optimizers.Adadelta")
class Adadelta(Optimizer):
    """``delta = -sqrt(D + eps) / sqrt(G + eps) * g`` with ``G``, ``D`` the running
    averages (``rho``) of ``g**2`` and ``delta**2``; ``v += lr * delta``."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list: Any) -> None:
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, grad: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        grad = ops.cast(grad, dtype)
        rho = self.rho
        i = self._get_variable_index(variable)
        acc_g, acc_d = self._accumulated_grads[i], self._accumulated_delta_vars[i]
        self.assign(
            acc_g, ops.add(ops.multiply(rho, acc_g), ops.multiply(1 - rho, ops.square(grad)))
        )
        rms_d = ops.sqrt(ops.add(acc_d, self.epsilon))
        rms_g = ops.sqrt(ops.add(acc_g, self.epsilon))
        delta = ops.negative(ops.divide(ops.multiply(rms_d, grad), rms_g))
        self.assign(
            acc_d, ops.add(ops.multiply(rho, acc_d), ops.multiply(1 - rho, ops.square(delta)))
        )
        self.assign_add(variable, ops.multiply(lr, delta))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
