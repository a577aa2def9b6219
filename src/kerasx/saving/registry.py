"""The registry of serializable kerasx objects, built-in and custom.

Built-in classes and functions register under their Keras 3 public path with
:func:`keras_export` (``"keras.layers.Dense"``), so files name them exactly as Keras 3
does and move both ways.  Custom objects register with
:func:`register_keras_serializable` (``"MyPackage>MyLayer"``) or are passed as
``custom_objects``.  Loading resolves names *only* through this registry: a file can
never make kerasx import a module or reach an object that was not registered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# "keras.layers" -> {"Dense": Dense, ...}
_BUILTINS: dict[str, dict[str, Any]] = {}
# object -> ("keras.layers", "Dense"): the primary public path
_PRIMARY: dict[int, tuple[str, str]] = {}
# registered name ("Custom>MyLayer") -> object, and back
_CUSTOM: dict[str, Any] = {}
_CUSTOM_NAMES: dict[int, str] = {}
_scope = threading.local()


def keras_export(*paths: str) -> Callable[[T], T]:
    """Register a built-in under one or more Keras public paths.

    The first path is the primary one, used when serializing.
    """

    def deco(obj: T) -> T:
        for i, path in enumerate(paths):
            module, _, name = path.rpartition(".")
            _BUILTINS.setdefault(module, {})[name] = obj
            if i == 0:
                _PRIMARY[id(obj)] = (module, name)
        return obj

    return deco


def builtin_path(obj: Any) -> tuple[str, str] | None:
    """``(module, name)`` of a registered built-in, else None."""
    return _PRIMARY.get(id(obj))


def builtin_module(module: str) -> dict[str, Any]:
    """All built-ins registered under a module path such as ``keras.losses``."""
    return _BUILTINS.get(module, {})


def register_keras_serializable(
    package: str = "Custom", name: str | None = None
) -> Callable[[T], T]:
    """Decorator registering a custom class or function as ``package>name``."""
    if ">" in package:
        raise ValueError(f"The package name must not contain '>'. Received: package={package!r}")

    def deco(obj: T) -> T:
        reg = f"{package}>{name or obj.__name__}"  # type: ignore[attr-defined]
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot register {obj!r}: classes must implement `get_config()`.")
        _CUSTOM[reg] = obj
        _CUSTOM_NAMES[id(obj)] = reg
        return obj

    return deco


def get_registered_name(obj: Any) -> str:
    """The registered name of a custom object, or its ``__name__``."""
    return _CUSTOM_NAMES.get(id(obj), getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(
    name: str,
    custom_objects: dict[str, Any] | None = None,
    module_objects: dict[str, Any] | None = None,
) -> Any:
    """Resolve a name through scopes, ``custom_objects``, the custom registry, then
    ``module_objects``; None when unknown."""
    for scope in reversed(getattr(_scope, "stack", [])):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _CUSTOM:
        return _CUSTOM[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_custom_objects() -> dict[str, Any]:
    """The live dict of globally registered custom objects (``Package>Name`` keys)."""
    return _CUSTOM


class CustomObjectScope:
    """``with CustomObjectScope({"MyLayer": MyLayer}):`` makes names resolvable."""

    def __init__(self, custom_objects: dict[str, Any] | None = None, *more: dict[str, Any]) -> None:
        merged: dict[str, Any] = {}
        for d in (custom_objects or {}, *more):
            merged.update(d)
        self.custom_objects = merged

    def __enter__(self) -> CustomObjectScope:
        if not hasattr(_scope, "stack"):
            _scope.stack = []
        _scope.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc: Any) -> None:
        _scope.stack.pop()


custom_object_scope = CustomObjectScope
