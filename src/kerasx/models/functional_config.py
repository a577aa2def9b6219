"""Keras 3's config layout for Functional models, written and read.

``layers`` lists each layer's config with its ``inbound_nodes``: the arguments of
every call that belongs to this model, symbolic tensors written as
``{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history":
[layer_name, node_index, tensor_index]}}``.  ``node_index`` counts only calls that are
part of this model, so shared layers and nested models survive the round trip.
"""

from __future__ import annotations

from typing import Any

from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.operation import FunctionOperation, Node, tree_flatten, tree_unflatten
from kerasx.layers.layer import Layer
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object


def _node_indices(model: Any) -> dict[int, int]:
    """Map id(node) -> its index among the model's own calls of that operation."""
    in_model = {id(n) for n in model._nodes}
    for t in model._inputs:
        op = t._keras_history[0]
        in_model.add(id(op._inbound_nodes[t._keras_history[1]]))
    out: dict[int, int] = {}
    for op in model._operations:
        k = 0
        for node in op._inbound_nodes:
            if id(node) in in_model:
                out[id(node)] = k
                k += 1
    return out


def _tensor_ref(t: KerasTensor, indices: dict[int, int]) -> list[Any]:
    op, node_idx, tensor_idx = t._keras_history
    node = op._inbound_nodes[node_idx]
    return [op.name, indices.get(id(node), node_idx), tensor_idx]


def functional_get_config(model: Any) -> dict[str, Any]:
    indices = _node_indices(model)
    layers = []
    for op in model._operations:
        if isinstance(op, FunctionOperation):
            # Keras 3's layout for an op node: a class of keras.src.ops.<family>.
            family = getattr(op.fn, "__module__", "kerasx.ops.numpy").rsplit(".", 1)[-1]
            class_name = "".join(part.capitalize() for part in op.op_name.split("_"))
            static = {}
            for node in op._inbound_nodes:
                static.update(
                    {k: v for k, v in node.kwargs.items() if not isinstance(v, KerasTensor)}
                )
            config = {
                **op.get_config(),
                **{k: serialize_keras_object(v) for k, v in static.items()},
            }
            entry = {
                "module": f"keras.src.ops.{family}",
                "class_name": class_name,
                "config": config,
                "registered_name": class_name,
            }
        else:
            entry = serialize_keras_object(op)
        entry["name"] = op.name
        nodes = []
        for node in op._inbound_nodes:
            if id(node) not in indices or node.is_input:
                continue

            def ser(x: Any) -> Any:
                if isinstance(x, KerasTensor):
                    return {
                        "class_name": "__keras_tensor__",
                        "config": {
                            "shape": list(x.shape),
                            "dtype": x.dtype,
                            "keras_history": _tensor_ref(x, indices),
                        },
                    }
                return serialize_keras_object(x)

            node_kwargs = node.kwargs
            if isinstance(op, FunctionOperation):  # static arguments live in the op config
                node_kwargs = {k: v for k, v in node.kwargs.items() if isinstance(v, KerasTensor)}
            flat, tdef = tree_flatten((node.args, node_kwargs))
            args, kwargs = tree_unflatten(tdef, [ser(x) for x in flat])
            nodes.append({"args": list(args), "kwargs": kwargs})
        entry["inbound_nodes"] = nodes
        layers.append(entry)

    def refs(struct: Any) -> Any:
        if isinstance(struct, KerasTensor):
            return _tensor_ref(struct, indices)
        if isinstance(struct, dict):
            return {k: refs(v) for k, v in struct.items()}
        return [refs(v) for v in struct]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": refs(model._inputs_struct),
        "output_layers": refs(model._outputs_struct),
    }


def _is_ref(x: Any) -> bool:
    return (
        isinstance(x, (list, tuple))
        and len(x) == 3
        and isinstance(x[0], str)
        and isinstance(x[1], int)
        and isinstance(x[2], int)
    )


def functional_from_config(
    cls: type,
    config: dict[str, Any],
    custom_objects: dict[str, Any] | None = None,
    layer_factory: Any = None,
) -> Any:
    created: dict[str, Layer] = {}
    # outputs[layer_name][node_index] = flat list of output tensors of that call
    outputs: dict[str, list[list[KerasTensor]]] = {}
    pending: list[tuple[str, list[dict[str, Any]]]] = []
    for entry in config["layers"]:
        made = layer_factory(entry.get("name"), entry) if layer_factory is not None else None
        layer = (
            made
            if made is not None
            else deserialize_keras_object(
                entry, custom_objects=custom_objects, printable_module_name="layer"
            )
        )
        name = entry.get("name", layer.name)
        created[name] = layer
        from kerasx.layers.core.input_layer import InputLayer

        if isinstance(layer, InputLayer):
            outputs[name] = [[layer.output_tensor]]
        else:
            outputs[name] = []
        pending.append((name, list(_legacy_nodes(entry.get("inbound_nodes", [])))))

    def resolve(x: Any) -> Any:
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            lname, nidx, tidx = x["config"]["keras_history"]
            return outputs[lname][nidx][tidx]
        if isinstance(x, dict) and "class_name" in x:
            return deserialize_keras_object(x, custom_objects=custom_objects)
        if isinstance(x, list):
            return [resolve(v) for v in x]
        if isinstance(x, dict):
            return {k: resolve(v) for k, v in x.items()}
        return x

    def ready(x: Any) -> bool:
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            lname, nidx, _ = x["config"]["keras_history"]
            return lname in outputs and len(outputs[lname]) > nidx
        if isinstance(x, list):
            return all(ready(v) for v in x)
        if isinstance(x, dict):
            return all(ready(v) for v in x.values())
        return True

    progress = True
    while progress and any(nodes for _, nodes in pending):
        progress = False
        for name, nodes in pending:
            while nodes and ready(nodes[0]):
                node = nodes.pop(0)
                args = resolve(node.get("args", []))
                kwargs = resolve(node.get("kwargs", {}))
                out = created[name](*args, **kwargs)
                outputs[name].append(tree_flatten(out)[0])
                progress = True
    if any(nodes for _, nodes in pending):
        stuck = [n for n, nodes in pending if nodes]
        raise ValueError(
            f"Could not rebuild the Functional model: layers {stuck} have inputs that are never produced."
        )

    def struct(refs: Any) -> Any:
        if _is_ref(refs):
            return outputs[refs[0]][refs[1]][refs[2]]
        if isinstance(refs, dict):
            return {k: struct(v) for k, v in refs.items()}
        return [struct(r) for r in refs]

    inputs = struct(config["input_layers"])
    outs = struct(config["output_layers"])
    kwargs = {k: v for k, v in config.items() if k in ("name", "trainable")}
    return cls(inputs=inputs, outputs=outs, **kwargs)


def _legacy_nodes(nodes: list[Any]) -> list[dict[str, Any]]:
    """Accept Keras 2's ``[[[name, node, tensor, kwargs], ...]]`` layout too."""
    out = []
    for node in nodes:
        if isinstance(node, dict):
            out.append(node)
            continue
        args = []
        kwargs: dict[str, Any] = {}
        for item in node:
            name, nidx, tidx = item[0], item[1], item[2]
            if len(item) > 3 and item[3]:
                kwargs.update(item[3])
            args.append(
                {"class_name": "__keras_tensor__", "config": {"keras_history": [name, nidx, tidx]}}
            )
        out.append({"args": [args[0]] if len(args) == 1 else [args], "kwargs": kwargs})
    return out


__all__ = ["functional_from_config", "functional_get_config", "Node"]
