"""Export hooks of the torch adapter: ``torch.export`` programs.

The kerasx model is wrapped in an ``nn.Module`` that owns the variables' Parameters, so
``torch.export`` records them as the program's parameters and buffers; the batch
dimension is exported as a symbolic ``Dim`` so the program runs on any batch size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from kerasx.backends.torch import _utils as U


class _ModelModule(torch.nn.Module):
    """An ``nn.Module`` view of a kerasx model for tracing (inference mode)."""

    def __init__(self, model: Any, pack: Any) -> None:
        super().__init__()
        self._kerasx_model = [model]  # a list keeps it out of Module attribute tracking
        self._pack = pack
        for i, v in enumerate(model.weights):
            handle = v.handle
            key = f"v{i}"
            if isinstance(handle, torch.nn.Parameter):
                self.register_parameter(key, handle)
            else:
                self.register_buffer(key, handle)

    def forward(self, *inputs: torch.Tensor) -> Any:
        return self._kerasx_model[0](self._pack(inputs), training=False)


def export_torch_program(
    model: Any, path: str, specs: Sequence[tuple[str, tuple[Any, ...], str]]
) -> None:
    """Trace ``model`` with ``torch.export`` and save the program at ``path``."""
    from kerasx.export._common import call_inputs

    module = _ModelModule(model, call_inputs).eval()
    batch = torch.export.Dim("batch", min=1, max=1 << 20)
    # Two rows: a batch of 1 would be specialised as a constant by the tracer.
    examples = tuple(
        torch.zeros((2, *[int(d) for d in shape[1:]]), dtype=U.to_torch_dtype(dtype))
        for _, shape, dtype in specs
    )
    # `forward(*inputs)` gathers the inputs into one positional tuple.
    dynamic = (tuple({0: batch} for _ in specs),)
    with torch.no_grad():
        program = torch.export.export(module, examples, dynamic_shapes=dynamic)
    torch.export.save(program, path)


def load_native_artifact(path: str) -> Any:
    """The runnable ``nn.Module`` of a saved ``torch.export`` program."""
    return torch.export.load(path).module()


__all__ = ["export_torch_program", "load_native_artifact"]
