"""The order in which a Functional model lists its operations, as Keras does.

The order is observable: ``model.layers``, ``get_weights()`` and the ``.weights.h5``
paths of Functional sublayers (``layers/conv2d_1``) all follow it, so it must equal
Keras' for files and weight lists to line up.  Keras orders operations by their depth
(the longest path from the operation to an output), deepest first, and breaks ties by
the order in which a walk back from the outputs first reaches each operation.
"""

from __future__ import annotations

from typing import Any


def operation_order(inputs: list[Any], outputs: list[Any]) -> list[Any]:
    """Operations between ``inputs`` and ``outputs`` in Keras' listing order."""
    input_ids = {id(t) for t in inputs}
    first_seen: dict[int, int] = {}
    ops_by_id: dict[int, Any] = {}
    post_order: list[Any] = []  # nodes, parents before children
    done: set[int] = set()

    def walk(tensor: Any) -> None:
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            return
        op, node_index, _ = history
        node = op._inbound_nodes[node_index]
        if id(node) in done:
            return
        if id(op) not in first_seen:
            first_seen[id(op)] = len(first_seen)
            ops_by_id[id(op)] = op
        if not node.is_input and id(tensor) not in input_ids:
            for parent_tensor in node.input_tensors:
                walk(parent_tensor)
        done.add(id(node))
        post_order.append(node)

    for t in outputs:
        walk(t)

    # Depth of a node: the longest path to an output; an operation takes the largest
    # depth of its nodes.  Visiting children before parents settles each depth once.
    node_depth: dict[int, int] = {}
    op_depth: dict[int, int] = {}
    for node in reversed(post_order):
        op_key = id(node.operation)
        depth = max(node_depth.get(id(node), 0), op_depth.get(op_key, 0))
        node_depth[id(node)] = depth
        op_depth[op_key] = depth
        if node.is_input:
            continue
        for parent_tensor in node.input_tensors:
            history = getattr(parent_tensor, "_keras_history", None)
            if history is None:
                continue
            parent = history[0]._inbound_nodes[history[1]]
            node_depth[id(parent)] = max(node_depth.get(id(parent), 0), depth + 1)
    for t in inputs:  # inputs that no output depends on still belong to the model
        op = t._keras_history[0]
        if id(op) not in op_depth:
            op_depth[id(op)] = 0
            first_seen[id(op)] = -1
            ops_by_id[id(op)] = op
    return sorted(ops_by_id.values(), key=lambda op: (-op_depth[id(op)], first_seen[id(op)]))
