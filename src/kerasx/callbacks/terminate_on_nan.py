"""TerminateOnNaN: stop training as soon as a batch loss is NaN or infinite."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.callbacks.callback import Callback
from kerasx.saving.registry import keras_export


@keras_export("keras.callbacks.TerminateOnNaN")
class TerminateOnNaN(Callback):
    """Sets ``model.stop_training`` (or raises ``RuntimeError`` with ``raise_error``)."""

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or np.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                "Terminating training immediately."
            )
        print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
        self.model.stop_training = True
