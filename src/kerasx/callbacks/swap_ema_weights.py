"""SwapEMAWeights: evaluate / predict (and optionally checkpoint) with the EMA weights.

Works with optimizers built with ``use_ema=True``: their moving averages live in
``optimizer._model_variables_moving_average``, aligned with
``optimizer._trainable_variables``.  Swapping exchanges the two sets of values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx.callbacks.callback import Callback
from kerasx.saving.registry import keras_export


@keras_export("keras.callbacks.SwapEMAWeights")
class SwapEMAWeights(Callback):
    """Puts the EMA weights into the model for ``evaluate``/``predict``/validation and
    back afterwards.  With ``swap_on_epoch`` the model also holds the EMA weights during
    ``on_epoch_end`` (so a ModelCheckpoint listed after this callback saves them); after
    the last epoch they stay, as the optimizer's end-of-training finalization would put
    them anyway."""

    def __init__(self, swap_on_epoch: bool = False) -> None:
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    # ---------------------------------------------------------------- helpers
    def _ema_optimizers(self) -> list[Any]:
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            found = [o for o in optimizer.optimizers if getattr(o, "use_ema", False)]
            if not found:
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has "
                    "`use_ema=True` set. Received a MultiOptimizer with all inner optimizers "
                    "having `use_ema=False`."
                )
        else:
            found = [optimizer]
        for opt in found:
            if not getattr(opt, "use_ema", False) or not hasattr(
                opt, "_model_variables_moving_average"
            ):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
                    f"Received: use_ema={getattr(opt, 'use_ema', None)}"
                )
        return found

    def _pairs(self) -> list[tuple[Any, Any]]:
        pairs = []
        for opt in self._ema_optimizers():
            for var, avg in zip(opt._trainable_variables, opt._model_variables_moving_average):
                if avg is not None:
                    pairs.append((var, avg))
        return pairs

    def _swap_variables(self) -> None:
        for var, avg in self._pairs():
            current = np.array(var.numpy())
            var.assign(avg)
            avg.assign(current)

    def _finalize_ema_values(self) -> None:
        """Make the averages equal the (already swapped-in) EMA weights, so the optimizer's
        end-of-training overwrite keeps them."""
        for var, avg in self._pairs():
            avg.assign(var)

    # ------------------------------------------------------------------ hooks
    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            if epoch == self.params.get("epochs", 0) - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
