"""Adafactor: Adam-like scaling with a factored (row x column) second moment."""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.engine.variable import Variable
from kerasx.optimizers.optimizer import Optimizer
from kerasx.saving.registry import keras_export


def _rms(x: Any) -> Any:
    return ops.sqrt(ops.mean(ops.square(x)))


@keras_export("keras.optimizers.Adafactor")
class Adafactor(Optimizer):
    """For tensors of rank >= 2 the second moment is stored as its row and column
    means over the last two axes, so memory grows with ``rows + cols``; updates are
    clipped by RMS and scaled relative to the parameter's own RMS."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_2_decay: float = -0.8,
        epsilon_1: float = 1e-30,
        epsilon_2: float = 1e-3,
        clip_threshold: float = 1.0,
        relative_step: bool = True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list: Any) -> None:
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        self._r: list[Any] = []
        self._c: list[Any] = []
        self._v: list[Any] = []
        for var in var_list:
            overwrite = getattr(var, "overwrite_with_gradient", False)
            shape = tuple(var.shape)
            if len(shape) < 2:
                # Unfactored: scalar placeholders keep the variable layout Keras saves.
                for store in (self._r, self._c):
                    with self._own_scope():
                        placeholder = Variable(0, name=var.name, trainable=False)
                    self._track_variable(placeholder)
                    store.append(placeholder)
            elif overwrite:
                self._r.append(None)
                self._c.append(None)
            else:
                self._r.append(self.add_variable(shape=shape[:-1], dtype=var.dtype, name=var.name))
                self._c.append(
                    self.add_variable(shape=shape[:-2] + shape[-1:], dtype=var.dtype, name=var.name)
                )
            self._v.append(
                None if overwrite else self.add_variable_from_reference(var, name="velocity")
            )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        eps2 = ops.cast(self.epsilon_2, dtype)
        one = ops.cast(1.0, dtype)
        t = ops.cast(ops.add(self.iterations, 1), dtype)
        inv_sqrt_t = ops.divide(1, ops.sqrt(t))
        if not callable(self._learning_rate) and self.relative_step:
            lr = ops.minimum(lr, inv_sqrt_t)
        i = self._get_variable_index(variable)
        r, c, v = self._r[i], self._c[i], self._v[i]
        rho_t = ops.minimum(lr, inv_sqrt_t)
        alpha_t = ops.multiply(ops.maximum(eps2, _rms(variable)), rho_t)
        g2 = ops.add(ops.square(gradient), self.epsilon_1)
        beta_2_t = ops.subtract(1, ops.power(t, self.beta_2_decay))
        keep = ops.subtract(1, beta_2_t)
        if len(variable.shape) >= 2:
            self.assign(
                r, ops.add(ops.multiply(beta_2_t, r), ops.multiply(keep, ops.mean(g2, axis=-1)))
            )
            self.assign(
                c, ops.add(ops.multiply(beta_2_t, c), ops.multiply(keep, ops.mean(g2, axis=-2)))
            )
            row_share = ops.divide(r, ops.mean(r, axis=-1, keepdims=True))
            self.assign(
                v, ops.multiply(ops.expand_dims(row_share, axis=-1), ops.expand_dims(c, -2))
            )
        else:
            self.assign(v, ops.add(ops.multiply(beta_2_t, v), ops.multiply(keep, g2)))
        u_t = ops.divide(gradient, ops.sqrt(v))
        u_hat = ops.divide(u_t, ops.maximum(one, ops.divide(_rms(u_t), self.clip_threshold)))
        self.assign_sub(variable, ops.multiply(alpha_t, u_hat))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return config
