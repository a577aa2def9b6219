"""Scopes that change how variables are read and written during a call.

* :class:`StatelessScope` maps variables to explicit values and collects assignments
  instead of applying them.  It is how a model becomes a pure function of its state
  (``stateless_call``), which compiled JAX steps need and every backend can use.
* :class:`AutocastScope` makes float variables read as the layer's compute dtype
  (mixed precision).
* The name-scope stack builds Keras-style variable paths (``dense/kernel``).

All scope stacks are thread-local; nothing here holds model state.
"""

from __future__ import annotations

import threading
from typing import Any

_local = threading.local()


def _stack(name: str) -> list[Any]:
    stack = getattr(_local, name, None)
    if stack is None:
        stack = []
        setattr(_local, name, stack)
    return stack


class StatelessScope:
    """Read variables from ``state_mapping``; record assignments in ``updates``."""

    def __init__(self, state_mapping: Any = None, collect_updates: bool = True) -> None:
        self.values: dict[int, Any] = {}
        self.updates: dict[int, tuple[Any, Any]] = {}
        self.collect_updates = collect_updates
        self.parent: StatelessScope | None = None
        for var, value in state_mapping or ():
            self.values[id(var)] = value

    def get_current_value(self, variable: Any) -> Any:
        """The value this scope (or an enclosing one) holds for ``variable``, else None."""
        key = id(variable)
        if key in self.updates:
            return self.updates[key][1]
        value = self.values.get(key)
        if value is None and self.parent is not None:
            return self.parent.get_current_value(variable)
        return value

    def add_update(self, variable: Any, value: Any) -> None:
        self.updates[id(variable)] = (variable, value)

    def updated_value(self, variable: Any, default: Any) -> Any:
        entry = self.updates.get(id(variable))
        return default if entry is None else entry[1]

    def __enter__(self) -> StatelessScope:
        stack = _stack("stateless")
        self.parent = stack[-1] if stack else None
        stack.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _stack("stateless").pop()


def current_stateless_scope() -> StatelessScope | None:
    stack = getattr(_local, "stateless", None)
    return stack[-1] if stack else None


class AutocastScope:
    """Read float variables as ``dtype`` (None disables autocasting)."""

    def __init__(self, dtype: str | None) -> None:
        self.dtype = dtype

    def __enter__(self) -> AutocastScope:
        _stack("autocast").append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _stack("autocast").pop()


def current_autocast_dtype() -> str | None:
    stack = getattr(_local, "autocast", None)
    return stack[-1].dtype if stack else None


class name_scope:  # noqa: N801 - matches keras.name_scope
    """Push a name onto the path prefix used for new variables."""

    def __init__(self, name: str, caller: Any = None) -> None:
        self.name = name
        self.caller = caller

    def __enter__(self) -> name_scope:
        _stack("names").append(self.name)
        return self

    def __exit__(self, *exc: Any) -> None:
        _stack("names").pop()


def current_path() -> str:
    """The ``/``-joined names of the enclosing name scopes."""
    return "/".join(_stack("names"))


class SymbolicScope:
    """Marks code running to infer shapes (no real data): layers skip side effects."""

    def __enter__(self) -> SymbolicScope:
        _stack("symbolic").append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _stack("symbolic").pop()


def in_symbolic_scope() -> bool:
    return bool(getattr(_local, "symbolic", None))
