"""The Callback base class: hooks the training loop calls, all no-ops by default."""

from __future__ import annotations

from typing import Any

from kerasx.saving.registry import keras_export


@keras_export("keras.callbacks.Callback")
class Callback:
    """Subclass and override the hooks you need; ``self.model`` is set by fit/evaluate/predict."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._model: Any = None

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        return self._model

    def on_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None: ...

    def on_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None: ...

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None: ...

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None: ...

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None: ...

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None: ...

    def on_predict_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None: ...

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None: ...

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None: ...

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None: ...

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None: ...

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None: ...

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None: ...

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None: ...
