"""``kerasx.compat``: run unmodified Keras / tf.keras programs on kerasx.

``install()`` (for notebooks) or ``python -m kerasx run script.py`` (for scripts) puts an
import hook in front of Python's finders, after which ``import keras``,
``from tensorflow.keras.layers import Dense``, ``from tensorflow import keras`` and
``tf.keras.*`` all resolve to kerasx modules, on whichever backend kerasx selected.
"""

from __future__ import annotations

import sys
import types
import warnings

from kerasx.compat._aliases import KerasxFinder, kerasx_name_for
from kerasx.compat._tensorflow import (
    TensorFlowAttributeError,
    TensorFlowNotAvailableError,
    TensorFlowStandIn,
    adopt_real_tensorflow,
)
from kerasx.compat.runner import main, run_code, run_module, run_script

__all__ = [
    "TensorFlowAttributeError",
    "TensorFlowNotAvailableError",
    "install",
    "is_installed",
    "main",
    "run_code",
    "run_module",
    "run_script",
    "uninstall",
]


def _installed_finder() -> KerasxFinder | None:
    for finder in sys.meta_path:
        if isinstance(finder, KerasxFinder):
            return finder
    return None


def is_installed() -> bool:
    """True while the keras/tensorflow import hook is active."""
    return _installed_finder() is not None


def _is_kerasx_module(module: object) -> bool:
    name = getattr(module, "__name__", "")
    return isinstance(module, types.ModuleType) and (name == "kerasx" or name.startswith("kerasx."))


def _forget_foreign_keras() -> None:
    """Drop real Keras modules already imported, so the next import finds kerasx.

    Importing TensorFlow (e.g. as kerasx's own backend) eagerly imports the installed
    Keras; left in ``sys.modules`` it would shadow the hook.
    """
    shadowed = []
    for name in list(sys.modules):
        if kerasx_name_for(name) is None:
            continue
        module = sys.modules[name]
        if module is None or _is_kerasx_module(module):
            continue
        shadowed.append(name)
        del sys.modules[name]
    # TensorFlow imports Keras by itself; only warn when the user imported it.
    if "keras" in shadowed and "tensorflow" not in sys.modules:
        warnings.warn(
            "Keras was imported before kerasx.compat.install(); objects created from it "
            "stay real Keras objects. Imports from now on resolve to kerasx.",
            stacklevel=3,
        )


def install() -> None:
    """Activate the hook: keras, tensorflow.keras (and tf_keras) now mean kerasx.

    Idempotent.  TensorFlow is not imported here; if it already is, its Keras attributes
    are pointed at kerasx.  If ``sys.modules["tensorflow"]`` was set to None to block it,
    the stand-in takes its place.
    """
    if is_installed():
        return
    _forget_foreign_keras()
    sys.meta_path.insert(0, KerasxFinder())
    tf = sys.modules.get("tensorflow", False)
    if tf is None:
        del sys.modules["tensorflow"]  # blocked: the finder will produce the stand-in
    elif isinstance(tf, types.ModuleType) and not isinstance(tf, TensorFlowStandIn):
        adopt_real_tensorflow(tf)


def uninstall() -> None:
    """Remove the hook and the module aliases it created (kerasx modules stay loaded)."""
    finder = _installed_finder()
    while finder is not None:
        sys.meta_path.remove(finder)
        for name in finder.created:
            if _is_kerasx_module(sys.modules.get(name)) and kerasx_name_for(name) is not None:
                del sys.modules[name]
        finder = _installed_finder()
    if isinstance(sys.modules.get("tensorflow"), TensorFlowStandIn):
        for name in [n for n in sys.modules if n == "tensorflow" or n.startswith("tensorflow.")]:
            del sys.modules[name]
