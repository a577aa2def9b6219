"""Export hooks of the tensorflow adapter: SavedModels with a ``serve`` endpoint.

A ``tf.Module`` owns the model's ``tf.Variable`` handles (so they are saved as the
SavedModel's variables) and one ``tf.function`` with a dynamic batch dimension that
calls the kerasx model in inference mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx.backends.tensorflow._tf import tf


def export_saved_model(
    model: Any, path: str, specs: Sequence[tuple[str, tuple[Any, ...], str]]
) -> None:
    """Save ``model`` as a SavedModel at ``path`` with ``serve`` = ``serving_default``."""
    from kerasx.export._common import call_inputs

    module = tf.Module()
    # `Variable.handle` is the resource tensor on this backend; the tf.Variable itself
    # (the storage) is what the module must own for the SavedModel to save it.
    module.model_variables = [v._handle for v in model.weights]
    signature = [
        tf.TensorSpec(shape=list(shape), dtype=tf.as_dtype(dtype), name=name)
        for name, shape, dtype in specs
    ]

    @tf.function(input_signature=signature)
    def serve(*inputs: Any) -> Any:
        return model(call_inputs(inputs), training=False)

    module.serve = serve
    tf.saved_model.save(module, path, signatures={"serve": serve, "serving_default": serve})


def load_native_artifact(path: str) -> Any:
    """The restored ``tf.Module`` of a SavedModel (call ``.serve(x)``)."""
    return tf.saved_model.load(path)


__all__ = ["export_saved_model", "load_native_artifact"]
