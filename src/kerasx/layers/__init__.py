"""``kerasx.layers``: every built-in layer, found by importing this package's modules.

Layer modules register their classes under ``keras.layers.<Name>`` (see
:func:`kerasx.saving.registry.keras_export`); this namespace exports exactly those, so
adding a layer file is all it takes to publish a layer.
"""

from __future__ import annotations

import importlib
import pkgutil

from kerasx.layers.input_spec import InputSpec  # noqa: F401
from kerasx.layers.layer import Layer  # noqa: F401
from kerasx.saving.registry import builtin_module

for _info in pkgutil.walk_packages(__path__, prefix=__name__ + "."):
    importlib.import_module(_info.name)

globals().update(builtin_module("keras.layers"))
__all__ = sorted(builtin_module("keras.layers"))
del _info
