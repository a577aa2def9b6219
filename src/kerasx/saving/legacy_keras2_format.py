"""Rewrite Keras 2 (tf.keras) model configs into the Keras 3 layout kerasx reads.

tf.keras 2 wrote the same models with a different vocabulary: ``batch_input_shape``
instead of ``batch_shape``, graph edges as ``[[["dense", 0, 0, {}]]]`` lists, mixed
precision as ``Policy`` dicts, module paths of its own packages, extra constructor
arguments Keras 3 dropped (``time_major``, ``implementation``, ``input_length``...).
Rather than teach every layer both dialects, configs are translated once here and then
go through the ordinary registry-only deserializer.  Nothing here imports a module named
by a file: classes are looked up in the kerasx registry by name only.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

from kerasx.saving import registry

_MODEL_CLASSES = ("Functional", "Model", "Sequential")
# Keras 2 layers that wrap raw TensorFlow ops: there is no portable equivalent.
_TF_ONLY = ("TFOpLambda", "SlicingOpLambda", "TensorFlowOpLayer", "KerasLayer")
# Arguments Keras 3 dropped whose default meant "nothing to do"; any other value changes
# the maths, so it is refused rather than silently ignored.
_DROPPED_DEFAULTS: dict[str, Any] = {
    "time_major": False,
    "renorm": False,
    "virtual_batch_size": None,
    "adjustment": None,
    "ragged": False,
    "zero_output_for_mask": None,
}
# Arguments dropped without loss of meaning (performance hints, removed bookkeeping).
_DROPPED_FREELY = frozenset(
    {
        "implementation",
        "input_length",
        "fused",
        "renorm_clipping",
        "renorm_momentum",
        "shared_object_id",
        "trainable_weights",
        "conv_op",
        "batch_size",
    }
)
# Base Layer arguments every kerasx layer accepts through **kwargs.
_BASE_LAYER_ARGS = frozenset(
    {
        "name",
        "trainable",
        "dtype",
        "autocast",
        "input_shape",
        "batch_input_shape",
        "input_dim",
        "activity_regularizer",
        "weights",
    }
)


def _resolve(class_name: str, registered_name: str | None = None) -> Any:
    from kerasx.saving.serialization import _ensure_builtins_registered

    _ensure_builtins_registered()
    for name in (registered_name, class_name):
        if name:
            found = registry.get_registered_object(name)
            if found is not None:
                return found
    for module in ("keras.layers", "keras", "keras.models"):
        found = registry.builtin_module(module).get(class_name)
        if found is not None:
            return found
    return None


def _accepted_args(cls: type) -> set[str] | None:
    """Constructor argument names of ``cls`` (walking up while it forwards **kwargs);
    None when it cannot be told (then the config is passed through untouched)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            return None
        names.update(p for p in params if p not in ("self", "args", "kwargs"))
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            break
    return names


def convert_dtype(dtype: Any) -> Any:
    """``{"class_name": "Policy", "config": {"name": "mixed_float16"}}`` -> the name."""
    if isinstance(dtype, dict):
        inner = dtype.get("config") or {}
        if dtype.get("class_name") in ("Policy", "DTypePolicy", "PolicyV1", "FloatDTypePolicy"):
            return inner.get("name", "float32")
    return dtype


def convert_object(value: Any) -> Any:
    """Initializer / regularizer / constraint / activation configs: strip Keras 2's
    module paths and bookkeeping so only the class name is used for lookup."""
    if isinstance(value, dict) and "class_name" in value:
        out = {"class_name": value["class_name"], "config": value.get("config", {})}
        reg = value.get("registered_name")
        if isinstance(reg, str) and ">" in reg:
            out["registered_name"] = reg
        if isinstance(out["class_name"], str) and out["class_name"].startswith("Custom>"):
            plain = out["class_name"].split(">", 1)[1]
            if registry.get_registered_object(out["class_name"]) is None:
                out["class_name"] = plain
        if isinstance(out["config"], dict):
            out["config"] = {
                k: convert_object(v) for k, v in out["config"].items() if k != "shared_object_id"
            }
        return out
    if isinstance(value, list):
        return [convert_object(v) for v in value]
    return value


