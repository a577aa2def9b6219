"""``format="native"``: the backend's own deployable artifact, and its loader.

* torch: a ``torch.export`` ExportedProgram (dynamic batch) saved with
  ``torch.export.save``; ``torch.export.load(path).module()(x)`` runs it.
* tensorflow: the SavedModel of ``format="tf_saved_model"``.
* jax: a directory holding ``config.json`` (the Keras model config), ``params.npz``
  (the variables, in ``model.weights`` order, plain arrays without pickle) and
  ``kerasx_native.json`` (format tag, input specs, weight paths).  There is no
  framework-level way to serialize a jitted JAX function with its parameters, so the
  honest artifact is "config + weights": :func:`load_native` rebuilds the model with
  kerasx (in safe mode) and returns a ``jax.jit``-compiled pure function of the inputs.
* numpy: no native artifact (use ``format="onnx"``).
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from kerasx.export._common import backend_hook, backend_name, call_inputs, input_specs, say

JAX_FORMAT = "kerasx.jax_native"
_MANIFEST = "kerasx_native.json"


def export_native(
    model: Any,
    filepath: str | os.PathLike[str],
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> None:
    """Write the active backend's native artifact for ``model`` (see module docstring)."""
    name = backend_name()
    path = os.fspath(filepath)
    if name == "tensorflow":
        from kerasx.export.saved_model import export_saved_model

        export_saved_model(model, path, verbose=verbose, input_signature=input_signature, **kwargs)
        return
    if kwargs:
        raise ValueError(f"Unrecognized arguments for native export: {sorted(kwargs)}.")
    specs = input_specs(model, input_signature)
    if name == "torch":
        backend_hook("export_torch_program")(model, path, specs)
        say(verbose, f"Saved torch.export program to '{path}'.")
    elif name == "jax":
        _write_jax_artifact(model, path, specs)
        say(verbose, f"Saved jax native artifact (config + params.npz) to '{path}'.")
    else:
        raise ValueError(
            f"The {name} backend has no native export format; use format='onnx' "
            "(every backend) or switch to the jax, torch or tensorflow backend."
        )


def _write_jax_artifact(model: Any, path: str, specs: list[Any]) -> None:
    from kerasx.saving.serialization import serialize_keras_object

    os.makedirs(path, exist_ok=True)
    weights = list(model.weights)
    arrays = {f"w{i}": np.asarray(v.numpy()) for i, v in enumerate(weights)}
    np.savez(os.path.join(path, "params.npz"), **arrays)
    with open(os.path.join(path, "config.json"), "w", encoding="utf-8") as f:
        json.dump(serialize_keras_object(model), f)
    manifest = {
        "format": JAX_FORMAT,
        "version": 1,
        "inputs": [{"name": n, "shape": list(s), "dtype": d} for n, s, d in specs],
        "weights": [getattr(v, "path", v.name) for v in weights],
    }
    with open(os.path.join(path, _MANIFEST), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)


class NativeFunction:
    """A compiled inference function plus the parameters it closes over.

    ``fn(params, *inputs)`` is the pure (jitted) function; calling the object applies
    it to the stored ``params``.
    """

    def __init__(self, fn: Any, params: Any, input_specs: list[dict[str, Any]]) -> None:
        self.fn = fn
        self.params = params
        self.input_specs = input_specs

    def __call__(self, *inputs: Any) -> Any:
        return self.fn(self.params, *inputs)


def load_native(
    filepath: str | os.PathLike[str],
    safe_mode: bool = True,
    custom_objects: dict[str, Any] | None = None,
) -> Any:
    """Load a native artifact written by ``Model.export(..., format="native")``.

    A jax artifact (config + weights) is rebuilt through the safe config loader and
    returned as a :class:`NativeFunction`.  torch programs and SavedModels carry
    executable graphs, so they load only with ``safe_mode=False`` and return
    ``ExportedProgram.module()`` / the restored ``tf.Module``.
    """
    path = os.fspath(filepath)
    manifest = os.path.join(path, _MANIFEST)
    if os.path.isdir(path) and os.path.isfile(manifest):
        return _load_jax_artifact(path, manifest, safe_mode, custom_objects)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No native export artifact at '{path}'.")
    is_saved_model = os.path.isdir(path) and os.path.isfile(os.path.join(path, "saved_model.pb"))
    kind = "tensorflow" if is_saved_model else "torch"
    if safe_mode:
        raise ValueError(
            f"'{path}' is a {kind} export artifact, which contains an executable program. "
            "Loading it can run code from the file; pass `safe_mode=False` if you trust "
            "its source."
        )
    if backend_name() != kind:
        raise ValueError(
            f"'{path}' is a {kind} export artifact; load it with the {kind} backend "
            f"(the current backend is '{backend_name()}')."
        )
    return backend_hook("load_native_artifact")(path)


def _load_jax_artifact(
    path: str, manifest_path: str, safe_mode: bool, custom_objects: dict[str, Any] | None
) -> NativeFunction:
    from kerasx.saving.serialization import deserialize_keras_object

    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("format") != JAX_FORMAT:
        raise ValueError(f"'{path}' is not a kerasx jax native artifact.")
    if backend_name() != "jax":
        raise ValueError(
            f"'{path}' holds a jax native artifact; it compiles with jax.jit and needs the "
            f"jax backend (the current backend is '{backend_name()}')."
        )
    with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model = deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode)
    with np.load(os.path.join(path, "params.npz"), allow_pickle=False) as data:
        arrays = [data[f"w{i}"] for i in range(len(manifest["weights"]))]
    model.set_weights(arrays)
    fn, params = backend_hook("jit_inference")(model, call_inputs)
    return NativeFunction(fn, params, manifest["inputs"])


__all__ = ["NativeFunction", "export_native", "load_native"]
