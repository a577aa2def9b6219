"""What ``import tensorflow`` gives under the compat hook.

* TensorFlow importable: the real package, imported when the script asks for it; once
  loaded its class is switched to :class:`TensorFlowWithKerasx`, whose ``keras`` (and the
  Keras aliases TensorFlow itself exposes: ``losses``, ``metrics``, ``optimizers``,
  ``initializers``) resolve to kerasx.  Everything else is TensorFlow's.
* TensorFlow missing or blocked: :class:`TensorFlowStandIn`, a module exposing only
  ``keras``; every other attribute or submodule raises :class:`TensorFlowNotAvailableError`
  explaining that the script uses TensorFlow itself, which kerasx does not replace.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any

#: TensorFlow attributes that are Keras namespaces, and the kerasx module for each.
KERAS_ATTRIBUTES: dict[str, str] = {
    "keras": "kerasx",
    "losses": "kerasx.losses",
    "metrics": "kerasx.metrics",
    "optimizers": "kerasx.optimizers",
    "initializers": "kerasx.initializers",
}

STANDIN_VERSION = "0+kerasx.standin"


class TensorFlowNotAvailableError(ImportError):
    """``from tensorflow import x`` / ``import tensorflow.x`` while only the stand-in exists."""


class TensorFlowAttributeError(AttributeError):
    """``tf.x`` on the stand-in; an AttributeError so ``hasattr(tf, "x")`` is just False."""


def _message(what: str) -> str:
    return (
        f"{what} is part of TensorFlow itself, and TensorFlow cannot be imported here. "
        "kerasx only replaces tf.keras (`tf.keras.*`, `from tensorflow.keras import ...`); "
        "this script also uses TensorFlow directly. Install TensorFlow, or use the "
        "equivalent in `keras.ops` / `keras.random` instead."
    )


class TensorFlowStandIn(types.ModuleType):
    """``tensorflow`` when the real one is unavailable: only ``tf.keras`` works."""

    def __getattr__(self, name: str) -> Any:
        if name in ("keras",):
            module = importlib.import_module(KERAS_ATTRIBUTES[name])
            self.__dict__[name] = module
            return module
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # introspection probes (inspect, pickle, doctest)
        raise TensorFlowAttributeError(_message(f"`tf.{name}`"))

    def __dir__(self) -> list[str]:
        return ["__version__", "keras"]


class TensorFlowWithKerasx(types.ModuleType):
    """Real TensorFlow whose Keras namespaces are kerasx's (lazily imported)."""


def _keras_property(attr: str, target: str) -> property:
    slot = f"_kerasx_override_{attr}"

    def get(self: types.ModuleType) -> Any:
        override = self.__dict__.get(slot)
        return override if override is not None else importlib.import_module(target)

    def set_(self: types.ModuleType, value: Any) -> None:
        # TensorFlow and the import system assign these; keep kerasx unless the value
        # is a deliberate replacement that is not TensorFlow's own lazy loader.
        if isinstance(value, types.ModuleType) and value.__name__.startswith("kerasx"):
            self.__dict__.pop(slot, None)
        elif type(value).__name__ != "KerasLazyLoader":
            self.__dict__[slot] = value

    return property(get, set_, doc=f"tf.{attr}, served by {target}.")


for _attr, _target in KERAS_ATTRIBUTES.items():
    setattr(TensorFlowWithKerasx, _attr, _keras_property(_attr, _target))


def adopt_real_tensorflow(module: types.ModuleType) -> None:
    """Make a loaded real TensorFlow module serve kerasx for its Keras attributes."""
    if isinstance(module, TensorFlowWithKerasx) or isinstance(module, TensorFlowStandIn):
        return
    if type(module) is types.ModuleType:
        module.__class__ = TensorFlowWithKerasx


class _RealTensorFlowLoader(importlib.abc.Loader):
    """Runs TensorFlow's own loader, then adopts the result."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self._inner.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        self._inner.exec_module(module)
        adopt_real_tensorflow(sys.modules.get(module.__name__, module))

    def __getattr__(self, name: str) -> Any:  # resource readers, get_data, ...
        return getattr(self._inner, name)


class _StandInLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = TensorFlowStandIn(spec.name, "Stand-in for TensorFlow: only tf.keras (kerasx).")
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__["__version__"] = STANDIN_VERSION


def _real_spec(fullname: str, finder: Any) -> Any:
    """TensorFlow's spec from the other finders; None when missing or blocked."""
    for other in finder.other_finders():
        find = getattr(other, "find_spec", None)
        if find is None:
            continue
        try:
            spec = find(fullname, None, None)
        except ImportError:
            return None  # a blocker said no
        if spec is not None:
            return spec
    return None


def find_spec(fullname: str, finder: Any) -> importlib.machinery.ModuleSpec | None:
    """The hook's answer for ``tensorflow`` and ``tensorflow.<not keras>``."""
    if fullname == "tensorflow":
        spec = _real_spec(fullname, finder)
        if spec is None:
            return importlib.machinery.ModuleSpec(
                fullname, _StandInLoader(), origin="kerasx-standin", is_package=True
            )
        if spec.loader is not None and not isinstance(spec.loader, _RealTensorFlowLoader):
            spec.loader = _RealTensorFlowLoader(spec.loader)
        return spec
    if isinstance(sys.modules.get("tensorflow"), TensorFlowStandIn):
        raise TensorFlowNotAvailableError(_message(f"`{fullname}`"), name=fullname)
    return None
