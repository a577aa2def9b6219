"""Python functions as configs, in Keras 3's ``__lambda__`` format.

A lambda has no name to look up, so its compiled code is stored: ``marshal`` bytes of
the code object, base64-encoded (76-character lines, like ``codecs``' "base64"), plus
its defaults and closure values.  Loading such a config runs arbitrary code from the
file, so :func:`load_lambda` refuses unless safe mode is off, and checks that before
the bytes are even unmarshalled.
"""

from __future__ import annotations

import base64
import builtins
import marshal
import types
from collections.abc import Callable
from typing import Any

from kerasx.saving.serialization import in_safe_mode, serialize_keras_object

LAMBDA_CLASS_NAME = "__lambda__"


def is_lambda(fn: Any) -> bool:
    return isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>"


def is_lambda_config(config: Any) -> bool:
    return isinstance(config, dict) and config.get("class_name") == LAMBDA_CLASS_NAME


def dump_lambda(fn: types.FunctionType) -> dict[str, Any]:
    """``{"class_name": "__lambda__", "config": {"code", "defaults", "closure"}}``."""
    code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return {
        "class_name": LAMBDA_CLASS_NAME,
        "config": {"code": code, "defaults": fn.__defaults__, "closure": closure},
    }


def serialize_function(fn: Any) -> Any:
    """Lambdas as bytecode; named functions by (registered) name, like Keras 3."""
    if is_lambda(fn):
        return dump_lambda(fn)
    if callable(fn):
        return serialize_keras_object(fn)
    raise ValueError(f"Invalid input type for serialization. Received: {fn} of type {type(fn)}.")


def check_lambda_allowed(what: str = "function", safe_mode: bool | None = None) -> None:
    """Raise the safe-mode error unless deserializing code was explicitly allowed."""
    safe = in_safe_mode() if safe_mode is None else bool(safe_mode)
    if safe:
        raise ValueError(
            f"Requested the deserialization of a `Lambda` layer whose `{what}` is a Python "
            "lambda. This carries a potential risk of arbitrary code execution and thus it is "
            "disallowed by default. If you trust the source of the file, pass "
            "`safe_mode=False` to the loading function (e.g. "
            "`kerasx.saving.load_model(path, safe_mode=False)`), or call "
            "`kerasx.config.enable_unsafe_deserialization()`."
        )


def _globals() -> dict[str, Any]:
    """Names a stored lambda may use: builtins plus the usual module aliases."""
    import numpy

    import kerasx

    return {
        "__builtins__": builtins,
        "keras": kerasx,
        "kerasx": kerasx,
        "ops": kerasx.ops,
        "np": numpy,
        "numpy": numpy,
    }


def _cell(value: Any) -> types.CellType:
    return value if isinstance(value, types.CellType) else types.CellType(value)


def load_lambda(
    config: dict[str, Any], what: str = "function", safe_mode: bool | None = None
) -> Callable[..., Any]:
    """Rebuild a lambda from its ``__lambda__`` config (refused in safe mode)."""
    check_lambda_allowed(what, safe_mode)
    inner = config["config"]
    code = marshal.loads(base64.decodebytes(inner["code"].encode("ascii")))
    defaults = inner.get("defaults")
    closure = inner.get("closure")
    return types.FunctionType(
        code,
        _globals(),
        name=code.co_name,
        argdefs=tuple(defaults) if defaults is not None else None,
        closure=tuple(_cell(v) for v in closure) if closure is not None else None,
    )
