"""The import hook: ``keras``/``tensorflow.keras`` names become kerasx modules.

A :class:`KerasxFinder` sits first on ``sys.meta_path``.  For a name under one of the
aliased prefixes it imports the matching ``kerasx`` module and hands that very module
object to the import system, so ``keras.layers is kerasx.layers`` and classes keep one
identity (``isinstance`` checks, the serialization registry).  ``tensorflow`` itself is
delegated to :mod:`kerasx.compat._tensorflow`: real TensorFlow when it can be imported,
a stand-in otherwise.  Nothing in :mod:`builtins` is touched.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any

from kerasx.compat import _tensorflow

#: Public prefixes whose submodules map onto kerasx's.
ALIAS_PREFIXES: dict[str, str] = {
    "keras": "kerasx",
    "tensorflow.keras": "kerasx",
    "tf_keras": "kerasx",
}


def kerasx_name_for(fullname: str) -> str | None:
    """``keras.layers`` -> ``kerasx.layers``; None for names the hook leaves alone."""
    for prefix, target in ALIAS_PREFIXES.items():
        if fullname == prefix:
            return target
        if fullname.startswith(prefix + "."):
            return target + fullname[len(prefix) :]
    return None


def resolve_module(fullname: str, target: str) -> types.ModuleType:
    """Import ``target`` (a kerasx module), or find it as a module attribute of its parent.

    Namespaces such as ``layers.experimental.preprocessing`` may be plain module objects
    built in code rather than files; they are aliased too.  Anything else raises
    ModuleNotFoundError naming the requested (not the kerasx) module, so the caller sees
    the name it wrote.
    """
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as err:
        if err.name not in (target, None) and not target.startswith(f"{err.name}."):
            raise  # kerasx.X exists but needs something that is missing: show that
    parent_name, _, child = target.rpartition(".")
    if parent_name:
        try:
            parent = importlib.import_module(parent_name)
        except ModuleNotFoundError:
            parent = None
        value = getattr(parent, child, None)
        if isinstance(value, types.ModuleType):
            return value
    raise ModuleNotFoundError(
        f"No module named {fullname!r}: kerasx has no {target!r}, so this part of the "
        "Keras API is not available under kerasx (yet).",
        name=fullname,
    )


class AliasLoader(importlib.abc.Loader):
    """Loads an alias by returning the already-imported kerasx module unchanged."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return spec.loader_state["module"]

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system stamps the alias spec onto the module it got from
        # create_module; give kerasx's module its own spec back.
        state = getattr(getattr(module, "__spec__", None), "loader_state", None)
        if isinstance(state, dict) and "original_spec" in state:
            module.__spec__ = state["original_spec"]


class KerasxFinder(importlib.abc.MetaPathFinder):
    """First on ``sys.meta_path``: answers for keras / tensorflow.keras / tensorflow names."""

    def __init__(self) -> None:
        self._loader = AliasLoader()
        self.created: set[str] = set()

    def find_spec(
        self,
        fullname: str,
        path: Any = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        kx_name = kerasx_name_for(fullname)
        if kx_name is not None:
            module = resolve_module(fullname, kx_name)
            spec = importlib.machinery.ModuleSpec(
                fullname,
                self._loader,
                origin=None,
                loader_state={"module": module, "original_spec": module.__spec__},
                is_package=hasattr(module, "__path__"),
            )
            self.created.add(fullname)
            return spec
        if fullname == "tensorflow" or fullname.startswith("tensorflow."):
            return _tensorflow.find_spec(fullname, self)
        return None

    def other_finders(self) -> list[Any]:
        """The finders after (or other than) this one, for delegating real imports."""
        return [f for f in sys.meta_path if f is not self and not isinstance(f, KerasxFinder)]
