"""A small helper that accumulates ONNX nodes, constants and names.

The layer converters only say *what* to emit (``b.op("Relu", [x])``); this class keeps
tensor names unique, turns NumPy arrays into graph initializers and assembles the final
``ModelProto``.  Keeping the ``onnx`` import here (and only here, lazily) means
``import kerasx.export`` works without onnx installed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: The ONNX opset the exporter targets (LayerNormalization and friends need 17).
OPSET = 17


def _onnx() -> Any:
    try:
        import onnx
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Exporting to ONNX needs the `onnx` package: `pip install onnx` "
            "(or `pip install kerasx[export]`)."
        ) from err
    return onnx


class OnnxGraphBuilder:
    """Collects nodes and initializers for one ONNX graph."""

    def __init__(self) -> None:
        self.onnx = _onnx()
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self.inputs: list[Any] = []
        self.outputs: list[Any] = []
        self._used: set[str] = set()
        self._const_cache: dict[tuple[Any, ...], str] = {}

    # ------------------------------------------------------------------ names
    def fresh(self, base: str) -> str:
        """A tensor/node name not used before, derived from ``base``."""
        base = "".join(c if (c.isalnum() or c in "_./-") else "_" for c in base) or "t"
        name, i = base, 0
        while name in self._used:
            i += 1
            name = f"{base}_{i}"
        self._used.add(name)
        return name

    # -------------------------------------------------------------- emitting
    def op(self, op_type: str, inputs: list[str], name: str | None = None, **attrs: Any) -> str:
        """Emit one single-output node and return its output name."""
        out = self.fresh(name or op_type.lower())
        self.nodes.append(
            self.onnx.helper.make_node(op_type, inputs, [out], name=self.fresh("n_" + out), **attrs)
        )
        return out

    def const(self, value: Any, name: str = "const", dtype: Any = None) -> str:
        """Register ``value`` as an initializer and return its name.

        Small constants (shapes, axes, scalars) are shared between uses.
        """
        arr = np.asarray(value, dtype=dtype)
        key = None
        if arr.size <= 16:
            key = (arr.dtype.str, arr.shape, arr.tobytes())
            if key in self._const_cache:
                return self._const_cache[key]
        tname = self.fresh(name)
        self.initializers.append(self.onnx.numpy_helper.from_array(arr, tname))
        if key is not None:
            self._const_cache[key] = tname
        return tname

    def int64s(self, values: Any, name: str = "ints") -> str:
        return self.const(np.asarray(values, dtype=np.int64), name)

    def scalar(self, value: float, dtype: Any, name: str = "scalar") -> str:
        return self.const(np.asarray(value, dtype=dtype), name)

    # ------------------------------------------------------------- interface
    def add_input(self, name: str, dtype: Any, shape: tuple[Any, ...]) -> str:
        tname = self.fresh(name)
        elem = self.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        dims = ["batch" if (i == 0 and d is None) else d for i, d in enumerate(shape)]
        dims = [f"dim_{i}" if d is None else d for i, d in enumerate(dims)]
        self.inputs.append(self.onnx.helper.make_tensor_value_info(tname, elem, dims))
        return tname

    def add_output(self, source: str, name: str, dtype: Any, shape: tuple[Any, ...]) -> None:
        """Expose ``source`` as a graph output called ``name`` (through an Identity)."""
        tname = self.fresh(name)
        self.nodes.append(
            self.onnx.helper.make_node("Identity", [source], [tname], name=self.fresh("n_" + tname))
        )
        elem = self.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        dims = ["batch" if (i == 0 and d is None) else d for i, d in enumerate(shape)]
        dims = [f"out_dim_{i}" if d is None else d for i, d in enumerate(dims)]
        self.outputs.append(self.onnx.helper.make_tensor_value_info(tname, elem, dims))

    def build(self, graph_name: str, producer: str = "kerasx") -> Any:
        """The checked ``onnx.ModelProto``."""
        helper = self.onnx.helper
        graph = helper.make_graph(
            self.nodes, graph_name, self.inputs, self.outputs, initializer=self.initializers
        )
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=producer
        )
        model.ir_version = min(model.ir_version, 8)
        self.onnx.checker.check_model(model)
        return model
