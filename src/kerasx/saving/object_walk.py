"""Where each object's variables live in a Keras 3 weights file.

Keras 3 addresses state by attribute path, not by layer name: a Functional or
Sequential model stores its layers under ``layers/<snake_class_name>`` (uniquified with
``_1``, ``_2``...), any other object stores the layers it holds in attributes under the
attribute's name (containers again by class name), and every object's own variables
under ``<path>/vars/<i>``.  Attributes are visited public-first in sorted order, and an
object reached twice is stored only at its first path.  This module reproduces that
walk so kerasx files and Keras 3 files address the same weights.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kerasx.utils.naming import to_snake_case

_SKIP_CACHE: dict[str, set[str]] = {}


def _kind(obj: Any) -> str:
    from kerasx.layers.layer import Layer

    name = type(obj).__mro__
    if any(c.__name__ == "Functional" and c.__module__.startswith("kerasx.") for c in name):
        return "Functional"
    if any(c.__name__ == "Sequential" and c.__module__.startswith("kerasx.") for c in name):
        return "Sequential"
    if isinstance(obj, Layer):
        return "Layer"
    return "Optimizer" if hasattr(obj, "apply_gradients") else "Other"


def _skipset(kind: str) -> set[str]:
    if kind in _SKIP_CACHE:
        return _SKIP_CACHE[kind]
    from kerasx.layers.layer import Layer
    from kerasx.models.model import Model
    from kerasx.utils import naming

    saved = dict(naming._counts)
    base = set(dir(Layer())) | set(dir(Model()))
    naming._counts.clear()
    naming._counts.update(saved)
    base.discard("optimizer")
    base |= {
        "_functional",
        "_stack",
        "_input_layer",
        "_operations",
        "_functional_layers",
        "_nodes",
        "_inputs_struct",
        "_outputs_struct",
        "_inputs",
        "_outputs",
        "layers",
    }
    _SKIP_CACHE[kind] = base
    return base


def is_saveable(obj: Any) -> bool:
    from kerasx.layers.layer import Layer

    return isinstance(obj, Layer) or (hasattr(obj, "apply_gradients") and hasattr(obj, "variables"))


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def children(obj: Any) -> Iterator[tuple[str, Any]]:
    """``(attribute name, value)`` pairs that may hold saveable objects, in Keras order."""
    kind = _kind(obj)
    if kind in ("Functional", "Sequential"):
        yield "layers", list(obj.layers)
    if kind == "Optimizer":
        return
    skip = _skipset(kind)
    for attr in sorted(vars(obj), key=_name_key):
        if attr.startswith("__") or attr in skip:
            continue
        yield attr, getattr(obj, attr)
    if getattr(obj, "optimizer", None) is not None and "optimizer" not in vars(obj):
        yield "optimizer", obj.optimizer


def own_variables(obj: Any) -> list[Any]:
    """The variables an object stores itself, in Keras' order."""
    if hasattr(obj, "_all_own_variables"):
        own = obj._all_own_variables()
        return [v for v in own if v.trainable] + [v for v in own if not v.trainable]
    if hasattr(obj, "apply_gradients"):
        return list(obj.variables)
    return []


def walk(obj: Any, path: str = "", visited: set[int] | None = None) -> Iterator[tuple[str, Any]]:
    """Every saveable object reachable from ``obj`` with its weights-file path."""
    if visited is None:
        visited = set()
    if id(obj) in visited:
        return
    visited.add(id(obj))
    yield path, obj
    for attr, value in children(obj):
        child_path = f"{path}/{attr}" if path else attr
        if is_saveable(value):
            yield from walk(value, child_path, visited)
        elif isinstance(value, (list, tuple, dict)):
            items = list(value.values()) if isinstance(value, dict) else list(value)
            used: dict[str, int] = {}
            for item in items:
                if not is_saveable(item):
                    continue
                # Like Keras, an already-visited item still uses up its name.
                base = to_snake_case(type(item).__name__)
                n = used.get(base, 0)
                used[base] = n + 1
                name = base if n == 0 else f"{base}_{n}"
                yield from walk(item, f"{child_path}/{name}", visited)
