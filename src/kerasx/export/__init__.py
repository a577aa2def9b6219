"""``kerasx.export``: turn a model into an artifact that runs without kerasx.

Three formats, chosen by ``Model.export(filepath, format=...)``:

* ``"onnx"`` — an ONNX graph (opset 17, dynamic batch) written from the model's
  Functional graph; identical on every backend and needs only the ``onnx`` package.
* ``"tf_saved_model"`` — a TensorFlow SavedModel with a ``serve`` signature (tensorflow
  backend only).
* ``"native"`` — the backend's own artifact: a ``torch.export`` program on torch, a
  SavedModel on tensorflow, and on jax a directory of parameters plus the model config
  that :func:`load_native` turns back into a ``jax.jit``-compiled function.
"""

from __future__ import annotations

import os
from typing import Any

from kerasx.export.native import NativeFunction, export_native, load_native
from kerasx.export.onnx_export import export_onnx, supported_layers, to_onnx
from kerasx.export.saved_model import export_saved_model

FORMATS = ("tf_saved_model", "onnx", "native")


def export_model(
    model: Any,
    filepath: str | os.PathLike[str],
    format: str = "tf_saved_model",
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> None:
    """Export ``model`` to ``filepath`` in ``format`` (see the module docstring)."""
    fmt = str(format).lower()
    if fmt == "onnx":
        export_onnx(model, filepath, verbose=verbose, input_signature=input_signature, **kwargs)
    elif fmt == "tf_saved_model":
        export_saved_model(
            model, filepath, verbose=verbose, input_signature=input_signature, **kwargs
        )
    elif fmt == "native":
        export_native(model, filepath, verbose=verbose, input_signature=input_signature, **kwargs)
    else:
        raise ValueError(
            f"Unrecognized format={format!r}. kerasx can export to one of {list(FORMATS)}."
        )


__all__ = [
    "FORMATS",
    "NativeFunction",
    "export_model",
    "export_native",
    "export_onnx",
    "export_saved_model",
    "load_native",
    "supported_layers",
    "to_onnx",
]
