"""The plumbing shared by every application builder: argument checks, the input tensor,
the final Functional model and weight loading.

Kept apart from the architectures so each model file reads as its layer graph only.
"""

from __future__ import annotations

import os
from typing import Any

from kerasx.backends.common.settings import image_data_format


def check_weights_arg(weights: Any, include_top: bool, classes: int) -> None:
    """``weights`` must be None, "imagenet" or an existing file; ImageNet heads have 1000."""
    if not (weights in {"imagenet", None} or os.path.exists(os.fspath(weights))):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), "
            "'imagenet' (pre-training on ImageNet), or the path to the weights file to be "
            f"loaded.  Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` should be "
            f"1000.  Received classes={classes}"
        )


def channel_axis() -> int:
    return 1 if image_data_format() == "channels_first" else -1


def bn_axis() -> int:
    return 1 if image_data_format() == "channels_first" else 3


def image_input(input_tensor: Any, input_shape: Any) -> Any:
    """The symbolic image input: ``input_tensor`` itself when it is already symbolic."""
    from kerasx.engine.keras_tensor import is_keras_tensor
    from kerasx.layers.core.input_layer import Input

    if input_tensor is None:
        return Input(shape=input_shape)
    if is_keras_tensor(input_tensor):
        return input_tensor
    return Input(tensor=input_tensor, shape=input_shape)


def source_inputs(tensor: Any) -> list[Any]:
    """The ``Input`` tensors a symbolic tensor was computed from (graph leaves)."""
    from kerasx.layers.core.input_layer import InputLayer

    found: list[Any] = []
    seen: set[int] = set()
    stack = [tensor]
    while stack:
        t = stack.pop()
        history = getattr(t, "_keras_history", None)
        if history is None:
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        op, node_index, _ = history
        if isinstance(op, InputLayer):
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        stack.extend(reversed(op._inbound_nodes[node_index].input_tensors))
    return found


def head_or_pooling(
    x: Any,
    include_top: bool,
    pooling: Any,
    classes: int,
    classifier_activation: Any,
    weights: Any,
    top_pool_name: str | None = None,
    pool_names: tuple[str | None, str | None] = (None, None),
) -> Any:
    """Global-average + Dense("predictions") head, or optional global pooling."""
    from kerasx import layers
    from kerasx.applications.imagenet_utils import validate_activation

    if include_top:
        x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
        validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=pool_names[0])(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=pool_names[1])(x)
    return x


def build_model(
    input_tensor: Any,
    img_input: Any,
    outputs: Any,
    name: str,
    weights: Any,
    imagenet_file: tuple[str, str, str | None] | None,
) -> Any:
    """Wrap the graph in a Functional model and load ``weights``.

    ``imagenet_file`` is ``(file name, URL, hash or None)`` of the published weights.
    """
    from kerasx.models.functional import Functional

    inputs = source_inputs(input_tensor) if input_tensor is not None else img_input
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    model = Functional(inputs, outputs, name=name)
    if weights == "imagenet":
        if imagenet_file is None:
            raise ValueError(f"No ImageNet weights are published for {name}.")
        from kerasx.utils.file_utils import get_file

        fname, url, file_hash = imagenet_file
        load_weights_file(model, get_file(fname, url, cache_subdir="models", file_hash=file_hash))
    elif weights is not None:
        load_weights_file(model, weights)
    return model


def load_weights_file(model: Any, path: Any) -> None:
    """Load a weights file into an application model.

    Legacy tf.keras ``.h5`` files (the published ImageNet weights) are matched by layer
    name: the layer names here are Keras's, whereas a positional match would depend on
    the order the Functional graph lists branch layers in (ResNet's shortcut vs main
    path), which tf.keras chose by graph depth.
    """
    path = os.fspath(path)
    if path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5"):
        model.load_weights(path, by_name=True)
    else:
        model.load_weights(path)
