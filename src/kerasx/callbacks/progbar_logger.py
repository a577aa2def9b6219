"""ProgbarLogger: a live progress bar with ETA and metrics (rich), or one line per epoch.

verbose=1 draws a rich progress bar refreshed at most ~10 times a second, so logs are
only pulled from the device when the bar redraws; verbose=2 prints one line per epoch.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from kerasx.callbacks.callback import Callback
from kerasx.saving.registry import keras_export


def _fmt(logs: dict[str, Any]) -> str:
    parts = []
    for k, v in logs.items():
        try:
            parts.append(f"{k}: {float(v):.4f}")
        except (TypeError, ValueError):
            continue
    return " - ".join(parts)


@keras_export("keras.callbacks.ProgbarLogger")
class ProgbarLogger(Callback):
    """Prints progress and metrics to stdout."""

    def __init__(self, count_mode: str | None = None) -> None:
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self._progress: Any = None
        self._task: Any = None
        self._last = 0.0
        self._mode = "train"
        self._start = 0.0

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)

    def _begin(self, total: int | None, description: str) -> None:
        self._start = time.perf_counter()
        if self.verbose != 1:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(file=sys.stdout, force_terminal=None)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[metrics]}"),
            console=console,
            transient=False,
            refresh_per_second=8,
        )
        self._progress.start()
        self._task = self._progress.add_task(description, total=total, metrics="")
        self._last = 0.0

    def _update(self, step: int, logs: dict[str, Any] | None, force: bool = False) -> None:
        if self._progress is None:
            return
        now = time.perf_counter()
        if force or now - self._last > 0.1:
            self._last = now
            self._progress.update(self._task, completed=step, metrics=_fmt(logs or {}))

    def _end(self, steps: int, logs: dict[str, Any] | None) -> None:
        if self._progress is not None:
            self._update(steps, logs, force=True)
            self._progress.stop()
            self._progress = None

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.verbose == 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)
        self._steps_done = 0
        self._begin(self.params.get("steps"), "train")

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._steps_done = batch + 1
        self._update(batch + 1, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._end(getattr(self, "_steps_done", 0), logs)
        if self.verbose == 2:
            took = time.perf_counter() - self._start
            print(f"Epoch {epoch + 1}/{self.epochs} - {took:.1f}s - {_fmt(logs or {})}", flush=True)
        elif self.verbose == 1 and logs and any(k.startswith("val_") for k in logs):
            print(_fmt(logs), flush=True)

    def on_test_begin(self, logs: dict[str, Any] | None = None) -> None:
        if self.params.get("in_fit"):
            return
        self._begin(self.params.get("steps"), "evaluate")

    def on_test_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if not self.params.get("in_fit"):
            self._update(batch + 1, logs)

    def on_test_end(self, logs: dict[str, Any] | None = None) -> None:
        if not self.params.get("in_fit"):
            self._end(self.params.get("steps") or 0, logs)

    def on_predict_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._begin(self.params.get("steps"), "predict")

    def on_predict_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._update(batch + 1, None)

    def on_predict_end(self, logs: dict[str, Any] | None = None) -> None:
        self._end(self.params.get("steps") or 0, None)
