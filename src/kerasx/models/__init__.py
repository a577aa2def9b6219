"""``kerasx.models``: Model, Sequential, Functional, and model loading/cloning."""

from kerasx.models.functional import Functional
from kerasx.models.model import Model
from kerasx.models.sequential import Sequential


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002
    """Load a model saved with ``model.save`` (``.keras``) or a legacy ``.h5`` file."""
    from kerasx.saving.saving_api import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def clone_model(
    model, input_tensors=None, clone_function=None, call_function=None, recursive=False, **kwargs
):
    """A new model with the same architecture and freshly initialised weights."""
    from kerasx.models.cloning import clone_model as _clone

    return _clone(
        model,
        input_tensors=input_tensors,
        clone_function=clone_function,
        call_function=call_function,
        recursive=recursive,
        **kwargs,
    )


def model_from_json(json_string, custom_objects=None):
    """Rebuild a model from ``model.to_json()`` output (safe: registered classes only)."""
    import json

    from kerasx.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(json.loads(json_string), custom_objects=custom_objects)


__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "model_from_json"]
