"""``Model.export``: the method body, kept with the export code.

``kerasx.models.model.Model`` binds this function as its ``export`` method, so the
model class needs no knowledge of the export formats.
"""

from __future__ import annotations

import os
from typing import Any


def export(
    self: Any,
    filepath: str | os.PathLike[str],
    format: str = "tf_saved_model",
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> None:
    """Export the model for serving without kerasx.

    ``format`` is ``"onnx"`` (every backend), ``"tf_saved_model"`` (tensorflow backend)
    or ``"native"`` (the backend's own artifact); see :mod:`kerasx.export`.
    """
    from kerasx.export import export_model

    export_model(
        self, filepath, format=format, verbose=verbose, input_signature=input_signature, **kwargs
    )


__all__ = ["export"]
