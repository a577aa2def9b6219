"""TensorBoard: scalar and histogram summaries for TensorBoard, without TensorFlow.

Layout follows Keras: ``log_dir/train`` receives ``epoch_<metric>`` (step = epoch),
``epoch_learning_rate``, ``batch_<metric>`` every ``update_freq`` batches (step = global
batch count) and weight histograms ``<variable path>/histogram``; ``log_dir/validation``
receives ``epoch_<metric>`` for the ``val_`` logs and ``evaluation_<metric>_vs_iterations``
(step = optimizer iterations).  Event files are written by
:mod:`kerasx.callbacks._tfevents`.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

from kerasx.callbacks._tfevents import EventFileWriter
from kerasx.callbacks._training_state import to_float
from kerasx.callbacks.callback import Callback
from kerasx.saving.registry import keras_export


def _parse_profile_batch(profile_batch: Any) -> tuple[int, int]:
    message = (
        "profile_batch must be a non-negative integer or 2-tuple of positive integers. A pair "
        "of positive integers signifies a range of batches to profile. Found: "
        f"{profile_batch}"
    )
    if isinstance(profile_batch, str):
        try:
            profile_batch = [int(p) for p in profile_batch.split(",")]
        except ValueError:
            raise ValueError(message) from None
        if len(profile_batch) == 1:
            profile_batch = profile_batch[0]
    if isinstance(profile_batch, int):
        start = stop = profile_batch
    elif isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2:
        start, stop = profile_batch
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    return start, stop


@keras_export("keras.callbacks.TensorBoard")
class TensorBoard(Callback):
    """Logs for TensorBoard.

    ``write_graph``, ``write_images`` and ``profile_batch`` are accepted for compatibility
    but write nothing (there is no TensorFlow graph to export, nor a profiler).
    """

    def __init__(
        self,
        log_dir: Any = "logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq: Any = "epoch",
        profile_batch: Any = 0,
        embeddings_freq: int = 0,
        embeddings_metadata: Any = None,
    ) -> None:
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        if self.update_freq != "epoch" and (
            not isinstance(self.update_freq, int) or self.update_freq < 1
        ):
            raise ValueError(
                f"`update_freq` must be 'epoch', 'batch' or a positive integer. Received: "
                f"update_freq={update_freq}"
            )
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        start, stop = _parse_profile_batch(profile_batch)
        if stop > 0:
            warnings.warn(
                "TensorBoard profiling is not available in kerasx; `profile_batch` is ignored.",
                stacklevel=2,
            )
        if write_images:
            warnings.warn(
                "TensorBoard(write_images=True) is not supported in kerasx; weight images are "
                "not written.",
                stacklevel=2,
            )
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0.0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0
        self._writers: dict[str, EventFileWriter] = {}
        self._log_write_dir = self.log_dir
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")

    # ---------------------------------------------------------------- writers
    def set_model(self, model: Any) -> None:
        super().set_model(model)
        self._log_write_dir = self.log_dir
        self._train_dir = os.path.join(self._log_write_dir, "train")
        self._val_dir = os.path.join(self._log_write_dir, "validation")
        self._close_writers()
        self._writers = {}
        if self.embeddings_freq:
            self._configure_embeddings()

    @property
    def _train_writer(self) -> EventFileWriter:
        if "train" not in self._writers:
            self._writers["train"] = EventFileWriter(self._train_dir)
        return self._writers["train"]

    @property
    def _val_writer(self) -> EventFileWriter:
        if "val" not in self._writers:
            self._writers["val"] = EventFileWriter(self._val_dir)
        return self._writers["val"]

    def _flush_writers(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()

    def _records_batches(self) -> bool:
        return self.update_freq != "epoch" and self._global_train_batch % self.update_freq == 0

    # ------------------------------------------------------------------ hooks
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0.0

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._close_writers()

    def on_train_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if not self._records_batches():
            return
        writer = self._train_writer
        step = self._global_train_batch
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-9)
            writer.scalar("batch_steps_per_second", 1.0 / elapsed, step)
        if isinstance(logs, dict):
            for name, value in logs.items():
                writer.scalar(f"batch_{name}", to_float(value), step)

    def on_test_batch_begin(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._global_test_batch += 1

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations") or not logs:
            return
        step = int(to_float(optimizer.iterations))
        writer = self._val_writer
        for name, value in logs.items():
            writer.scalar(f"evaluation_{name}_vs_iterations", to_float(value), step)
        writer.flush()

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.write_steps_per_second:
            self._previous_epoch_iterations = to_float(self.model.optimizer.iterations)
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)
        self._flush_writers()

    # ---------------------------------------------------------------- logging
    def _collect_learning_rate(self, logs: dict[str, Any]) -> dict[str, Any]:
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                logs[f"learning_rate_{opt.name}"] = to_float(opt.learning_rate)
        elif optimizer is not None and hasattr(optimizer, "learning_rate"):
            logs["learning_rate"] = to_float(optimizer.learning_rate)
        return logs

    def _compute_steps_per_second(self) -> float:
        iterations = to_float(self.model.optimizer.iterations)
        elapsed = max(time.time() - self._epoch_start_time, 1e-9)
        return (iterations - self._previous_epoch_iterations) / elapsed

    def _log_epoch_metrics(self, epoch: int, logs: dict[str, Any] | None) -> None:
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            train_logs["steps_per_second"] = self._compute_steps_per_second()
        for name, value in train_logs.items():
            self._train_writer.scalar(f"epoch_{name}", to_float(value), epoch)
        for name, value in val_logs.items():
            self._val_writer.scalar(f"epoch_{name[4:]}", to_float(value), epoch)

    def _log_weights(self, epoch: int) -> None:
        writer = self._train_writer
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                writer.histogram(f"{name}/histogram", weight.numpy(), epoch)

    # ------------------------------------------------------------- embeddings
    def _embedding_layers(self) -> list[Any]:
        return [
            layer
            for layer in getattr(self.model, "layers", [])
            if type(layer).__name__ == "Embedding"
        ]

    def _configure_embeddings(self) -> None:
        """Write ``projector_config.pbtxt`` (protobuf text format) for the Projector."""
        metadata = self.embeddings_metadata
        if isinstance(metadata, dict):
            metadata = dict(metadata)
        entries = []
        for layer in self._embedding_layers():
            lines = ['  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"']
            path = None
            if isinstance(metadata, str):
                path = metadata
            elif isinstance(metadata, dict) and layer.name in metadata:
                path = metadata.pop(layer.name)
            if path is not None:
                lines.append(f'  metadata_path: "{path}"')
            entries.append("embeddings {\n" + "\n".join(lines) + "\n}\n")
        if isinstance(metadata, dict) and metadata:
            raise ValueError(
                "Unrecognized `Embedding` layer names passed to `keras.callbacks.TensorBoard` "
                f"`embeddings_metadata` argument: {metadata.keys()}"
            )
        os.makedirs(self._log_write_dir, exist_ok=True)
        with open(os.path.join(self._log_write_dir, "projector_config.pbtxt"), "w") as f:
            f.write("".join(entries))

    def _log_embeddings(self, epoch: int) -> None:
        os.makedirs(self._train_dir, exist_ok=True)
        path = os.path.join(self._train_dir, f"keras_embedding.ckpt-{epoch}.weights.h5")
        self.model.save_weights(path)
