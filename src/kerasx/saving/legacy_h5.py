"""Loading tf.keras 2 HDF5 files: full models (``model.save("m.h5")``) and weights
(``model.save_weights("w.h5")``).

A Keras 2 HDF5 file keeps the model config as JSON in the ``model_config`` attribute,
compile settings in ``training_config``, and weights in one group per layer listing
``weight_names`` (``dense/kernel:0``...) in the layer's Keras 2 order: trainable
variables first, then the others.  The config is rewritten into the Keras 3 layout by
:mod:`kerasx.saving.legacy_keras2_format` and rebuilt through the registry only; the
file is checked with the same rules as Keras 3 weights files (no links, no external or
virtual datasets, numeric arrays only) before anything is read.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

import h5py
import numpy as np

from kerasx.saving.h5_store import LoadError, _check_dataset
from kerasx.saving.legacy_keras2_format import compile_args, convert_model

MAX_CONFIG_CHARS = 64 * 1024**2
MAX_OBJECTS = 200_000
MAX_DEPTH = 64


def _check_links(group: h5py.Group, where: str) -> None:
    """Only hard links: soft and external ones could lead HDF5 elsewhere (other files)."""
    for key in group.keys():
        link = group.get(key, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise LoadError(
                f"{where}: links ({type(link).__name__} at '{group.name}/{key}') are not "
                "allowed in model files."
            )


def _validate(group: h5py.Group, name: str, depth: int = 0, seen: list[int] | None = None) -> None:
    """Refuse the whole file up front if any object in it is unsafe to read, so later
    lookups by weight name (which traverse groups) can only reach checked objects."""
    seen = seen if seen is not None else [0]
    if depth > MAX_DEPTH:
        raise LoadError(f"'{name}': groups nest deeper than {MAX_DEPTH} levels.")
    _check_links(group, f"'{name}'")
    for key in group.keys():
        seen[0] += 1
        if seen[0] > MAX_OBJECTS:
            raise LoadError(f"'{name}': more than {MAX_OBJECTS} objects.")
        obj = group[key]
        if isinstance(obj, h5py.Group):
            _validate(obj, name, depth + 1, seen)
        elif isinstance(obj, h5py.Dataset):
            _check_dataset(obj, f"'{name}' at '{obj.name}'")
        else:
            raise LoadError(f"'{name}': '{group.name}/{key}' is neither a group nor a dataset.")


def open_checked(source: Any, name: str) -> h5py.File:
    """Open an HDF5 file (path or file object) read-only after checking all of it."""
    try:
        f = h5py.File(source, "r")
    except Exception as e:  # h5py raises many types for corrupt files
        raise LoadError(
            f"Could not read '{name}': not a valid HDF5 file ({type(e).__name__}: {e})."
        ) from None
    try:
        _validate(f, name)
    except BaseException:
        f.close()
        raise
    return f


def _open(filepath: str) -> h5py.File:
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such file: '{filepath}'")
    return open_checked(filepath, filepath)


def _count_datasets(group: h5py.Group) -> int:
    count = [0]

    def visit(_name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset):
            count[0] += 1

    group.visititems(visit)
    return count[0]


def _text_attr(obj: h5py.HLObject, key: str, filepath: str) -> str | None:
    if key not in obj.attrs:
        return None
    value = obj.attrs[key]
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if not isinstance(value, str):
        raise LoadError(f"'{filepath}': attribute '{key}' is not text.")
    if len(value) > MAX_CONFIG_CHARS:
        raise LoadError(f"'{filepath}': attribute '{key}' is larger than allowed.")
    return value


def _json_attr(obj: h5py.HLObject, key: str, filepath: str) -> Any:
    text = _text_attr(obj, key, filepath)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(f"'{filepath}': attribute '{key}' is not valid JSON ({e}).") from None


def _names_attr(obj: h5py.HLObject, key: str) -> list[str]:
    """Keras 2 stores name lists as byte-string arrays (empty ones as float arrays)."""
    if key not in obj.attrs:
        return []
    value = np.asarray(obj.attrs[key])
    if value.size == 0:
        return []
    if value.dtype.kind not in "SUO":
        raise LoadError(f"Attribute '{key}' of '{obj.name}' is not a list of names.")
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in value.reshape(-1)]


def _layer_arrays(group: h5py.Group, layer_name: str, filepath: str) -> list[np.ndarray]:
    if layer_name not in group:
        raise LoadError(f"'{filepath}': no weights group for layer '{layer_name}'.")
    layer_group = group[layer_name]
    out = []
    for weight_name in _names_attr(layer_group, "weight_names"):
        if weight_name not in layer_group:
            raise LoadError(
                f"'{filepath}': layer '{layer_name}' lists weight '{weight_name}' that is not stored."
            )
        ds = layer_group[weight_name]
        if not isinstance(ds, h5py.Dataset):
            raise LoadError(f"'{filepath}': '{ds.name}' is not a dataset.")
        out.append(np.asarray(ds[()]))
    return out


def _file_layers(group: h5py.Group, filepath: str) -> dict[str, list[np.ndarray]]:
    """Layer name -> arrays, for every layer of the file that has weights, in file order."""
    out = {}
    for name in _names_attr(group, "layer_names"):
        arrays = _layer_arrays(group, name, filepath)
        if arrays:
            out[name] = arrays
    return out


def legacy_variables(layer: Any) -> list[Any]:
    """A layer's variables in the order tf.keras 2 saved them: trainable, then the rest
    (for a nested model: every trainable variable of every sublayer first)."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _assign(
    layer: Any, arrays: list[np.ndarray], filepath: str, skip_mismatch: bool, problems: list[str]
) -> None:
    variables = legacy_variables(layer)
    if len(variables) != len(arrays):
        msg = (
            f"Layer '{layer.name}' expects {len(variables)} weights, but the file "
            f"'{filepath}' holds {len(arrays)} for it."
        )
        if skip_mismatch:
            problems.append(msg)
            return
        raise ValueError(msg)
    pairs = []
    for var, arr in zip(variables, arrays):
        if tuple(var.shape) != tuple(arr.shape):
            msg = (
                f"Weight '{var.path}' of layer '{layer.name}' has shape {tuple(var.shape)}, "
                f"but the file '{filepath}' stores shape {tuple(arr.shape)}."
            )
            if skip_mismatch:
                problems.append(msg)
                return
            raise ValueError(msg)
        pairs.append((var, arr))
    for var, arr in pairs:
        var.assign(arr.astype(np.dtype(var.dtype)) if var.dtype != "bfloat16" else arr)