def _convert_lambda(config: dict[str, Any]) -> dict[str, Any]:
    """Keras 2 stores lambdas as ``[base64 marshal, defaults, closure]``; Keras 3 as a
    ``__lambda__`` object.  The Lambda layer itself refuses those in safe mode."""
    out = dict(config)
    for key in ("function", "output_shape", "mask"):
        kind = out.pop(f"{key}_type", None)
        out.pop(f"{key}_module", None)
        value = out.get(key)
        if kind == "lambda" and isinstance(value, (list, tuple)):
            code, defaults, closure = (list(value) + [None, None])[:3]
            out[key] = {
                "class_name": "__lambda__",
                "config": {"code": code, "defaults": defaults, "closure": closure},
            }
        elif kind == "raw" and isinstance(value, list) and key == "output_shape":
            out[key] = tuple(value)
    out.pop("module", None)
    return out


def _convert_nodes(nodes: list[Any], first_node_offsets: dict[str, int]) -> list[dict[str, Any]]:
    """``[[["dense", 0, 0, {}], ...], ...]`` -> Keras 3 ``{"args", "kwargs"}`` nodes."""
    out = []
    for node in nodes:
        if isinstance(node, dict):  # already Keras 3 style
            out.append(node)
            continue
        items = node if isinstance(node, list) else [node]
        tensors = []
        kwargs: dict[str, Any] = {}
        for item in items:
            name, node_index, tensor_index = item[0], int(item[1]), int(item[2])
            if len(item) > 3 and isinstance(item[3], dict):
                kwargs.update(item[3])
            node_index -= first_node_offsets.get(name, 0)
            tensors.append(
                {
                    "class_name": "__keras_tensor__",
                    "config": {"keras_history": [name, node_index, tensor_index]},
                }
            )
        args = [tensors[0]] if len(tensors) == 1 else [tensors]
        out.append({"args": args, "kwargs": kwargs})
    return out


def _skips_first_node(entry: dict[str, Any]) -> bool:
    """Keras 2 counts a nested model's own construction as its node 0 when the model
    starts with an InputLayer; references to it in the outer graph are one higher."""
    if entry.get("class_name") not in _MODEL_CLASSES:
        return False
    layers = (entry.get("config") or {}).get("layers") or []
    return bool(layers) and layers[0].get("class_name") == "InputLayer"


def _ref(ref: Any, offsets: dict[str, int]) -> list[Any]:
    name, node_index, tensor_index = ref[0], int(ref[1]), int(ref[2])
    return [name, node_index - offsets.get(name, 0), tensor_index]


def _convert_refs(refs: Any, offsets: dict[str, int]) -> Any:
    if isinstance(refs, dict):
        return {k: _convert_refs(v, offsets) for k, v in refs.items()}
    if isinstance(refs, list) and refs and isinstance(refs[0], str):
        return _ref(refs, offsets)
    refs = [_convert_refs(r, offsets) for r in refs]
    # Keras 2 always wrote a list; a one-tensor model takes and returns a bare tensor.
    return refs[0] if len(refs) == 1 else refs


