"""kerasx: the Keras API on JAX, PyTorch, TensorFlow and NumPy.

``import kerasx as keras`` selects a backend (see :mod:`kerasx.config`) and exposes the
Keras 3 namespaces.  Namespaces are imported on first use, which keeps
``import kerasx`` close to the cost of importing the framework itself.
"""

from __future__ import annotations

import importlib
from typing import Any

from kerasx import config
from kerasx._backend import B as _B  # noqa: F401  (selects and loads the backend once)
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.variable import Variable

__version__ = "0.1.0"

_SUBMODULES = {
    "activations",
    "applications",
    "backend",
    "callbacks",
    "compat",
    "constraints",
    "datasets",
    "distribution",
    "dtype_policies",
    "export",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "ops",
    "optimizers",
    "preprocessing",
    "random",
    "regularizers",
    "saving",
    "utils",
}
_NAMES = {
    "Input": ("kerasx.layers.core.input_layer", "Input"),
    "InputSpec": ("kerasx.layers.input_spec", "InputSpec"),
    "Layer": ("kerasx.layers.layer", "Layer"),
    "Model": ("kerasx.models.model", "Model"),
    "Sequential": ("kerasx.models.sequential", "Sequential"),
    "Functional": ("kerasx.models.functional", "Functional"),
    "DTypePolicy": ("kerasx.dtype_policies", "DTypePolicy"),
    "name_scope": ("kerasx.engine.state", "name_scope"),
    "StatelessScope": ("kerasx.engine.state", "StatelessScope"),
    "value_and_grad": ("kerasx.trainers.gradients", "value_and_grad"),
    "version": ("kerasx._version", "version"),
}

__all__ = [
    "KerasTensor",
    "Variable",
    "__version__",
    "config",
    *sorted(_SUBMODULES),
    *sorted(_NAMES),
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"kerasx.{name}")
        globals()[name] = module
        return module
    if name in _NAMES:
        mod, attr = _NAMES[name]
        value = getattr(importlib.import_module(mod), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kerasx' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | set(_NAMES))
