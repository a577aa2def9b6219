"""Export a Functional or Sequential kerasx model to an ONNX file.

The exporter walks the model's graph (``model._nodes`` in topological order), asks
the converter registered for each layer class to emit ONNX nodes, and inlines nested
models.  Weights become initializers and the batch dimension stays symbolic, so the
file runs with any batch size.  Nothing here touches a framework: the same file comes
out on every backend, numpy included.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from kerasx.export.onnx_builder import OPSET, OnnxGraphBuilder
from kerasx.export.onnx_layers import CONVERTERS


def _graph_of(model: Any) -> Any:
    """The Functional graph behind ``model`` (Sequential models carry one once built)."""
    from kerasx.models.functional import Functional
    from kerasx.models.sequential import Sequential

    if isinstance(model, Functional):
        return model
    if isinstance(model, Sequential):
        if model._functional is None:
            raise ValueError(
                f"Sequential model '{model.name}' has no input shape yet, so it cannot be "
                "exported. Start it with `kerasx.Input(shape)` or call it on data first."
            )
        return model._functional
    raise ValueError(
        f"ONNX export walks Functional and Sequential graphs; '{model.name}' is a subclassed "
        f"model ({type(model).__name__}). Rebuild it with the Functional API to export it."
    )


def supported_layers() -> list[str]:
    """Layer class names the ONNX exporter can translate."""
    return sorted(CONVERTERS)


def _emit_graph(b: OnnxGraphBuilder, graph: Any, names: dict[int, str]) -> None:
    """Emit every node of ``graph``; ``names`` maps KerasTensor ids to ONNX names."""
    from kerasx.models.model import Model

    for node in graph._nodes:
        op = node.operation
        missing = [t for t in node.input_tensors if id(t) not in names]
        if missing:
            raise ValueError(f"ONNX export: input of '{op.name}' was never computed.")
        ins = [names[id(t)] for t in node.input_tensors]
        if node.kwargs.get("training") is True:
            raise ValueError(
                f"ONNX export is inference-only, but layer '{op.name}' is called with "
                "training=True inside the model."
            )
        if isinstance(op, Model):
            inner = _graph_of(op)
            if len(inner._inputs) != len(ins):
                raise ValueError(
                    f"ONNX export: nested model '{op.name}' expects {len(inner._inputs)} "
                    f"inputs but is called on {len(ins)}."
                )
            inner_names = {id(t): n for t, n in zip(inner._inputs, ins)}
            _emit_graph(b, inner, inner_names)
            outs = [inner_names[id(t)] for t in inner._outputs]
        else:
            kind = type(op).__name__
            conv = CONVERTERS.get(kind)
            if conv is None:
                raise ValueError(
                    f"ONNX export does not support layer class '{kind}' (layer '{op.name}'). "
                    f"Supported layers: {supported_layers()} and nested Functional/Sequential "
                    "models."
                )
            outs = conv(b, op, ins, node)
        if len(outs) != len(node.outputs):
            raise ValueError(
                f"ONNX export: '{op.name}' produced {len(outs)} outputs, "
                f"expected {len(node.outputs)}."
            )
        for t, n in zip(node.outputs, outs):
            names[id(t)] = n


def _signature_specs(graph: Any, input_signature: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(shape, dtype) of each model input, from ``input_signature`` when given."""
    specs = [(tuple(t.shape), str(t.dtype)) for t in graph._inputs]
    if input_signature is None:
        return specs
    flat = (
        list(input_signature) if isinstance(input_signature, (list, tuple)) else [input_signature]
    )
    if len(flat) == 1 and isinstance(flat[0], (list, tuple)) and len(specs) > 1:
        flat = list(flat[0])
    if len(flat) != len(specs):
        raise ValueError(
            f"`input_signature` lists {len(flat)} inputs but the model has {len(specs)}."
        )
    out = []
    for sig, (shape, dtype) in zip(flat, specs):
        sig_shape = tuple(getattr(sig, "shape", shape))
        if len(sig_shape) != len(shape):
            raise ValueError(
                f"`input_signature` shape {sig_shape} does not match the model input {shape}."
            )
        out.append((sig_shape, str(getattr(sig, "dtype", dtype) or dtype)))
    return out


def _np_dtype(dtype: str) -> np.dtype:
    try:
        return np.dtype(dtype)
    except TypeError as err:
        raise ValueError(f"ONNX export does not support inputs of dtype {dtype!r}.") from err


def to_onnx(model: Any, input_signature: Any = None) -> Any:
    """Translate ``model`` into an in-memory ``onnx.ModelProto`` (opset 17)."""
    graph = _graph_of(model)
    b = OnnxGraphBuilder()
    names: dict[int, str] = {}
    for t, (shape, dtype) in zip(graph._inputs, _signature_specs(graph, input_signature)):
        input_name = t._keras_history[0].name if t._keras_history else "input"
        # The batch axis always stays symbolic so any batch size runs.
        names[id(t)] = b.add_input(input_name, _np_dtype(dtype), (None, *shape[1:]))
    _emit_graph(b, graph, names)
    for i, t in enumerate(graph._outputs):
        shape = (None, *tuple(t.shape)[1:])
        b.add_output(names[id(t)], f"output_{i}", _np_dtype(str(t.dtype)), shape)
    return b.build(model.name)


def export_onnx(
    model: Any,
    filepath: str | os.PathLike[str],
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> None:
    """Write ``model`` to ``filepath`` as an ONNX file.

    Inputs are named after the model's input layers and outputs ``output_0``,
    ``output_1``, ...; the first dimension of every input and output is ``batch``.
    """
    if kwargs:
        opset = kwargs.pop("opset_version", None)
        if opset is not None and int(opset) != OPSET:
            raise ValueError(f"kerasx writes ONNX opset {OPSET}; received opset_version={opset}.")
        if kwargs:
            raise ValueError(f"Unrecognized arguments for ONNX export: {sorted(kwargs)}.")
    proto = to_onnx(model, input_signature)
    path = os.fspath(filepath)
    proto_bytes = proto.SerializeToString()
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(proto_bytes)
    os.replace(tmp, path)
    if verbose is None or verbose:
        print(f"Saved ONNX model (opset {OPSET}, {len(proto.graph.node)} nodes) to '{path}'.")


__all__ = ["export_onnx", "supported_layers", "to_onnx"]
