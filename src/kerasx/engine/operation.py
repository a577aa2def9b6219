"""Operations and graph nodes: what the Functional API is built from.

An :class:`Operation` is anything that can be called on tensors: every layer, and every
``kerasx.ops`` function when it meets a symbolic input.  Called on KerasTensors, an
operation computes the output shapes and dtypes (without running real maths where the
backend can trace abstractly) and records a :class:`Node` linking its symbolic inputs to
its symbolic outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import optree

from kerasx import _backend
from kerasx.engine.keras_tensor import KerasTensor, SpecialTensorBase
from kerasx.utils.naming import auto_name

_NONE_IS_LEAF = {"none_is_leaf": True}


def tree_flatten(tree: Any) -> tuple[list[Any], Any]:
    """Flatten nested lists/tuples/dicts; ``None`` counts as a leaf."""
    return optree.tree_flatten(tree, **_NONE_IS_LEAF)


def tree_unflatten(treedef: Any, leaves: list[Any]) -> Any:
    return optree.tree_unflatten(treedef, leaves)


def any_symbolic(args: Any, kwargs: dict[str, Any] | None = None) -> bool:
    """True when a KerasTensor appears anywhere in ``args`` / ``kwargs``."""
    leaves = optree.tree_leaves((args, kwargs or {}), **_NONE_IS_LEAF)
    return any(isinstance(x, KerasTensor) for x in leaves)


class Node:
    """One call of an operation on symbolic inputs."""

    __slots__ = ("operation", "args", "kwargs", "outputs", "input_tensors", "arguments_treedef")

    def __init__(
        self, operation: Operation, args: tuple[Any, ...], kwargs: dict[str, Any], outputs: Any
    ) -> None:
        self.operation = operation
        self.args = args
        self.kwargs = kwargs
        flat, self.arguments_treedef = tree_flatten((args, kwargs))
        self.input_tensors = [x for x in flat if isinstance(x, KerasTensor)]
        self.outputs = [
            x for x in optree.tree_leaves(outputs, **_NONE_IS_LEAF) if isinstance(x, KerasTensor)
        ]
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for i, t in enumerate(self.outputs):
            t._keras_history = (operation, node_index, i)

    @property
    def parent_nodes(self) -> list[Node]:
        out = []
        for t in self.input_tensors:
            if t._keras_history is not None:
                op, idx, _ = t._keras_history
                out.append(op._inbound_nodes[idx])
        return out

    @property
    def is_input(self) -> bool:
        return not self.input_tensors

    def map_arguments(
        self, tensor_values: dict[int, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Substitute computed values (keyed by ``id`` of each KerasTensor)."""
        flat, _ = tree_flatten((self.args, self.kwargs))
        flat = [tensor_values[id(x)] if isinstance(x, KerasTensor) else x for x in flat]
        args, kwargs = tree_unflatten(self.arguments_treedef, flat)
        return args, kwargs


class Operation:
    """Base of layers and symbolic op calls: a named callable that records graph nodes."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name if name is not None else auto_name(self._default_name())
        self._inbound_nodes: list[Node] = []

    def _default_name(self) -> str:
        return type(self).__name__

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.call() is not implemented.")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        return compute_output_spec(self.call, *args, **kwargs)

    # Nodes are per-call history; they are not part of the config.
    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}


class FunctionOperation(Operation):
    """A ``kerasx.ops`` function applied to symbolic tensors inside a Functional graph.

    ``static_kwargs`` are arguments fixed when the node was made (Keras 3 stores them in
    the op's config when it serializes op nodes such as ``NotEqual``).
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        name: str,
        static_kwargs: dict[str, Any] | None = None,
        node_name: str | None = None,
    ) -> None:
        super().__init__(name=node_name or auto_name(name))
        self.fn = fn
        self.op_name = name
        self.static_kwargs = dict(static_kwargs or {})

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **self.static_kwargs, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, **self.static_kwargs}


def symbolic_op_call(
    fn: Callable[..., Any], name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """Record a kerasx op called on KerasTensors and return symbolic outputs."""
    return FunctionOperation(fn, name).symbolic_call(*args, **kwargs)


def compute_output_spec(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Symbolic outputs of ``fn(*args, **kwargs)`` for symbolic (KerasTensor) inputs.

    Non-symbolic arguments are passed through unchanged; the backend traces ``fn``
    abstractly where it can (``Backend.compute_output_spec``).
    """
    flat, treedef = tree_flatten((args, kwargs))
    positions = [i for i, x in enumerate(flat) if isinstance(x, KerasTensor)]
    specs = [(flat[i].shape, flat[i].dtype) for i in positions]
    out_tree: list[Any] = []

    def flat_fn(tensors: list[Any]) -> list[Any]:
        filled = list(flat)
        for i, t in zip(positions, tensors):
            filled[i] = t
        a, k = tree_unflatten(treedef, filled)
        out = fn(*a, **k)
        leaves, out_def = tree_flatten(out)
        out_tree[:] = [
            out_def,
            [_backend.B.is_tensor(x) or isinstance(x, SpecialTensorBase) for x in leaves],
            leaves,
        ]
        return [_to_tensor(x) for x, is_t in zip(leaves, out_tree[1]) if is_t]

    out_specs = _backend.B.compute_output_spec(flat_fn, specs)
    out_def, is_tensor, leaves = out_tree
    it = iter(out_specs)
    result = [KerasTensor(*next(it)) if t else leaf for leaf, t in zip(leaves, is_tensor)]
    return tree_unflatten(out_def, result)


def _to_tensor(x: Any) -> Any:
    value = getattr(x, "value", None)
    return value if value is not None and isinstance(x, SpecialTensorBase) else x
