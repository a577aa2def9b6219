"""Build the public ``kerasx.ops`` functions from the backend protocol.

Each public op is a thin function with the protocol method's signature and docstring.
On the hot path it forwards straight to the active backend's bound method; it only does
more when an argument is a :class:`kerasx.Variable` (read its value) or a symbolic
KerasTensor (record a graph node instead of computing).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from kerasx import _backend
from kerasx.backends.protocol import Backend
from kerasx.engine.keras_tensor import KerasTensor, SpecialTensorBase


def _unwrap(x: Any) -> Any:
    """Variable -> its current value; KerasTensor is left for the symbolic path."""
    if isinstance(x, SpecialTensorBase) and not isinstance(x, KerasTensor):
        return x.value
    return x


def _scan(args: tuple[Any, ...]) -> int:
    """0: plain call; 1: some Variables to unwrap; 2: symbolic."""
    state = 0
    for a in args:
        if isinstance(a, SpecialTensorBase):
            if isinstance(a, KerasTensor):
                return 2
            state = 1
        elif type(a) in (list, tuple):
            for t in a:
                if isinstance(t, SpecialTensorBase):
                    if isinstance(t, KerasTensor):
                        return 2
                    state = 1
    return state


def _convert(args: tuple[Any, ...]) -> list[Any]:
    out = []
    for a in args:
        if isinstance(a, SpecialTensorBase):
            a = a.value  # a Variable: _scan returned before any KerasTensor
        elif type(a) in (list, tuple):
            a = type(a)([_unwrap(t) for t in a])
        out.append(a)
    return out


def make_op(name: str, module: str) -> Callable[..., Any]:
    """The public function for protocol method ``name``, to live in ``module``."""
    impl = getattr(_backend.B, name)
    proto = getattr(Backend, name)

    def op(*args: Any, **kwargs: Any) -> Any:
        state = _scan(args)
        if kwargs and state < 2:
            kstate = _scan(tuple(kwargs.values()))
            if kstate == 2:
                state = 2
            elif kstate == 1:
                kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        if state == 0:
            return impl(*args, **kwargs)
        if state == 2:
            from kerasx.engine.operation import symbolic_op_call

            return symbolic_op_call(op, name, args, kwargs)
        return impl(*_convert(args), **kwargs)

    op.__name__ = op.__qualname__ = name
    op.__module__ = module
    op.__doc__ = proto.__doc__
    sig = inspect.signature(proto)
    op.__signature__ = sig.replace(parameters=list(sig.parameters.values())[1:])  # type: ignore[attr-defined]
    return op


def export(names: Iterable[str], module: str, namespace: dict[str, Any]) -> list[str]:
    """Create the ops ``names`` into ``namespace`` (a module's globals)."""
    exported = []
    for name in names:
        namespace[name] = make_op(name, module)
        exported.append(name)
    return exported
