"""Loading ``.keras`` zip files written by Keras 2.13-2.15 (tf.keras / tf_keras).

The zip looks like a Keras 3 one (config.json, metadata.json, model.weights.h5) but
the config uses the Keras 2 vocabulary (converted by
:mod:`kerasx.saving.legacy_keras2_format`) and the weights file addresses layers
differently: Keras 2.13 nests them under ``_layer_checkpoint_dependencies/`` and 2.15
under ``layers/``, each named after its class (``dense``, ``dense_1``...) with counters
that do not always follow the layer order (2.13 writes ``gru`` then ``gru_2``).  So
layers are matched per class: the k-th stored ``gru*`` group (by its numeric suffix)
belongs to the k-th GRU of the model's config.  Inside a plain layer the paths
(``cell/vars``...) are the ones Keras 3 uses, so :mod:`kerasx.saving.object_walk` finds
them.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from typing import Any

import h5py
import numpy as np

from kerasx.saving import object_walk, saving_lib
from kerasx.saving.h5_store import LoadError
from kerasx.saving.legacy_h5 import (
    compile_from_training_config,
    model_from_legacy_config,
    open_checked,
)
from kerasx.saving.legacy_keras2_format import is_keras2_config
from kerasx.utils.naming import to_snake_case

_CONTAINER_KEYS = ("layers", "_layer_checkpoint_dependencies")
_MODELS = ("Functional", "Model", "Sequential")
_SUFFIX = re.compile(r"^(.*?)(?:_(\d+))?$")


def _metadata_version(zf: Any, filepath: str) -> str | None:
    try:
        zf.getinfo("metadata.json")
    except KeyError:
        return None
    data = saving_lib._read_member(zf, "metadata.json", filepath, 1024**2)
    try:
        meta = json.loads(data)
    except ValueError:
        return None
    version = meta.get("keras_version") if isinstance(meta, dict) else None
    return str(version) if version is not None else None


def is_keras2_archive(filepath: str) -> bool:
    """True when ``filepath`` is a ``.keras`` zip written by Keras 2 (never raises for
    files it cannot read: the normal loader reports those)."""
    try:
        zf = saving_lib._open_archive(filepath)
    except Exception:  # noqa: BLE001 - the regular loader gives the proper error
        return False
    with zf:
        try:
            version = _metadata_version(zf, filepath)
            if version is not None:
                return version.startswith("2.")
            config = json.loads(
                saving_lib._read_member(zf, "config.json", filepath, saving_lib.MAX_CONFIG_BYTES)
            )
        except Exception:  # noqa: BLE001
            return False
    return is_keras2_config(config)


def _read(filepath: str) -> tuple[dict[str, Any], bytes]:
    zf = saving_lib._open_archive(filepath)
    with zf:
        raw = saving_lib._read_member(zf, "config.json", filepath, saving_lib.MAX_CONFIG_BYTES)
        weights = saving_lib._read_member(
            zf, "model.weights.h5", filepath, saving_lib.MAX_MEMBER_BYTES
        )
    try:
        config = json.loads(raw)
    except (ValueError, RecursionError) as e:
        raise LoadError(f"'{filepath}': config.json is not valid JSON ({e}).") from None
    if not isinstance(config, dict) or config.get("class_name") not in _MODELS:
        raise LoadError(f"'{filepath}': config.json does not hold a Keras 2 model config.")
    return config, weights


def _vars(group: h5py.Group) -> list[np.ndarray]:
    if "vars" not in group:
        return []
    vars_group = group["vars"]
    keys = sorted(vars_group.keys(), key=lambda k: int(k) if k.isdigit() else 1 << 30)
    return [np.asarray(vars_group[k][()]) for k in keys]


def _assign(variables: list[Any], arrays: list[np.ndarray], where: str, filepath: str) -> None:
    if len(variables) != len(arrays):
        raise LoadError(
            f"'{filepath}': '{where}' stores {len(arrays)} weights, the layer has {len(variables)}."
        )
    for var, arr in zip(variables, arrays):
        if tuple(var.shape) != tuple(arr.shape):
            raise LoadError(
                f"'{filepath}': '{where}' stores shape {tuple(arr.shape)} for '{var.path}', "
                f"which has shape {tuple(var.shape)}."
            )
    for var, arr in zip(variables, arrays):
        var.assign(arr.astype(np.dtype(var.dtype)) if var.dtype != "bfloat16" else arr)


def _load_layer(layer: Any, entry: dict[str, Any], group: h5py.Group, filepath: str) -> None:
    if entry.get("class_name") in _MODELS:
        _load_container(layer, entry.get("config") or {}, group, filepath)
        return
    for rel, obj in object_walk.walk(layer):
        variables = object_walk.own_variables(obj)
        if not variables:
            continue
        sub = group
        for part in [p for p in rel.split("/") if p]:
            if part not in sub:
                raise LoadError(f"'{filepath}': no weights at '{sub.name}/{part}'.")
            sub = sub[part]
        _assign(variables, _vars(sub), sub.name, filepath)


def _load_container(model: Any, config: dict[str, Any], group: h5py.Group, filepath: str) -> None:
    """Match the stored layer groups of one model (or nested model) to its layers."""
    key = next((k for k in _CONTAINER_KEYS if k in group), None)
    entries = [e for e in config.get("layers", []) if isinstance(e, dict)]
    if key is None:
        if any(_has_weights(model, e) for e in entries):
            raise LoadError(f"'{filepath}': '{group.name}' stores no layers.")
        return
    stored: dict[str, list[tuple[int, str]]] = {}
    for name in group[key].keys():
        base, number = _SUFFIX.match(name).groups()  # type: ignore[union-attr]
        stored.setdefault(base, []).append((int(number or 0), name))
    for items in stored.values():
        items.sort()
    by_name = {layer.name: layer for layer in model.layers}
    used: dict[str, int] = {}
    for entry in entries:
        base = to_snake_case(entry.get("class_name", ""))
        index = used.get(base, 0)
        used[base] = index + 1
        name = (entry.get("config") or {}).get("name", entry.get("name"))
        layer = by_name.get(name)
        if layer is None:
            continue  # an InputLayer of a Sequential, folded into the model
        candidates = stored.get(base, [])
        if index >= len(candidates):
            if object_walk.own_variables(layer) or layer.weights:
                raise LoadError(
                    f"'{filepath}': no stored weights for layer '{name}' ({entry['class_name']})."
                )
            continue
        _load_layer(layer, entry, group[key][candidates[index][1]], filepath)


def _has_weights(model: Any, entry: dict[str, Any]) -> bool:
    name = (entry.get("config") or {}).get("name", entry.get("name"))
    layer = next((x for x in model.layers if x.name == name), None)
    return bool(layer is not None and layer.weights)


def load_keras2_archive(
    filepath: str,
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,  # noqa: A002
    safe_mode: bool = True,
) -> Any:
    """Rebuild a model saved by Keras 2.13-2.15 as ``.keras``."""
    config, weights = _read(filepath)
    model = model_from_legacy_config(config, custom_objects, safe_mode)
    load_keras2_weights(model, weights, filepath, config)
    compile_config = config.get("compile_config")
    if compile and isinstance(compile_config, dict):
        compile_from_training_config(
            model,
            {
                "optimizer_config": compile_config.get("optimizer"),
                "loss": compile_config.get("loss"),
                "metrics": compile_config.get("metrics"),
                "weighted_metrics": compile_config.get("weighted_metrics"),
                "loss_weights": compile_config.get("loss_weights"),
            },
        )
    return model


def load_keras2_weights(
    model: Any, weights: bytes, filepath: str, config: dict[str, Any] | None = None
) -> None:
    """Load the ``model.weights.h5`` of a Keras 2 archive into a model of the same config."""
    if config is None:
        config = {"class_name": type(model).__name__, "config": model.get_config()}
    f = open_checked(io.BytesIO(weights), filepath)
    with f:
        _load_container(model, config.get("config") or {}, f, filepath)
        opt = f.get("optimizer/vars")
        if isinstance(opt, h5py.Group) and len(opt.keys()) > 1:
            warnings.warn(
                f"'{filepath}' holds Keras 2 optimizer state, which kerasx does not restore: "
                "the optimizer starts fresh.",
                stacklevel=3,
            )


def load_weights_from_keras2_archive(model: Any, filepath: str) -> None:
    """``model.load_weights("keras2_model.keras")``."""
    config, weights = _read(filepath)
    load_keras2_weights(model, weights, filepath, config)
