"""Whole-sequence LSTM in one ATen call (``torch.lstm``), for the LSTM layer.

Why: eager PyTorch runs the portable recurrent loop as ~12 small ops per time step, each
paying Python dispatch; ``torch.lstm`` runs the sequence in C++ (what ``torch.nn.LSTM``
uses), with autograd.  Its gates are Keras' gates in Keras' order (input, forget, cell,
output) with tanh / sigmoid, so the layer's own kernels are used as they are
(transposed views), and results equal the portable loop to float rounding.
"""

from __future__ import annotations

from typing import Any

import torch

_FLOATS = (torch.float32, torch.float64, torch.float16, torch.bfloat16)


class FusedRNNMixin:
    def fused_lstm(
        self,
        inputs: Any,
        h: Any,
        c: Any,
        kernel: Any,
        recurrent_kernel: Any,
        bias: Any,
        go_backwards: bool,
        return_sequences: bool,
    ) -> Any:
        """(last_output, outputs or None, [h, c]) for batch-major ``inputs``, or None to
        decline (the caller then runs the portable loop)."""
        tensors = (inputs, h, c, kernel, recurrent_kernel) + ((bias,) if bias is not None else ())
        if not all(isinstance(t, torch.Tensor) for t in tensors):
            return None
        dtype = inputs.dtype
        if dtype not in _FLOATS or any(t.dtype != dtype for t in tensors):
            return None
        x = torch.flip(inputs, (1,)) if go_backwards else inputs
        params = [kernel.t(), recurrent_kernel.t()]
        if bias is not None:
            params += [bias, torch.zeros_like(bias)]
        out, h_n, c_n = torch.lstm(
            x,
            (h.unsqueeze(0), c.unsqueeze(0)),
            params,
            bias is not None,
            1,
            0.0,
            False,
            False,
            True,
        )
        return out[:, -1], (out if return_sequences else None), [h_n[0], c_n[0]]
