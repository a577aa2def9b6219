"""Lamb: Adam direction rescaled per layer by the trust ratio ``||w|| / ||update||``."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.optimizers.optimizer import Optimizer
from kerasx.saving.registry import keras_export


@keras_export("keras.optimizers.Lamb")
class Lamb(Optimizer):
    """Bias-corrected Adam update, multiplied by ``||w|| / ||update||`` (1 when either
    norm is zero), for large-batch training."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: Any) -> None:
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        t = ops.cast(ops.add(self.iterations, 1), dtype)
        b1_t = ops.power(ops.cast(self.beta_1, dtype), t)
        b2_t = ops.power(ops.cast(self.beta_2, dtype), t)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2))
        m_hat = ops.divide(m, ops.subtract(1.0, b1_t))
        v_root = ops.add(ops.sqrt(ops.divide(v, ops.subtract(1.0, b2_t))), self.epsilon)
        update = ops.divide(m_hat, v_root)
        w_norm = ops.sqrt(ops.sum(ops.square(variable)))
        u_norm = ops.sqrt(ops.sum(ops.square(update)))
        ratio = ops.where(
            ops.greater(w_norm, 0),
            ops.where(ops.greater(u_norm, 0), ops.divide(w_norm, u_norm), 1.0),
            1.0,
        )
        self.assign_sub(variable, ops.multiply(ops.multiply(ratio, lr), update))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
