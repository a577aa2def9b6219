"""``plot_model`` / ``model_to_dot``: a model's layer graph as a Graphviz picture.

Drawing needs two optional pieces, the ``pydot`` package and the Graphviz ``dot``
program.  Both are looked up only when called, and a missing one is reported by name
with how to install it, instead of failing deep inside pydot.
"""

from __future__ import annotations

import os
from typing import Any

from kerasx.saving.registry import keras_export

_PYDOT_HINT = "You must install pydot (`pip install pydot`) for `plot_model` to work."
_GRAPHVIZ_HINT = (
    "You must install graphviz (see instructions at https://graphviz.gitlab.io/download/; "
    "e.g. `apt-get install graphviz` or `brew install graphviz`) and pydot (`pip install "
    "pydot`) for `plot_model` to work: the Graphviz `dot` program was not found."
)


def _import_pydot() -> Any:
    try:
        import pydot
    except ImportError as err:
        raise ImportError(_PYDOT_HINT) from err
    return pydot


def _check_graphviz(pydot: Any) -> None:
    """Graphviz is a separate program; pydot fails with OSError when it is missing."""
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, FileNotFoundError) as err:
        raise ImportError(_GRAPHVIZ_HINT) from err


def _shape_text(tensors: Any) -> str:
    if tensors is None:
        return "?"
    if isinstance(tensors, (list, tuple)):
        return ", ".join(_shape_text(t) for t in tensors)
    if isinstance(tensors, dict):
        return ", ".join(f"{k}: {_shape_text(v)}" for k, v in tensors.items())
    shape = getattr(tensors, "shape", None)
    return "?" if shape is None else str(tuple(shape)).replace("None", "None")


def _safe(getter: Any) -> Any:
    try:
        return getter()
    except (AttributeError, ValueError, RuntimeError):
        return None


def _label(layer: Any, opts: dict[str, Any]) -> str:
    """Text shown in a layer's box, one fact per line (class, name, shapes...)."""
    cls = type(layer).__name__
    lines = [f"{layer.name} ({cls})" if opts["show_layer_names"] else cls]
    if opts["show_layer_activations"]:
        act = getattr(layer, "activation", None)
        if act is not None:
            lines.append(f"activation: {getattr(act, '__name__', str(act))}")
    if opts["show_dtype"]:
        lines.append(f"dtype: {getattr(layer, 'dtype', '?')}")
    if opts["show_shapes"]:
        if cls != "InputLayer":
            lines.append(f"input: {_shape_text(_safe(lambda: layer.input))}")
        lines.append(f"output: {_shape_text(_safe(lambda: layer.output))}")
    if opts["show_trainable"]:
        lines.append(f"trainable: {'Y' if getattr(layer, 'trainable', True) else 'N'}")
    return "\\n".join(lines)


def _graph_of(model: Any) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """Layers to draw and (parent, child) layer edges of a built model.

    Functional graphs come from their nodes; a Sequential stack is drawn as a chain; a
    subclassed model has no inspectable graph and is one box.
    """
    from kerasx.models.functional import Functional
    from kerasx.models.sequential import Sequential

    if isinstance(model, Sequential):
        inner = getattr(model, "_functional", None)
        if inner is None:
            layers = list(model.layers)
            return layers, list(zip(layers[:-1], layers[1:]))
        model = inner
    if not isinstance(model, Functional):
        return [model], []
    layers: list[Any] = []
    edges: list[tuple[Any, Any]] = []

    def add(op: Any) -> None:
        if all(op is not seen for seen in layers):
            layers.append(op)

    for node in model._nodes:
        for parent in node.parent_nodes:
            add(parent.operation)
            edges.append((parent.operation, node.operation))
        add(node.operation)
    return layers, edges


def _is_model(layer: Any) -> bool:
    from kerasx.models.model import Model

    return isinstance(layer, Model)


@keras_export("keras.utils.model_to_dot")
def model_to_dot(
    model: Any,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    subgraph: bool = False,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs: Any,
) -> Any:
    """The model's layer graph as a ``pydot.Dot`` (or ``pydot.Cluster`` when ``subgraph``).

    With ``expand_nested`` a nested model becomes a labelled cluster of its own layers,
    and the edges into/out of it attach to its first/last layer.
    """
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {list(kwargs)}")
    if not getattr(model, "built", False):
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` "
            "or by calling the model on a batch of data."
        )
    pydot = _import_pydot()
    opts = {
        "show_shapes": show_shapes,
        "show_dtype": show_dtype,
        "show_layer_names": show_layer_names,
        "show_layer_activations": show_layer_activations,
        "show_trainable": show_trainable,
    }
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="box")
    layers, edges = _graph_of(model)
    # Where edges attach for each drawn layer: (entry node id, exit node id).
    ends: dict[int, tuple[str, str]] = {}
    for layer in layers:
        if expand_nested and _is_model(layer) and layer is not model:
            inner = model_to_dot(layer, subgraph=True, expand_nested=True, **opts)
            dot.add_subgraph(inner)
            inner_layers, _ = _graph_of(layer)
            ends[id(layer)] = (str(id(inner_layers[0])), str(id(inner_layers[-1])))
            continue
        node_id = str(id(layer))
        dot.add_node(pydot.Node(node_id, label=_label(layer, opts)))
        ends[id(layer)] = (node_id, node_id)
    seen: set[tuple[str, str]] = set()
    for parent, child in edges:
        pair = (ends[id(parent)][1], ends[id(child)][0])
        if pair not in seen:
            seen.add(pair)
            dot.add_edge(pydot.Edge(*pair))
    return dot


@keras_export("keras.utils.plot_model")
def plot_model(
    model: Any,
    to_file: str | os.PathLike[str] = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = False,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs: Any,
) -> Any:
    """Render the model graph to ``to_file`` (format from its extension: png, svg, pdf...).

    Raises ImportError naming ``pydot`` or Graphviz when either is missing.  Returns an
    ``IPython.display.Image`` inside notebooks (non-PDF files), else None.
    """
    pydot = _import_pydot()
    _check_graphviz(pydot)
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        splines=splines,
        **kwargs,
    )
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    if extension != "pdf":
        try:
            from IPython import (
                display,  # noqa: F401
                get_ipython,
            )
        except ImportError:
            return None
        if get_ipython() is not None:
            return display.Image(filename=to_file)
    return None


__all__ = ["model_to_dot", "plot_model"]
