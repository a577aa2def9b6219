"""Global settings: the active backend's name, floatx, epsilon, image data format.

The backend is chosen once, when kerasx is first imported, from (in order)
``KERASX_BACKEND``, ``KERAS_BACKEND``, the ``backend`` key of
``$KERASX_HOME/kerasx.json`` (default ``~/.kerasx/kerasx.json``), and finally the first
installed of jax, torch, tensorflow, numpy.  The config file may also set ``floatx``,
``epsilon`` and ``image_data_format``.  Reading it never writes anything.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kerasx.backends import DEFAULT_ORDER, available
from kerasx.backends import spec as _spec
from kerasx.backends.common.settings import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)

__all__ = [
    "backend",
    "config_path",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_interactive_logging_enabled",
    "kerasx_home",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]

_state: dict[str, Any] = {
    "backend": None,
    "interactive_logging": True,
    "unsafe_deserialization": False,
}


def kerasx_home() -> Path:
    """``$KERASX_HOME``, or ``~/.kerasx``."""
    return Path(os.environ.get("KERASX_HOME") or Path.home() / ".kerasx")


def config_path() -> Path:
    """Where the optional JSON config file is read from."""
    return kerasx_home() / "kerasx.json"


def _read_config_file() -> dict[str, Any]:
    path = config_path()
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise ValueError(f"Could not read the kerasx config file {path}: {e}") from e
    if not isinstance(data, dict):
        raise ValueError(
            f"The kerasx config file {path} must hold a JSON object. Received: {data!r}"
        )
    return data


def _select_backend_name() -> str:
    for var in ("KERASX_BACKEND", "KERAS_BACKEND"):
        value = os.environ.get(var)
        if value:
            return _spec(value).name
    data = _read_config_file()
    if "floatx" in data:
        set_floatx(data["floatx"])
    if "epsilon" in data:
        set_epsilon(data["epsilon"])
    if "image_data_format" in data:
        set_image_data_format(data["image_data_format"])
    if data.get("backend"):
        return _spec(data["backend"]).name
    installed = available()
    return installed[0] if installed else DEFAULT_ORDER[-1]


def backend() -> str:
    """Name of the active backend: ``"jax"``, ``"torch"``, ``"tensorflow"`` or ``"numpy"``."""
    if _state["backend"] is None:
        _state["backend"] = _select_backend_name()
    return _state["backend"]


def enable_unsafe_deserialization() -> None:
    """Allow loading files that contain code (Lambda layers with Python bytecode)."""
    _state["unsafe_deserialization"] = True


def unsafe_deserialization_enabled() -> bool:
    return bool(_state["unsafe_deserialization"])


def enable_interactive_logging() -> None:
    _state["interactive_logging"] = True


def disable_interactive_logging() -> None:
    _state["interactive_logging"] = False


def is_interactive_logging_enabled() -> bool:
    return bool(_state["interactive_logging"])
