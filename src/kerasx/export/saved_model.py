"""``format="tf_saved_model"``: a TensorFlow SavedModel with a ``serve`` endpoint.

The SavedModel holds the model's variables and one ``tf.function`` traced with a
dynamic batch size; ``tf.saved_model.load(path).serve(x)`` runs it without kerasx.
It is built by the tensorflow adapter (``kerasx.backends.tensorflow.export``), so it
needs the tensorflow backend.
"""

from __future__ import annotations

import os
from typing import Any

from kerasx.export._common import backend_hook, backend_name, input_specs, say


def export_saved_model(
    model: Any,
    filepath: str | os.PathLike[str],
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> None:
    """Write ``model`` as a SavedModel directory at ``filepath`` (tensorflow backend)."""
    if backend_name() != "tensorflow":
        raise ValueError(
            "format='tf_saved_model' needs the tensorflow backend (the current backend is "
            f"'{backend_name()}'). Run with KERASX_BACKEND=tensorflow, or export with "
            "format='onnx', which works on every backend."
        )
    if kwargs:
        raise ValueError(f"Unrecognized arguments for tf_saved_model export: {sorted(kwargs)}.")
    specs = input_specs(model, input_signature)
    path = os.fspath(filepath)
    backend_hook("export_saved_model")(model, path, specs)
    say(
        verbose, f"Saved artifact at '{path}'. Endpoint: serve({', '.join(n for n, _, _ in specs)})"
    )


__all__ = ["export_saved_model"]
