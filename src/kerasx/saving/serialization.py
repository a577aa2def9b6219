"""Keras 3's object config format: ``{"module", "class_name", "config", "registered_name"}``.

:func:`serialize_keras_object` writes exactly what Keras 3 writes for the same object,
so configs move between kerasx and Keras 3.  :func:`deserialize_keras_object` resolves
``class_name`` only through :mod:`kerasx.saving.registry` (built-ins by their Keras
module path, customs by registered name, or ``custom_objects``): it never imports a
module named in the config and never evaluates code.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numpy as np

from kerasx.saving import registry

# Module paths older files use for the same public namespaces (Keras 2 / tf.keras).
_MODULE_ALIASES = {
    "keras.src.layers": "keras.layers",
    "keras.engine.functional": "keras",
    "keras.src.engine.functional": "keras",
    "keras.src.models.functional": "keras",
    "keras.models": "keras",
    "keras.src.models": "keras",
    "keras.engine.sequential": "keras",
    "keras.src.engine.sequential": "keras",
    "keras.src.models.sequential": "keras",
    "keras.src.optimizers": "keras.optimizers",
    "keras.optimizers.legacy": "keras.optimizers",
    "keras.src.losses": "keras.losses",
    "keras.src.metrics": "keras.metrics",
    "keras.src.initializers": "keras.initializers",
    "keras.src.regularizers": "keras.regularizers",
    "keras.src.constraints": "keras.constraints",
    "keras.src.activations": "keras.activations",
    "keras.src": "keras",
}
_BUILTIN_MODULES = (
    "keras.layers",
    "keras",
    "keras.models",
    "keras.optimizers",
    "keras.optimizers.schedules",
    "keras.losses",
    "keras.metrics",
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.activations",
    "keras.dtype_policies",
    "keras.random",
)
# Only these dtypes may appear in ``__numpy__`` / ``__tensor__`` values from a file:
# object or structured dtypes could smuggle Python objects in.
_SAFE_ARRAY_KINDS = "biuf?SU"


def _safe_mode_default(safe_mode: bool | None) -> bool:
    # An unset safe_mode inherits the enclosing load's choice, so a nested from_config
    # (Functional -> Lambda) sees the caller's safe_mode=False instead of the default.
    if safe_mode is None:
        return in_safe_mode()
    return bool(safe_mode)


def serialize_keras_object(obj: Any) -> Any:
    """Config dict (or plain value) describing ``obj`` the way Keras 3 does."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (list, tuple)):
        return type(obj)(serialize_keras_object(x) for x in obj)
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": obj.dtype.name},
        }
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        path = registry.builtin_path(obj)
        name = path[1] if path else registry.get_registered_name(obj)
        if obj.__name__ == "<lambda>":
            raise ValueError(
                "Lambda functions cannot be serialized; give the function a name and register it."
            )
        return {
            "module": "builtins",
            "class_name": "function",
            "config": name,
            "registered_name": "function",
        }
    if isinstance(obj, type):
        path = registry.builtin_path(obj)
        name = path[1] if path else registry.get_registered_name(obj)
        return {
            "module": "builtins",
            "class_name": "type",
            "config": name,
            "registered_name": "type",
        }
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r}: it has no `get_config()` method.")
    cls = type(obj)
    path = registry.builtin_path(cls)
    config = (
        serialize_keras_object(obj.get_config())
        if not isinstance(obj.get_config(), dict)
        else {k: serialize_keras_object(v) for k, v in obj.get_config().items()}
    )
    out: dict[str, Any] = {
        "module": path[0] if path else cls.__module__,
        "class_name": path[1] if path else cls.__name__,
        "config": config,
        "registered_name": None if path else registry.get_registered_name(cls),
    }
    build_config = getattr(obj, "get_build_config", None)
    if callable(build_config):
        bc = build_config()
        if bc is not None:
            out["build_config"] = serialize_keras_object(bc)
    compile_config = getattr(obj, "get_compile_config", None)
    if callable(compile_config):
        cc = compile_config()
        if cc is not None:
            out["compile_config"] = serialize_keras_object(cc)
    return out


