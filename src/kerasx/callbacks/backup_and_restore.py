"""BackupAndRestore: resume an interrupted ``fit`` from its last backup.

Every epoch (or every ``save_freq`` batches) the model and optimizer state go to
``backup_dir/latest.weights.h5`` and the epoch to ``training_metadata.json``.  When
``fit`` starts again with the same callback settings, ``on_train_begin`` loads that state
and asks the trainer to start at the saved epoch (``model._initial_epoch_override``).  A
completed ``fit`` deletes the backup unless ``delete_checkpoint=False``.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

from kerasx.callbacks._training_state import sync_model_state
from kerasx.callbacks.callback import Callback
from kerasx.saving.registry import keras_export


def _load_full_state(model: Any, path: str) -> None:
    """Load model *and* optimizer variables (``load_weights`` skips the optimizer)."""
    from kerasx.saving.h5_store import H5Reader
    from kerasx.saving.saving_lib import load_weights_from_h5

    reader = H5Reader(path, path)
    try:
        load_weights_from_h5(model, reader, include_optimizer=True)
    finally:
        reader.close()


@keras_export("keras.callbacks.BackupAndRestore")
class BackupAndRestore(Callback):
    """With ``double_checkpoint`` the previous backup is kept as ``*.bkp`` and used when
    the latest one cannot be read (e.g. the process died while writing it)."""

    def __init__(
        self,
        backup_dir: Any,
        save_freq: Any = "epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        self.backup_dir = os.fspath(backup_dir)
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = f"{self._weights_path}.bkp"
        self._prev_training_metadata_path = f"{self._training_metadata_path}.bkp"
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )

    # ---------------------------------------------------------------- restore
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        from kerasx.saving.h5_store import LoadError

        try:
            self._load_model()
        except (OSError, LoadError):
            if not os.path.exists(self._prev_weights_path):
                raise
            shutil.copyfile(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_training_metadata_path):
                shutil.copyfile(self._prev_training_metadata_path, self._training_metadata_path)
            elif os.path.exists(self._training_metadata_path):
                os.remove(self._training_metadata_path)
            self._load_model()

    def _load_model(self) -> None:
        model = self.model
        if not model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, you model must be built before you "
                f"call `fit()`. Model {model} is unbuilt. You can build it beforehand by "
                "calling it on a batch of data."
            )
        if os.path.exists(self._weights_path):
            if model.optimizer is not None and not getattr(model.optimizer, "built", False):
                model.optimizer.build(model.trainable_variables)
            _load_full_state(model, self._weights_path)
        if os.path.exists(self._training_metadata_path):
            with open(self._training_metadata_path) as f:
                metadata = json.loads(f.read())
            epoch = int(metadata["epoch"])
            self._current_epoch = epoch
            model._initial_epoch_override = epoch

    # ------------------------------------------------------------------- save
    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save_model()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self._should_save_on_batch(batch):
            sync_model_state(self.model)
            self._save_model()

    def _save_model(self) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            shutil.copyfile(self._weights_path, self._prev_weights_path)
        if self.double_checkpoint and os.path.exists(self._training_metadata_path):
            shutil.copyfile(self._training_metadata_path, self._prev_training_metadata_path)
        self.model.save_weights(self._weights_path, overwrite=True)
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen}
        tmp = f"{self._training_metadata_path}.tmp"
        with open(tmp, "w") as f:
            f.write(json.dumps(metadata))
        os.replace(tmp, self._training_metadata_path)

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
