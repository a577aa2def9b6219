"""CallbackList: fans every hook out to a list of callbacks.

Batch-level hooks are only dispatched to callbacks that override them, so an epoch of
small batches pays nothing for callbacks that only care about epochs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx.callbacks.callback import Callback

_BATCH_HOOKS = (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


class CallbackList(Callback):
    """Container calling each hook on every callback in order."""

    def __init__(
        self,
        callbacks: Sequence[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        from kerasx.callbacks.history import History
        from kerasx.callbacks.progbar_logger import ProgbarLogger

        self.callbacks = list(callbacks or [])
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)
        self._batch_users = {
            hook: [
                c
                for c in self.callbacks
                if _overrides(c, hook) or _overrides(c, hook.replace("train_", ""))
            ]
            for hook in _BATCH_HOOKS
        }

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        for c in self.callbacks:
            c.set_model(model)

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        for c in self.callbacks:
            c.set_params(params)

    def needs_batch_logs(self, hook: str) -> bool:
        return bool(self._batch_users.get(hook))

    def _batch(self, hook: str, batch: int, logs: dict[str, Any] | None) -> None:
        logs = {} if logs is None else logs  # Keras hands callbacks a dict, never None
        for c in self._batch_users[hook]:
            getattr(c, hook)(batch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            c.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            c.on_epoch_end(epoch, logs)

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            c.on_train_begin(logs)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            c.on_train_end(logs)

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            c.on_test_begin(logs)

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            c.on_test_end(logs)

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            c.on_predict_begin(logs)

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            c.on_predict_end(logs)


def _overrides(cb: Callback, hook: str) -> bool:
    if hook in getattr(cb, "__dict__", {}):  # set on the instance, e.g. by LambdaCallback
        return True
    method = getattr(type(cb), hook, None)
    return method is not None and method is not getattr(Callback, hook, None)