_NAMESPACES = (
    "kerasx.layers",
    "kerasx.models",
    "kerasx.optimizers",
    "kerasx.losses",
    "kerasx.metrics",
    "kerasx.initializers",
    "kerasx.regularizers",
    "kerasx.constraints",
    "kerasx.activations",
    "kerasx.dtype_policies",
    "kerasx.random",
)
_imported: list[bool] = []


def _ensure_builtins_registered() -> None:
    """Import kerasx's own namespaces (never a module named by a file) so that every
    built-in class is in the registry before a config is resolved."""
    if _imported:
        return
    import importlib

    for name in _NAMESPACES:
        importlib.import_module(name)
    _imported.append(True)


def _op_node_class(class_name: str) -> Any:
    """Keras 3 serializes ops applied to symbolic tensors as classes of
    ``keras.src.ops.*`` (``NotEqual``); rebuild them from kerasx's own ops only."""
    import kerasx.ops as kops
    from kerasx.engine.operation import FunctionOperation
    from kerasx.utils.naming import to_snake_case

    op_name = to_snake_case(class_name)
    if op_name not in kops.op_names():
        return None
    fn = getattr(kops, op_name)

    class _OpNode:
        @staticmethod
        def from_config(config: dict[str, Any]) -> Any:
            config = dict(config)
            name = config.pop("name", None)
            return FunctionOperation(fn, op_name, config, node_name=name)

    return _OpNode


def _lookup(
    class_name: str,
    module: str | None,
    registered_name: str | None,
    custom_objects: dict[str, Any] | None,
    module_objects: dict[str, Any] | None,
) -> Any:
    _ensure_builtins_registered()
    if module and module.startswith("keras.src.ops"):
        found = _op_node_class(class_name)
        if found is not None:
            return found
    for name in (registered_name, class_name):
        if name:
            found = registry.get_registered_object(name, custom_objects, module_objects)
            if found is not None:
                return found
    modules = []
    if module:
        # The file's module is only a hint among the serializable namespaces: a name
        # such as "keras.utils" or "keras.callbacks" (or "os") is never searched, so a
        # file cannot reach helpers that touch files, the network or global state.
        candidates = [_MODULE_ALIASES.get(module, module)]
        for prefix, target in _MODULE_ALIASES.items():
            if module.startswith(prefix + "."):
                candidates.append(target)
        modules.extend(m for m in candidates if m in _BUILTIN_MODULES)
    modules.extend(_BUILTIN_MODULES)
    for mod in modules:
        found = registry.builtin_module(mod).get(class_name)
        if found is not None:
            return found
    return None


def deserialize_keras_object(
    config: Any,
    custom_objects: dict[str, Any] | None = None,
    safe_mode: bool | None = None,
    module_objects: dict[str, Any] | None = None,
    printable_module_name: str = "object",
) -> Any:
    """Rebuild an object from its config, resolving classes through the registry only."""
    safe_mode = _safe_mode_default(safe_mode)
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = _lookup(config, None, None, custom_objects, module_objects)
        if found is None:
            raise ValueError(
                f"Unknown {printable_module_name}: '{config}'. Please ensure it is registered or passed in `custom_objects`."
            )
        return found
    if isinstance(config, (list, tuple)):
        return type(config)(
            deserialize_keras_object(
                c, custom_objects, safe_mode, module_objects, printable_module_name
            )
            for c in config
        )
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    class_name = config.get("class_name")
    if class_name is None:
        return config
    if not isinstance(class_name, str):
        raise ValueError(
            f"Could not parse config: 'class_name' must be a string. Received: {_short(config)}"
        )
    inner = config.get("config")
    if class_name in ("__numpy__", "__tensor__"):
        return _array_from_config(inner)
    if class_name == "__bytes__":
        if not isinstance(inner, dict) or not isinstance(inner.get("value"), str):
            raise ValueError(f"Could not parse a bytes config: {_short(config)}")
        return inner["value"].encode("utf-8")
    if class_name == "__lambda__":
        raise ValueError(
            "Requested the deserialization of a Python lambda, which runs arbitrary code. "
            "This is disallowed in safe mode. Only do this with files you trust: pass "
            "`safe_mode=False` to the loading function or call "
            "`kerasx.config.enable_unsafe_deserialization()`."
        )
    if class_name in ("function", "type") and config.get("module") == "builtins":
        found = _lookup(str(inner), None, None, custom_objects, module_objects)
        if found is None:
            raise ValueError(
                f"Unknown {printable_module_name} function: '{inner}'. Register it or pass it in `custom_objects`."
            )
        return found
    cls = _lookup(
        class_name,
        config.get("module"),
        config.get("registered_name"),
        custom_objects,
        module_objects,
    )
    if cls is None:
        raise ValueError(
            f"Could not locate class '{class_name}'. Make sure custom classes are decorated "
            "with `@kerasx.saving.register_keras_serializable()` or passed in `custom_objects`. "
            f"Received: config={_short(config)}"
        )
    if not isinstance(cls, type):
        # A function is returned, never called with arguments taken from the file.
        return cls
    if not isinstance(inner, dict):
        inner = {} if inner is None else inner
    from_config: Callable[..., Any] = getattr(cls, "from_config", None) or (lambda c: cls(**c))
    with registry.CustomObjectScope(custom_objects or {}), _SafeModeScope(safe_mode):
        obj = from_config(inner)
        build_config = config.get("build_config")
        if build_config and hasattr(obj, "build_from_config"):
            obj.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(obj, "compile_from_config"):
            obj.compile_from_config(compile_config)
    return obj


