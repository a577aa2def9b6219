"""Portable gradients of a loss with respect to kerasx Variables.

``value_and_grad(loss_fn, variables)`` is what a custom ``train_step`` calls on any
backend.  It works in two settings:

* inside a stateless step (JAX, or any backend when the trainer threads state), the
  variables' current values are swapped for differentiable inputs with a nested
  :class:`StatelessScope`, and state updates made by the forward pass (BatchNorm moving
  statistics, seed generators) are carried back out;
* in a stateful step (the backend supplies ``stateful_value_and_grad``: TensorFlow's
  GradientTape, PyTorch's autograd on Parameters), the framework differentiates with
  respect to the variables' storage directly and updates happen in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kerasx import _backend
from kerasx.engine import state
from kerasx.engine.variable import Variable


def value_and_grad(
    loss_fn: Callable[[], Any], variables: Sequence[Variable], has_aux: bool = False
) -> tuple[Any, list[Any]]:
    """Call ``loss_fn()`` and return ``(value, grads)``: one gradient per variable.

    With ``has_aux=True``, ``loss_fn`` returns ``(loss, aux)`` and ``value`` is that pair.
    """
    B = _backend.B
    variables = list(variables)
    outer = state.current_stateless_scope()
    stateful = getattr(B, "stateful_value_and_grad", None)
    if outer is None and stateful is not None:
        return stateful(loss_fn, [v._handle for v in variables], has_aux)
    values = [v.value for v in variables]
    ids = {id(v) for v in variables}
    updated: list[Variable] = []

    def pure(vals: list[Any]) -> Any:
        with state.StatelessScope(list(zip(variables, vals))) as scope:
            out = loss_fn()
        updates = [(var, val) for var, val in scope.updates.values() if id(var) not in ids]
        updated[:] = [u[0] for u in updates]
        loss, aux = out if has_aux else (out, None)
        return loss, (aux, [u[1] for u in updates])

    (loss, (aux, update_values)), grads = B.value_and_grad(pure, has_aux=True)(values)
    for var, val in zip(updated, update_values):
        var.assign(val)
    return ((loss, aux) if has_aux else loss), list(grads)
