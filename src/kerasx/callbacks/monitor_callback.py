"""MonitorCallback: shared "is this value an improvement?" logic for monitoring callbacks.

Not public in Keras either; EarlyStopping, ModelCheckpoint and ReduceLROnPlateau build
on it.  In ``auto`` mode the direction comes from the metric's ``_direction`` (or "loss"
means down), and ``min_delta`` carries the sign of the direction.
"""

from __future__ import annotations

import operator
import warnings
from typing import Any

from kerasx.callbacks.callback import Callback


class MonitorCallback(Callback):
    """Base for callbacks that watch one quantity from the logs."""

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        baseline: float | None = None,
        min_delta: float = 0,
    ) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: Any = None

    def _metric_direction(self, name: str) -> str | None:
        """The ``_direction`` ("up"/"down") of a compiled metric called ``name``."""
        metrics = list(getattr(self.model, "metrics", None) or [])
        flat: list[Any] = []
        for m in metrics:
            inner = getattr(m, "metrics", None)
            flat.extend(inner if isinstance(inner, (list, tuple)) else [m])
        direction = None
        for m in flat:
            if getattr(m, "name", None) == name and hasattr(m, "_direction"):
                direction = m._direction
        return direction

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = operator.lt
            direction = self._metric_direction(name)
            if direction is not None:
                self.monitor_op = operator.gt if direction == "up" else operator.lt
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but the "
                    "direction of that metric (maximize or minimize) cannot be determined "
                    "automatically. Pass `mode='max'` to monitor the highest value, or "
                    "`mode='min'` to monitor the lowest value."
                )
        if self.monitor_op is operator.lt:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
