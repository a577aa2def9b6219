"""``kerasx.utils.plot_history``: training curves as an image, for people who would
rather look than read the epoch logs.

Matplotlib is an optional extra (``pip install "kerasx[plot]"``); it is imported only
here, on the non-interactive Agg canvas, so plotting never opens a window or touches
pyplot's global state and works on headless machines.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

_INSTALL_HINT = (
    "`plot_history` needs matplotlib, which is not installed. Install it with `pip install "
    '"kerasx[plot]"` (or `pip install matplotlib`).'
)


def _require_matplotlib() -> tuple[Any, Any]:
    """``(Figure, FigureCanvasAgg)``, or an ImportError that says how to install them."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError(_INSTALL_HINT) from err
    return Figure, FigureCanvasAgg


def _as_dict(history: Any) -> dict[str, list[float]]:
    """Accept a ``History`` callback (what ``fit`` returns) or its ``.history`` dict."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            "`history` must be the object returned by `model.fit()` or its `.history` "
            f"dict. Received: {type(history).__name__}"
        )
    return {str(k): [float(v) for v in vals] for k, vals in logs.items()}


def _panels(logs: dict[str, list[float]], metrics: Sequence[str] | None) -> list[str]:
    """One panel per training quantity; ``val_<name>`` is drawn in ``<name>``'s panel."""
    if metrics is not None:
        missing = [m for m in metrics if m not in logs and f"val_{m}" not in logs]
        if missing:
            raise ValueError(f"Unknown metrics {missing}; the history has {sorted(logs)}.")
        return list(metrics)
    names: list[str] = []
    for key in logs:
        base = key[4:] if key.startswith("val_") else key
        if base not in names and base != "learning_rate":
            names.append(base)
    if "loss" in names:  # loss first, as people read it first
        names.remove("loss")
        names.insert(0, "loss")
    return names


def plot_history(
    history: Any,
    path: str | os.PathLike[str] | None = None,
    metrics: Sequence[str] | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: int = 100,
    title: str | None = None,
) -> Any:
    """Draw loss and metric curves per epoch; save them to ``path`` (format from the
    extension, e.g. ``.png``/``.pdf``/``.svg``) and return the matplotlib ``Figure``.

    ``history`` is what ``model.fit()`` returns (or its ``.history`` dict).  Each metric
    gets its own panel with the training curve and, when present, the validation curve.
    """
    Figure, FigureCanvasAgg = _require_matplotlib()
    logs = _as_dict(history)
    if not logs:
        raise ValueError("The history is empty: nothing to plot (did `fit` run any epoch?).")
    names = _panels(logs, metrics)
    n = len(names)
    fig = Figure(figsize=figsize or (5.0 * n, 3.6), dpi=dpi)
    FigureCanvasAgg(fig)
    epochs_of = getattr(history, "epoch", None)
    for i, name in enumerate(names):
        ax = fig.add_subplot(1, n, i + 1)
        for key, label in ((name, "train"), (f"val_{name}", "validation")):
            if key not in logs:
                continue
            values = logs[key]
            if epochs_of is not None and len(epochs_of) == len(values):
                xs = [e + 1 for e in epochs_of]
            else:
                xs = list(range(1, len(values) + 1))
            ax.plot(xs, values, marker="o" if len(values) < 30 else None, label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is not None:
        fig.savefig(os.fspath(path))
    return fig


__all__ = ["plot_history"]
