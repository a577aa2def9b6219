"""``model.summary()``: layers, output shapes and parameter counts as a rich table."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any


def _shape_str(layer: Any) -> str:
    try:
        out = layer.output
    except (AttributeError, ValueError):
        return "?"
    if isinstance(out, (list, tuple)):
        return ", ".join(str(tuple(t.shape)) for t in out)
    return str(tuple(out.shape))


def _count(weights: list[Any]) -> int:
    return int(sum(v.size for v in weights))


def print_summary(
    model: Any,
    line_length: int | None = None,
    print_fn: Callable[..., Any] | None = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f'Model: "{model.name}"', title_justify="left", show_lines=False)
    table.add_column("Layer (type)")
    table.add_column("Output Shape")
    table.add_column("Param #", justify="right")
    if show_trainable:
        table.add_column("Trainable")
    layers = list(model.layers)
    for layer in layers:
        if type(layer).__name__ == "InputLayer" and type(model).__name__ == "Sequential":
            continue
        row = [
            f"{layer.name} ({type(layer).__name__})",
            _shape_str(layer),
            f"{_count(layer.weights):,}" if layer.built else "0 (unbuilt)",
        ]
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        table.add_row(*row)
    trainable = _count(model.trainable_weights)
    total = _count(model.weights)
    buf = io.StringIO()
    console = Console(file=buf, width=line_length or 100, force_terminal=False, color_system=None)
    console.print(table)
    console.print(f" Total params: {total:,}")
    console.print(f" Trainable params: {trainable:,}")
    console.print(f" Non-trainable params: {total - trainable:,}")
    text = buf.getvalue()
    if print_fn is None:
        print(text, end="")
    else:
        for line in text.splitlines():
            print_fn(line)
