"""PyDataset (and its tf.keras name, Sequence): indexable batches for fit/evaluate/predict."""

from __future__ import annotations

from typing import Any

from kerasx.saving.registry import keras_export


@keras_export("keras.utils.PyDataset", "keras.utils.Sequence")
class PyDataset:
    """Subclass and implement ``__len__`` (batches per epoch) and ``__getitem__`` (one
    batch, ``x`` / ``(x, y)`` / ``(x, y, sample_weight)``).  With ``workers > 1``
    batches are prepared in threads ahead of the training step."""

    def __init__(
        self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10
    ) -> None:
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    @property
    def num_batches(self) -> int | None:
        return len(self)

    def on_epoch_end(self) -> None:
        """Called after each epoch (e.g. to reshuffle)."""


Sequence = PyDataset
