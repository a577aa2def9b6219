"""The backend registry: names, availability and loading of adapters.

This package is the bottom of the import graph.  It knows the four built-in adapters by
name and imports one only when asked, so selecting ``jax`` never imports torch or
tensorflow.  It imports nothing from the kerasx frontend.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from kerasx.backends.protocol import Backend, TrainingNotSupportedError

__all__ = [
    "Backend",
    "BackendSpec",
    "TrainingNotSupportedError",
    "available",
    "is_available",
    "load",
    "names",
    "spec",
]


@dataclass(frozen=True)
class BackendSpec:
    """How to find and install one backend."""

    name: str
    module: str  # the adapter package
    framework: str  # the top-level module the adapter needs
    extra: str | None  # the pip extra that installs the framework


_SPECS: dict[str, BackendSpec] = {
    "jax": BackendSpec("jax", "kerasx.backends.jax", "jax", "jax"),
    "torch": BackendSpec("torch", "kerasx.backends.torch", "torch", "torch"),
    "tensorflow": BackendSpec(
        "tensorflow", "kerasx.backends.tensorflow", "tensorflow", "tensorflow"
    ),
    "numpy": BackendSpec("numpy", "kerasx.backends.numpy", "numpy", None),
}

#: Order in which the default backend is chosen among the installed ones.
DEFAULT_ORDER = ("jax", "torch", "tensorflow", "numpy")

_loaded: dict[str, Backend] = {}


def names() -> tuple[str, ...]:
    """All backend names kerasx knows."""
    return tuple(_SPECS)


def spec(name: str) -> BackendSpec:
    """The spec of a backend, or ValueError listing the valid names."""
    key = str(name).lower()
    if key not in _SPECS:
        raise ValueError(
            f"Unknown backend {name!r}. Valid backends are: {', '.join(_SPECS)}. "
            "Set KERASX_BACKEND (or KERAS_BACKEND) to one of them."
        )
    return _SPECS[key]


def is_available(name: str) -> bool:
    """True when the backend's framework is installed (without importing it)."""
    try:
        return importlib.util.find_spec(spec(name).framework) is not None
    except (ImportError, ValueError):  # an import blocker or a broken install
        return False


def available() -> list[str]:
    """Installed backends, in default-preference order."""
    return [n for n in DEFAULT_ORDER if is_available(n)]


def load(name: str) -> Backend:
    """Import a backend's adapter and return its (cached) instance."""
    s = spec(name)
    if s.name in _loaded:
        return _loaded[s.name]
    if not is_available(s.name):
        raise ImportError(
            f"The {s.name!r} backend needs {s.framework}, which is not installed. "
            f'Install it with: pip install "kerasx[{s.extra}]"'
        )
    module = importlib.import_module(s.module)
    instance = module.backend_class()()
    _loaded[s.name] = instance
    return instance