def convert_layer(entry: dict[str, Any], path: str = "") -> dict[str, Any]:
    """One Keras 2 ``{"class_name", "config", ...}`` layer entry -> Keras 3 layout."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise ValueError(f"Malformed layer entry in a legacy model config: {entry!r:.200}")
    class_name = entry["class_name"]
    where = f"{path}/{class_name}" if path else class_name
    if class_name in _TF_ONLY:
        raise ValueError(
            f"Layer class '{class_name}' (at '{where}') wraps raw TensorFlow ops that "
            "tf.keras 2 recorded; it has no portable equivalent in kerasx. Rebuild that part "
            "of the model with kerasx layers or ops."
        )
    config = dict(entry.get("config") or {})
    if class_name in _MODEL_CLASSES:
        config = convert_model_config(class_name, config, where)
    else:
        config = _convert_layer_config(class_name, config, entry.get("registered_name"), where)
    out: dict[str, Any] = {"class_name": class_name, "config": config}
    reg = entry.get("registered_name")
    if isinstance(reg, str) and ">" in reg:
        out["registered_name"] = reg
    if class_name == "Model":
        out["class_name"] = "Functional"
    if "name" in entry:
        out["name"] = entry["name"]
    return out


def _convert_layer_config(
    class_name: str, config: dict[str, Any], registered_name: Any, where: str
) -> dict[str, Any]:
    if class_name == "Lambda":
        config = _convert_lambda(config)
    if "dtype" in config:
        config["dtype"] = convert_dtype(config["dtype"])
    for key, value in list(config.items()):
        if key in ("layer", "backward_layer", "cell") and isinstance(value, dict):
            config[key] = convert_layer(value, where)
        elif key == "cells" and isinstance(value, list):
            config[key] = [convert_layer(c, where) for c in value]
        elif isinstance(value, dict) and "class_name" in value and class_name != "Lambda":
            config[key] = convert_object(value)
    if class_name == "InputLayer":
        if "batch_input_shape" in config:
            config["batch_shape"] = config.pop("batch_input_shape")
    if class_name == "BatchNormalization" and isinstance(config.get("axis"), list):
        if len(config["axis"]) != 1:
            raise ValueError(
                f"BatchNormalization at '{where}' normalizes over several axes "
                f"({config['axis']}); Keras 3 supports a single axis."
            )
        config["axis"] = config["axis"][0]
    cls = _resolve(class_name, registered_name if isinstance(registered_name, str) else None)
    if cls is None:
        return config  # the deserializer raises the "unknown class" error with context
    accepted = _accepted_args(cls)
    if accepted is None:
        return config
    accepted |= _BASE_LAYER_ARGS
    if "alpha" in config and "alpha" not in accepted and "negative_slope" in accepted:
        config["negative_slope"] = config.pop("alpha")  # LeakyReLU's Keras 2 spelling
    dropped = []
    for key in list(config):
        if key in accepted:
            continue
        value = config.pop(key)
        if key in _DROPPED_DEFAULTS:
            if value != _DROPPED_DEFAULTS[key]:
                raise ValueError(
                    f"Layer '{config.get('name', where)}' ({class_name}) was saved with "
                    f"{key}={value!r}, a tf.keras 2 option Keras 3 does not support."
                )
        elif key not in _DROPPED_FREELY:
            dropped.append(key)
    if dropped:
        warnings.warn(
            f"Ignoring tf.keras 2 arguments {dropped} of layer '{config.get('name', where)}' "
            f"({class_name}) that kerasx's {class_name} does not take.",
            stacklevel=4,
        )
    return config


def convert_model_config(
    class_name: str, config: dict[str, Any], where: str = ""
) -> dict[str, Any]:
    """The ``config`` of a Keras 2 Sequential / Functional model, nested models included."""
    layers = config.get("layers", [])
    if class_name == "Sequential" or "input_layers" not in config:
        out = {k: v for k, v in config.items() if k in ("name", "trainable")}
        out["layers"] = [convert_layer(entry, where) for entry in layers]
        if config.get("build_input_shape") is not None:
            out["build_input_shape"] = config["build_input_shape"]
        return out
    offsets = {e.get("name"): 1 for e in layers if _skips_first_node(e)}
    converted = []
    for entry in layers:
        new = convert_layer(entry, where)
        new["name"] = entry.get("name", (entry.get("config") or {}).get("name"))
        new["inbound_nodes"] = _convert_nodes(entry.get("inbound_nodes", []), offsets)
        converted.append(new)
    return {
        "name": config.get("name"),
        "trainable": config.get("trainable", True),
        "layers": converted,
        "input_layers": _convert_refs(config.get("input_layers", []), offsets),
        "output_layers": _convert_refs(config.get("output_layers", []), offsets),
    }


def convert_model(config: dict[str, Any]) -> dict[str, Any]:
    """A top-level Keras 2 model config (``{"class_name", "config"}``) -> Keras 3."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("The legacy model config is not a `{class_name, config}` object.")
    return convert_layer(config)