class _SafeModeScope:
    """Makes the caller's safe_mode visible to nested from_config calls (Lambda)."""

    stack: list[bool] = []

    def __init__(self, safe_mode: bool) -> None:
        self.safe_mode = safe_mode

    def __enter__(self) -> None:
        _SafeModeScope.stack.append(self.safe_mode)

    def __exit__(self, *exc: Any) -> None:
        _SafeModeScope.stack.pop()


def in_safe_mode() -> bool:
    """True unless the current load was started with ``safe_mode=False`` (or the user
    called ``kerasx.config.enable_unsafe_deserialization()``).  Outside any load it is
    True too: like Keras 3, rebuilding a Python lambda from a config (``from_config``,
    ``clone_model``) needs an explicit opt-in."""
    from kerasx import config as _config

    if _config.unsafe_deserialization_enabled():
        return False
    return _SafeModeScope.stack[-1] if _SafeModeScope.stack else True


def in_loading_scope() -> bool:
    """True while a deserialization (file load or ``from_config`` via
    ``deserialize_keras_object``) is running."""
    return bool(_SafeModeScope.stack)


def _array_from_config(inner: Any) -> np.ndarray:
    """A numeric/string array from ``{"value", "dtype"}``; object dtypes are refused."""
    if not isinstance(inner, dict) or "value" not in inner:
        raise ValueError(f"Could not parse an array config: {_short(inner)}")
    try:
        dtype = np.dtype(inner.get("dtype") or "float32")
    except TypeError as e:
        raise ValueError(f"Invalid array dtype in config: {inner.get('dtype')!r}") from e
    if dtype.kind not in _SAFE_ARRAY_KINDS or dtype.fields is not None:
        raise ValueError(f"Array dtype {dtype} is not allowed in a config.")
    try:
        return np.array(inner["value"], dtype=dtype)
    except (TypeError, ValueError, OverflowError) as e:
        raise ValueError(f"Could not build an array from config: {e}") from e


def _short(config: Any) -> str:
    text = repr(config)
    return text if len(text) < 300 else text[:300] + "..."


def get_object(
    identifier: Any, module: str, kind: str, custom_objects: dict[str, Any] | None = None
) -> Any:
    """Shared ``get()`` for activations, losses, initializers...: accepts None, a
    callable/instance, a string name, or a config dict."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize_keras_object(
            identifier,
            custom_objects,
            module_objects=registry.builtin_module(module),
            printable_module_name=kind,
        )
    if isinstance(identifier, str):
        found = registry.builtin_module(module).get(identifier) or registry.get_registered_object(
            identifier, custom_objects
        )
        if found is None:
            valid = sorted(registry.builtin_module(module))
            raise ValueError(
                f"Unknown {kind}: {identifier!r}. Valid names are: {valid}. Received: identifier={identifier!r}"
            )
        return found
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")
