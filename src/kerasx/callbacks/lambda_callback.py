"""LambdaCallback: a callback built from plain functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kerasx.callbacks.callback import Callback
from kerasx.saving.registry import keras_export

_Fn = Callable[..., Any] | None


@keras_export("keras.callbacks.LambdaCallback")
class LambdaCallback(Callback):
    """Each given function replaces the hook of the same name.

    Epoch hooks get ``(epoch, logs)``, batch hooks ``(batch, logs)``, train hooks
    ``(logs)``.  Any other hook (``on_test_begin=...``, ``on_predict_batch_end=...``) can
    be passed as a keyword argument.
    """

    def __init__(
        self,
        on_epoch_begin: _Fn = None,
        on_epoch_end: _Fn = None,
        on_train_begin: _Fn = None,
        on_train_end: _Fn = None,
        on_train_batch_begin: _Fn = None,
        on_train_batch_end: _Fn = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)
