"""Mid-epoch access to model state for callbacks that save or read weights per batch.

With a stateless step runner (JAX) the variables only receive the threaded values at the
end of an epoch.  Callbacks that checkpoint every N batches call
:func:`sync_model_state` first so that what they save is the current state.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kerasx import _backend


def sync_model_state(model: Any) -> None:
    """Copy the runner's in-flight values into the variables, leaving the run going.

    The values are copied through host memory so that the buffers the next (donating)
    step consumes are never the ones the variables hold.
    """
    runner = getattr(model, "_runner", None)
    if runner is None or not getattr(runner, "stateless", False):
        return
    mode = getattr(runner, "_mode", None)
    values = getattr(runner, "_values", None)
    if values is None or mode in (None, "predict"):
        return
    B = _backend.B
    for var, value in zip(runner._vars[mode], values):
        var.assign(np.array(B.convert_to_numpy(value)))


def to_float(value: Any) -> float:
    """A learning rate or log value (Variable, tensor, NumPy or Python scalar) as a float."""
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        try:
            return float(np.asarray(value.numpy()))
        except (TypeError, ValueError, RuntimeError):
            pass
    return float(np.asarray(_backend.B.convert_to_numpy(value)))
