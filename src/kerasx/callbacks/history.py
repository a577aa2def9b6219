"""History: records the epoch logs; ``fit`` returns it."""

from __future__ import annotations

from typing import Any

from kerasx.callbacks.callback import Callback
from kerasx.saving.registry import keras_export


@keras_export("keras.callbacks.History")
class History(Callback):
    """``history.history["loss"]`` is the list of per-epoch losses."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self
