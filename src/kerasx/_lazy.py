"""Module attributes that import their home module on first access.

Why: ``import kerasx`` should cost little more than the framework's own import, so
helpers that pull in heavy libraries (h5py, urllib, Pillow, matplotlib) are reached
through a module ``__getattr__`` (PEP 562) instead of a top-level import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_getattr(
    module_name: str, table: dict[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A ``__getattr__`` for module ``module_name``: ``name`` is looked up in the module
    ``table[name]`` once, then cached in ``namespace`` (the module's globals)."""

    def __getattr__(name: str) -> Any:
        home = table.get(name)
        if home is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return __getattr__
