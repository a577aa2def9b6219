"""Nadam: Adam with Nesterov momentum (Dozat's momentum schedule)."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import floatx
from kerasx.engine.variable import Variable
from kerasx.optimizers.optimizer import Optimizer
from kerasx.saving.registry import keras_export


@keras_export("keras.optimizers.Nadam")
class Nadam(Optimizer):
    """Adam whose momentum term looks one step ahead, with the decaying momentum
    schedule ``u_t = b1 * (1 - 0.5 * 0.96**t)`` and its running product."""

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
        var_list = list(var_list)
        dtype = var_list[0].dtype if var_list else floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        with self._own_scope():
            self._u_product = Variable(1.0, dtype=dtype, trainable=False)

    def _backend_update_step(
        self, grads: Any, trainable_variables: Any, learning_rate: Any
    ) -> None:
        # The momentum-schedule product advances once per step, before the updates.
        dtype = self._u_product.dtype
        t = ops.cast(ops.add(self.iterations, 1), dtype)
        u_t = ops.multiply(self.beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(0.96, t))))
        self.assign(self._u_product, ops.multiply(self._u_product, u_t))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        t = ops.cast(ops.add(self.iterations, 1), dtype)
        t_next = ops.cast(ops.add(self.iterations, 2), dtype)
        decay = ops.cast(0.96, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        u_t = ops.multiply(beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(decay, t))))
        u_next = ops.multiply(
            beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(decay, t_next)))
        )
        u_prod = ops.cast(self._u_product, dtype)
        u_prod_next = ops.multiply(u_prod, u_next)
        b2_t = ops.power(beta_2, t)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), ops.subtract(1, beta_1)))
        self.assign_add(
            v, ops.multiply(ops.subtract(ops.square(gradient), v), ops.subtract(1, beta_2))
        )
        m_hat = ops.add(
            ops.divide(ops.multiply(u_next, m), ops.subtract(1, u_prod_next)),
            ops.divide(ops.multiply(ops.subtract(1, u_t), gradient), ops.subtract(1, u_prod)),
        )
        v_hat = ops.divide(v, ops.subtract(1, b2_t))
        self.assign_sub(
            variable, ops.divide(ops.multiply(m_hat, lr), ops.add(ops.sqrt(v_hat), self.epsilon))
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