def _layers_with_weights(model: Any) -> list[Any]:
    return [layer for layer in model.layers if legacy_variables(layer)]


def _load_topological(
    model: Any, file_layers: dict[str, list[np.ndarray]], filepath: str, skip_mismatch: bool
) -> list[str]:
    layers = _layers_with_weights(model)
    if len(layers) != len(file_layers):
        raise ValueError(
            f"The model has {len(layers)} layers with weights, but the file '{filepath}' has "
            f"{len(file_layers)} ({list(file_layers)}). Load by name (`by_name=True`) or "
            "rebuild the model as it was saved."
        )
    problems: list[str] = []
    for layer, arrays in zip(layers, file_layers.values()):
        _assign(layer, arrays, filepath, skip_mismatch, problems)
    return problems


def _load_by_name(
    model: Any, file_layers: dict[str, list[np.ndarray]], filepath: str, skip_mismatch: bool
) -> list[str]:
    by_name: dict[str, Any] = {}
    for layer in model.layers:
        by_name.setdefault(layer.name, layer)
    problems: list[str] = []
    for name, arrays in file_layers.items():
        layer = by_name.get(name)
        if layer is None:
            continue  # layers absent from the model are ignored, as in tf.keras
        _assign(layer, arrays, filepath, skip_mismatch, problems)
    return problems


def _warn(problems: list[str]) -> None:
    if problems:
        warnings.warn(
            "Skipped loading weights that do not match the model:\n" + "\n".join(problems),
            stacklevel=4,
        )


def _weights_group(f: h5py.File) -> h5py.Group:
    return f["model_weights"] if "model_weights" in f else f