def is_keras2_config(config: Any) -> bool:
    """True when a ``.keras`` config.json came from Keras 2 (tf.keras / tf_keras)."""
    if not isinstance(config, dict):
        return False
    module = str(config.get("module") or "")
    if module.startswith(("tf_keras", "keras.engine", "keras.src.engine")):
        return True
    layers = (config.get("config") or {}).get("layers") or []
    return any(
        isinstance(e, dict) and e.get("inbound_nodes") and isinstance(e["inbound_nodes"][0], list)
        for e in layers
    )


def _optimizer_config(config: Any) -> Any:
    if isinstance(config, str):
        return config
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Unrecognized optimizer config: {config!r:.200}")
    name = str(config["class_name"]).split(">")[-1]
    inner = dict(config.get("config") or {})
    from kerasx.saving.serialization import _ensure_builtins_registered

    _ensure_builtins_registered()
    cls = registry.builtin_module("keras.optimizers").get(name)
    if cls is None:
        raise ValueError(f"Unknown optimizer class '{name}' in the legacy training config.")
    if inner.get("decay"):
        warnings.warn(
            f"The legacy {name} optimizer used `decay={inner['decay']}`, which Keras 3 "
            "optimizers do not have; it is ignored (use a learning-rate schedule).",
            stacklevel=4,
        )
    if "lr" in inner and "learning_rate" not in inner:
        inner["learning_rate"] = inner.pop("lr")
    if isinstance(inner.get("learning_rate"), dict):
        inner["learning_rate"] = convert_object(inner["learning_rate"])
    accepted = _accepted_args(cls)
    if accepted is not None:
        inner = {k: v for k, v in inner.items() if k in accepted}
    return {"class_name": name, "config": inner}


def _loss(loss: Any) -> Any:
    if isinstance(loss, dict) and "class_name" in loss:
        loss = convert_object(loss)
        cfg = loss["config"] if isinstance(loss.get("config"), dict) else {}
        if cfg.get("reduction") == "auto":
            cfg["reduction"] = "sum_over_batch_size"
        return loss
    if isinstance(loss, dict):
        return {k: _loss(v) for k, v in loss.items()}
    if isinstance(loss, list):
        return [_loss(v) for v in loss]
    return loss


def _metric(metric: Any) -> Any:
    if isinstance(metric, dict) and metric.get("class_name") == "MeanMetricWrapper":
        cfg = metric.get("config") or {}
        name = str(cfg.get("name", ""))
        fn = cfg.get("fn")
        accuracy_fns = ("binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy")
        if name in ("accuracy", "acc") or (
            name.endswith(("_accuracy", "_acc")) and fn in accuracy_fns
        ):
            return "accuracy"
        return fn if isinstance(fn, str) else name
    if isinstance(metric, dict) and "class_name" in metric:
        return convert_object(metric)
    return metric


def _metrics(metrics: Any) -> Any:
    """Keras 2 writes one list per output (``[[m1], [None]]``); drop the placeholders."""
    if metrics is None:
        return None
    if isinstance(metrics, dict):
        return {k: _metrics(v) for k, v in metrics.items()}
    if isinstance(metrics, list):
        if metrics and all(isinstance(m, list) or m is None for m in metrics):
            per_output = [[_metric(x) for x in (m or []) if x is not None] for m in metrics]
            return per_output[0] if len(per_output) == 1 else per_output
        return [_metric(m) for m in metrics if m is not None]
    return _metric(metrics)


def compile_args(training_config: dict[str, Any]) -> dict[str, Any]:
    """Keras 2 ``training_config`` -> keyword arguments for ``Model.compile``."""
    args: dict[str, Any] = {}
    optimizer = training_config.get("optimizer_config")
    if isinstance(optimizer, str):
        args["optimizer"] = optimizer
    elif optimizer is not None:
        from kerasx.saving.serialization import deserialize_keras_object

        args["optimizer"] = deserialize_keras_object(
            _optimizer_config(training_config["optimizer_config"]),
            printable_module_name="optimizer",
        )
    if training_config.get("loss") is not None:
        args["loss"] = _loss(training_config["loss"])
    for key in ("metrics", "weighted_metrics"):
        value = _metrics(training_config.get(key))
        if value:
            args[key] = value
    if training_config.get("loss_weights") is not None:
        args["loss_weights"] = training_config["loss_weights"]
    return args
