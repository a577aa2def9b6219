"""Shared pieces of the export formats: input specs and backend hooks.

Framework-specific export code lives in ``kerasx.backends.<name>.export`` (only the
backends may import torch, jax or tensorflow).  The hooks are looked up on the active
backend object first, then in that module, so the adapter can adopt them later
without changing the frontend.
"""

from __future__ import annotations

import importlib
from typing import Any

from kerasx import _backend


def backend_name() -> str:
    return str(_backend.B.name)


def backend_hook(name: str) -> Any:
    """The active backend's export hook ``name`` (ValueError when it has none)."""
    hook = getattr(_backend.B, name, None)
    if hook is not None:
        return hook
    try:
        module = importlib.import_module(f"kerasx.backends.{backend_name()}.export")
    except ModuleNotFoundError:
        module = None
    hook = getattr(module, name, None)
    if hook is None:
        raise ValueError(f"The {backend_name()} backend has no export hook `{name}`.")
    return hook


def input_specs(model: Any, input_signature: Any = None) -> list[tuple[str, tuple[Any, ...], str]]:
    """``(name, shape, dtype)`` of each model input; the batch axis is made ``None``.

    Functional and Sequential models know their inputs; a subclassed model needs
    ``input_signature`` (objects with ``shape``/``dtype``, e.g. ``kerasx.InputSpec``
    or ``kerasx.KerasTensor``).
    """
    graph_inputs = None
    inputs = getattr(model, "inputs", None)
    if inputs:
        graph_inputs = [
            (
                t._keras_history[0].name if t._keras_history else f"input_{i}",
                tuple(t.shape),
                str(t.dtype),
            )
            for i, t in enumerate(inputs)
        ]
    if input_signature is None:
        if graph_inputs is None:
            raise ValueError(
                f"Model '{model.name}' has no known inputs: pass `input_signature` "
                "(a list of `kerasx.InputSpec(shape=..., dtype=...)`) to export it."
            )
        specs = graph_inputs
    else:
        flat = (
            list(input_signature)
            if isinstance(input_signature, (list, tuple))
            else [input_signature]
        )
        if len(flat) == 1 and isinstance(flat[0], (list, tuple)):
            flat = list(flat[0])
        specs = []
        for i, sig in enumerate(flat):
            shape = getattr(sig, "shape", None)
            if shape is None:
                raise ValueError(f"`input_signature` entry {sig!r} has no shape.")
            name = graph_inputs[i][0] if graph_inputs and i < len(graph_inputs) else f"input_{i}"
            dtype = getattr(sig, "dtype", None) or "float32"
            specs.append((name, tuple(shape), str(dtype)))
        if graph_inputs is not None and len(specs) != len(graph_inputs):
            raise ValueError(
                f"`input_signature` lists {len(specs)} inputs but model '{model.name}' has "
                f"{len(graph_inputs)}."
            )
    return [(n, (None, *shape[1:]), dtype) for n, shape, dtype in specs]


def call_inputs(args: Any) -> Any:
    """How a model wants ``args``: one tensor alone, several as a list."""
    args = list(args)
    return args[0] if len(args) == 1 else args


def say(verbose: bool | None, message: str) -> None:
    if verbose is None or verbose:
        print(message)