def load_weights_from_hdf5(
    model: Any, filepath: str, skip_mismatch: bool = False, by_name: bool = False
) -> None:
    """Load a tf.keras 2 ``.h5`` weights (or full model) file into ``model``.

    By default layers with weights are matched in order; ``by_name=True`` matches them
    by layer name and ignores file layers the model lacks.  ``skip_mismatch=True`` skips
    (with a warning) layers whose weight count or shapes differ instead of raising.
    """
    filepath = os.fspath(filepath)
    if skip_mismatch and not by_name:
        raise ValueError("`skip_mismatch=True` requires `by_name=True` for legacy .h5 files.")
    with _open(filepath) as f:
        group = _weights_group(f)
        if "layer_names" not in group.attrs:
            raise LoadError(
                f"'{filepath}' has no `layer_names`: it is not a tf.keras 2 weights file."
            )
        file_layers = _file_layers(group, filepath)
    load = _load_by_name if by_name else _load_topological
    _warn(load(model, file_layers, filepath, skip_mismatch))


def model_from_legacy_config(
    config: dict[str, Any], custom_objects: dict[str, Any] | None, safe_mode: bool
) -> Any:
    """Rebuild an (unweighted) model from a Keras 2 model config."""
    from kerasx.saving.serialization import deserialize_keras_object

    converted = convert_model(config)
    try:
        return deserialize_keras_object(
            converted,
            custom_objects=custom_objects,
            safe_mode=safe_mode,
            printable_module_name="layer",
        )
    except ValueError as e:
        if "Could not locate class" in str(e):
            cls = str(e).split("'")[1]
            raise ValueError(
                f"Unknown layer class '{cls}' in the legacy tf.keras model config. Register it "
                "with `kerasx.saving.register_keras_serializable()` or pass it in "
                "`custom_objects`."
            ) from e
        raise


def compile_from_training_config(model: Any, training_config: Any) -> None:
    """Best-effort compile from a Keras 2 ``training_config``; warn instead of failing."""
    if not isinstance(training_config, dict):
        return
    try:
        model.compile(**compile_args(training_config))
    except Exception as e:  # noqa: BLE001 - compile is a convenience, the model is usable
        warnings.warn(
            f"The model was loaded but could not be compiled from its tf.keras 2 training "
            f"config ({type(e).__name__}: {e}). Call `model.compile()` yourself.",
            stacklevel=3,
        )


def load_model_from_hdf5(
    filepath: str,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,  # noqa: A002
    safe_mode: bool = True,
) -> Any:
    """Load a full tf.keras 2 model (config, weights, compile settings) from ``.h5``."""
    filepath = os.fspath(filepath)
    with _open(filepath) as f:
        config = _json_attr(f, "model_config", filepath)
        if config is None:
            raise ValueError(
                f"No model config found in '{filepath}': it holds only weights. Build the model "
                "and call `model.load_weights(filepath)` instead."
            )
        training_config = _json_attr(f, "training_config", filepath)
        # An unused optimizer still stores its iteration counter: only more is state.
        has_optimizer_state = (
            "optimizer_weights" in f and _count_datasets(f["optimizer_weights"]) > 1
        )
        group = _weights_group(f)
        file_layers = _file_layers(group, filepath)
    model = model_from_legacy_config(config, custom_objects, safe_mode)
    _warn(_load_by_name_strict(model, file_layers, filepath))
    if compile and training_config is not None:
        compile_from_training_config(model, training_config)
        if has_optimizer_state:
            warnings.warn(
                f"'{filepath}' holds tf.keras 2 optimizer state, which kerasx does not "
                "restore: the optimizer starts fresh.",
                stacklevel=2,
            )
    return model


def _load_by_name_strict(
    model: Any, file_layers: dict[str, list[np.ndarray]], filepath: str
) -> list[str]:
    """A model rebuilt from the file's own config has the file's layer names: every
    weighted layer on either side must find its partner."""
    names = {layer.name for layer in _layers_with_weights(model)}
    missing = sorted(names - set(file_layers))
    extra = sorted(set(file_layers) - {layer.name for layer in model.layers})
    if missing or extra:
        raise LoadError(
            f"'{filepath}': weights do not match the stored config (layers without weights "
            f"in the file: {missing}; weights for unknown layers: {extra})."
        )
    return _load_by_name(model, file_layers, filepath, skip_mismatch=False)
