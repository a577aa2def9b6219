"""In-place training support for the trainer's stateful step (PyTorch).

PyTorch differentiates with respect to the ``Parameter`` objects that hold variables,
so the trainer can skip threading values through a pure function: gradients come from
``torch.autograd.grad`` on the parameters and optimizers update them in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import optree
import torch


def _detach(tree: Any) -> Any:
    return optree.tree_map(
        lambda t: t.detach() if isinstance(t, torch.Tensor) else t, tree, none_is_leaf=True
    )


class TrainingMixin:
    def stateful_value_and_grad(
        self, fn: Callable[[], Any], handles: Sequence[Any], has_aux: bool = False
    ) -> tuple[Any, list[Any]]:
        """``fn()`` and the gradients of its (scalar) result w.r.t. ``handles`` (Parameters)."""
        with torch.enable_grad():
            out = fn()
        loss, aux = out if has_aux else (out, None)
        wanted = [h for h in handles if isinstance(h, torch.Tensor) and h.requires_grad]
        grads_found = (
            torch.autograd.grad(loss, wanted, allow_unused=True)
            if wanted and loss.requires_grad
            else [None] * len(wanted)
        )
        by_id = {id(h): g for h, g in zip(wanted, grads_found)}
        grads = [by_id.get(id(h)) for h in handles]
        grads = [torch.zeros_like(h) if g is None else g for h, g in zip(handles, grads)]
        loss = loss.detach()
        return ((loss, _detach(aux)) if has_aux else loss), grads

    def no_grad(self) -> Any:
        """Context for inference steps: no autograd graph is recorded."""
        return torch.no_grad()
