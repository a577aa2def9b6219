"""Functional models: a graph of layer calls from symbolic inputs to outputs.

The graph is the set of :class:`~kerasx.engine.operation.Node` objects reachable from
the outputs.  Running it visits the nodes in a fixed topological order, passing values
(and masks) along; the same order gives the Keras 3 config layout
(``layers[*].inbound_nodes``, ``input_layers``, ``output_layers``).
"""

from __future__ import annotations

from typing import Any

from kerasx import _backend
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.operation import FunctionOperation, Node, Operation, tree_flatten, tree_unflatten
from kerasx.layers.layer import Layer
from kerasx.models.functional_run import Plan, run_plan
from kerasx.models.graph_order import operation_order
from kerasx.models.model import Model
from kerasx.saving.registry import keras_export


def _history(t: KerasTensor) -> tuple[Operation, int, int]:
    if t._keras_history is None:
        raise ValueError(
            f"Tensor {t!r} has no history: it was not created by `kerasx.Input` or a kerasx layer."
        )
    return t._keras_history


def build_graph(inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list[Node]:
    """Nodes between ``inputs`` and ``outputs`` in topological order.

    Raises ValueError naming the missing input when an output depends on a tensor that
    is not among ``inputs``.
    """
    input_ids = {id(t) for t in inputs}
    order: list[Node] = []
    state: dict[int, int] = {}  # 1 visiting, 2 done

    def visit(node: Node) -> None:
        key = id(node)
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise ValueError("The Functional graph has a cycle.")
        state[key] = 1
        for t in node.input_tensors:
            if id(t) in input_ids:
                continue
            op, idx, _ = _history(t)
            parent = op._inbound_nodes[idx]
            if parent.is_input:
                raise ValueError(
                    f"Graph disconnected: cannot find parent for tensor {t!r} at operation "
                    f"'{node.operation.name}'. The model's outputs depend on input '{op.name}', which "
                    "was not passed in `inputs`. Add it to the model's inputs."
                )
            visit(parent)
        state[key] = 2
        order.append(node)

    for t in outputs:
        if id(t) in input_ids:
            continue
        op, idx, _ = _history(t)
        node = op._inbound_nodes[idx]
        if node.is_input:
            raise ValueError(
                f"Graph disconnected: output {t!r} comes from input '{op.name}', which was not passed in `inputs`."
            )
        visit(node)
    return order


@keras_export(
    "keras.src.models.functional.Functional", "keras.Functional", "keras.models.Functional"
)
class Functional(Model):
    """A model defined by calling layers on ``kerasx.Input`` tensors."""

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, **kwargs: Any) -> None:
        trainable = kwargs.pop("trainable", True)
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        flat_in = tree_flatten(inputs)[0]
        flat_out = tree_flatten(outputs)[0]
        for t in flat_in + flat_out:
            if not isinstance(t, KerasTensor):
                raise ValueError(
                    f"All `inputs` and `outputs` of a Functional model must be KerasTensors. Received: {t!r}"
                )
        self._inputs = flat_in
        self._outputs = flat_out
        self._nodes = build_graph(flat_in, flat_out)
        self._operations = operation_order(flat_in, flat_out)
        self._functional_layers = [op for op in self._operations if isinstance(op, Layer)]
        self.built = True
        self._build_shapes = {"input_shape": _struct_shapes(inputs)}

    def _compiled_call_graph(self) -> Any:
        return self if type(self).call is Functional.call else None

    # The layer list is the graph's, not attribute tracking.
    def _tracked_layers(self):  # type: ignore[override]
        yield from (op for op in self._functional_layers)
        yield from super()._tracked_layers()

    @property
    def layers(self) -> list[Layer]:
        return list(self._functional_layers)

    @property
    def inputs(self) -> Any:
        return self._inputs

    @property
    def outputs(self) -> Any:
        return self._outputs

    @property
    def input(self) -> Any:  # type: ignore[override]
        return self._inputs_struct

    @property
    def output(self) -> Any:  # type: ignore[override]
        return self._outputs_struct

    @property
    def input_shape(self) -> Any:
        shapes = [t.shape for t in self._inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        shapes = [t.shape for t in self._outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by position in :attr:`layers`."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has {len(self.layers)} layers."
                )
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}."
        )

    # ---------------------------------------------------------------- running
    def _flatten_inputs(self, inputs: Any) -> list[Any]:
        if isinstance(inputs, dict):
            if isinstance(self._inputs_struct, dict):
                missing = [k for k in self._inputs_struct if k not in inputs]
                if missing:
                    raise ValueError(
                        f"Missing input(s) {missing} for model '{self.name}'. Expected keys: {list(self._inputs_struct)}"
                    )
                return [inputs[k] for k in self._inputs_struct]
            names = [_history(t)[0].name for t in self._inputs]
            if all(n in inputs for n in names):
                return [inputs[n] for n in names]
        flat = tree_flatten(inputs)[0] if isinstance(inputs, (list, tuple, dict)) else [inputs]
        if len(flat) != len(self._inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self._inputs)} input(s), but it received {len(flat)} input tensors. "
                f"Expected input shapes: {[t.shape for t in self._inputs]}"
            )
        return flat

    def _standardize(self, value: Any, spec: KerasTensor) -> Any:
        B = _backend.B
        if value is None:
            return None
        if spec.dtype == "string" or _is_host_strings(value):
            # Strings stay on the host (only TensorFlow has string tensors); the
            # preprocessing layers that take them work on NumPy.
            return value
        if not B.is_tensor(value):
            value = B.convert_to_tensor(value)
        shape = B.shape(value)
        want = spec.shape
        if len(shape) == len(want) - 1 and want[-1] == 1:
            value = B.expand_dims(value, -1)
        elif len(shape) == len(want) + 1 and shape[-1] == 1:
            value = B.squeeze(value, -1)
        dtype = B.dtype(value)
        if dtype != spec.dtype and not (spec.dtype == "string"):
            value = B.cast(value, spec.dtype)
        return value

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        flat = [self._standardize(v, t) for v, t in zip(self._flatten_inputs(inputs), self._inputs)]
        masks: list[Any] = [None] * len(flat)
        if mask is not None:
            masks = tree_flatten(mask)[0] if isinstance(mask, (list, tuple, dict)) else [mask]
        return self._run(flat, masks, training)

    def _run(self, flat_inputs: list[Any], flat_masks: list[Any], training: Any) -> Any:
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self.__dict__["_plan"] = Plan(self)
        return run_plan(self, plan, flat_inputs, flat_masks, training)

    def compute_output_spec(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        values: dict[int, Any] = {}
        for t, v in zip(self._inputs, self._flatten_inputs(inputs)):
            values[id(t)] = v
        for node in self._nodes:
            args, kwargs = node.map_arguments(values)
            out = node.operation.compute_output_spec(*args, **kwargs)
            for t, v in zip(node.outputs, tree_flatten(out)[0]):
                values[id(t)] = v
        outs = [values[id(t)] for t in self._outputs]
        return tree_unflatten(tree_flatten(self._outputs_struct)[1], outs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        specs = self.compute_output_spec(tree_map_shapes(input_shape, self._inputs))
        return tree_unflatten(tree_flatten(specs)[1], [s.shape for s in tree_flatten(specs)[0]])

    def build(self, input_shape: Any = None) -> None:
        self.built = True

    # ----------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        from kerasx.models.functional_config import functional_get_config

        return functional_get_config(self)

    @classmethod
    def from_config(
        cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None
    ) -> Functional:
        from kerasx.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)


def _struct_shapes(struct: Any) -> Any:
    if isinstance(struct, KerasTensor):
        return struct.shape
    if isinstance(struct, dict):
        return {k: _struct_shapes(v) for k, v in struct.items()}
    return [_struct_shapes(v) for v in struct]


def tree_map_shapes(input_shape: Any, inputs: list[KerasTensor]) -> Any:
    if len(inputs) == 1:
        return KerasTensor(tuple(input_shape), inputs[0].dtype)
    return [KerasTensor(tuple(s), t.dtype) for s, t in zip(input_shape, inputs)]


__all__ = ["Functional", "FunctionOperation", "build_graph"]


def _is_host_strings(value: Any) -> bool:
    import numpy as np

    if isinstance(value, (list, tuple)):
        value = np.asarray(value) if value and isinstance(value[0], (str, bytes, list)) else None
    return isinstance(value, np.ndarray) and value.dtype.kind in "USO"
