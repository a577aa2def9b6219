"""Compiled inference for repeated eager ``model(x)`` calls (JAX, TensorFlow).

Why: eager JAX and TensorFlow dispatch each op separately (tens of microseconds per op,
and an eager JAX LSTM re-traces its ``lax.scan`` on every call), so a batch-1
``model(x)`` in a serving loop costs several times a compiled forward pass.  When the
backend sets ``compile_eager_calls``, a Functional or Sequential model built only from
kerasx layers runs ``model(x)`` through one compiled function once the same input
signature has been seen :data:`WARMUP_CALLS` times: one-off calls (and the first calls
of a loop) stay eager, so nothing pays a compile it will not reuse.

What always stays eager: ``training=True``, calls nested in another layer or inside a
kerasx compiled step, models with user-written layers or ``Lambda`` (their Python runs
as written, e.g. print debugging), host-side preprocessing layers, activity
regularizers, and models compiled with ``run_eagerly=True``.  A compiled call that turns
out to change state while tracing (assigns a variable, adds a loss) is thrown away -- it
has no side effects on the stateless path -- and that model goes back to eager calls.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx import _backend
from kerasx.engine import state
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.operation import tree_flatten, tree_unflatten

WARMUP_CALLS = 2  # eager calls with one input signature before it is compiled
_MAX_SIGNATURES = 8  # distinct signatures counted before the counting stops


class CompiledCall:
    """The compiled forward pass of one model, with its eligibility."""

    def __init__(self, model: Any, graph: Any) -> None:
        B = _backend.B
        self.model = model
        self.graph = graph
        self.disabled = not _eligible(model, graph)
        self.stateful = getattr(B, "stateful_value_and_grad", None) is not None
        self.seen: dict[tuple[Any, ...], int] = {}
        self.fn: Any = None
        self.variables: list[Any] = []
        self.changed_state = False

    def signature(self, leaves: list[Any]) -> tuple[Any, ...] | None:
        """(shape, dtype) of every input, or None when an input cannot be compiled."""
        B = _backend.B
        sig = []
        for x in leaves:
            if isinstance(x, np.ndarray):
                if x.dtype.kind not in "biuf":
                    return None
            elif not B.is_tensor(x) or isinstance(x, KerasTensor):
                return None
            sig.append((tuple(x.shape), str(x.dtype)))
        return tuple(sig)

    def try_call(self, inputs: Any) -> Any:
        """The outputs, or :data:`DECLINED` when this call should run eagerly."""
        leaves, treedef = tree_flatten(inputs)
        sig = self.signature(leaves)
        if sig is None:
            return DECLINED
        count = self.seen.get(sig)
        if count is None and len(self.seen) >= _MAX_SIGNATURES:
            return DECLINED
        if count is None or count < WARMUP_CALLS:
            self.seen[sig] = (count or 0) + 1
            return DECLINED
        if self.fn is None:
            self._build()
        B = _backend.B
        inputs = tree_unflatten(
            treedef, [x if B.is_tensor(x) else B.convert_to_tensor(x) for x in leaves]
        )
        if self.stateful:
            out = self.fn(inputs)
        else:
            out = self.fn([v._raw_value() for v in self.variables], inputs)
        if self.changed_state:
            self.disabled = True
            return DECLINED  # nothing was written: the eager call computes it again
        return out

    def _build(self) -> None:
        from kerasx.layers import layer as layer_module

        B = _backend.B
        model = self.model

        def forward(inputs: Any) -> Any:
            # An outermost call clears earlier add_loss() losses first, so any left after
            # it were added by this call (weight regularizers are not call losses).
            out = layer_module.Layer.__call__(model, inputs)
            if layer_module._layers_with_losses:
                self.changed_state = True
                model._clear_losses()
            return out

        if self.stateful:
            self.fn = B.compile_function(forward)
            return
        self.variables = list(model.variables)
        variables = self.variables

        def pure(values: list[Any], inputs: Any) -> Any:
            with state.StatelessScope(list(zip(variables, values))) as scope:
                out = forward(inputs)
            if scope.updates:
                self.changed_state = True
            return out

        self.fn = B.compile_function(pure)


class _Declined:
    def __repr__(self) -> str:
        return "DECLINED"


DECLINED = _Declined()


def _eligible(model: Any, graph: Any) -> bool:
    from kerasx.layers.layer import Layer

    if graph is None or not getattr(_backend.B, "compile_eager_calls", False):
        return False
    for layer in graph._flatten_layers(include_self=False):
        cls = type(layer)
        if not cls.__module__.startswith("kerasx.") or not getattr(cls, "_compiled_call_ok", True):
            return False
        if layer.activity_regularizer is not None:
            return False
    return isinstance(model, Layer)


def compiled_model_call(model: Any, graph: Any, args: tuple[Any, ...], kwargs: dict) -> Any:
    """``model(*args, **kwargs)`` through the model's compiled forward pass when it
    applies (see the module docstring), else :data:`DECLINED`."""
    if len(args) != 1 or (kwargs and (set(kwargs) != {"training"} or kwargs["training"])):
        return DECLINED
    if model.run_eagerly or state.current_stateless_scope() is not None:
        return DECLINED
    from kerasx.layers.layer import _call_context

    if _call_context() or state.in_symbolic_scope():
        return DECLINED
    cc = getattr(model, "_compiled_call", None)
    if cc is None or cc.graph is not graph:
        cc = model._compiled_call = CompiledCall(model, graph)
    if cc.disabled:
        return DECLINED
    return cc.try_call(args[0])
