"""LearningRateScheduler: set the learning rate at the start of every epoch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from kerasx.callbacks._training_state import to_float
from kerasx.callbacks.callback import Callback
from kerasx.saving.registry import keras_export


@keras_export("keras.callbacks.LearningRateScheduler")
class LearningRateScheduler(Callback):
    """``schedule(epoch, lr) -> new_lr`` (or ``schedule(epoch)``), 0-based epochs."""

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _optimizers(self) -> list[tuple[Any, str]]:
        opt = self.model.optimizer
        if hasattr(opt, "optimizers"):
            return [(o, str(o.name)) for o in opt.optimizers]
        return [(opt, "")]

    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> float:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            lr = self.schedule(epoch, to_float(optimizer.learning_rate))
        except TypeError:  # a one-argument schedule
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr}")
        optimizer.learning_rate = lr
        return lr

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        for opt, name in self._optimizers():
            lr = self._update_optimizer_lr(opt, epoch)
            if self.verbose > 0:
                which = f"{name} learning rate" if name else "learning rate"
                print(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting {which} to {lr}.",
                    flush=True,
                )

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is None:
            return
        for opt, name in self._optimizers():
            logs[f"learning_rate_{name}" if name else "learning_rate"] = to_float(opt.learning_rate)
