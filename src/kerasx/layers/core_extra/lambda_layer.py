"""Lambda: wrap an arbitrary function of tensors as a layer."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from kerasx.engine import state
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.operation import compute_output_spec, tree_flatten, tree_unflatten
from kerasx.layers.core_extra.function_code import (
    is_lambda_config,
    load_lambda,
    serialize_function,
)
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import deserialize_keras_object, serialize_keras_object


def _is_shape(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(v is None or isinstance(v, int) for v in value)


def _map_shapes(fn: Callable[[tuple], Any], shapes: Any) -> Any:
    if _is_shape(shapes):
        return fn(tuple(shapes))
    if isinstance(shapes, dict):
        return {k: _map_shapes(fn, v) for k, v in shapes.items()}
    return type(shapes)(_map_shapes(fn, s) for s in shapes)


def _first_dim(shapes: Any) -> Any:
    if _is_shape(shapes):
        return shapes[0] if shapes else None
    values = shapes.values() if isinstance(shapes, dict) else shapes
    return _first_dim(next(iter(values)))


@keras_export("keras.layers.Lambda")
class Lambda(Layer):
    """Calls ``function(inputs, **arguments)`` (plus ``mask=`` / ``training=`` when the
    function accepts them).  Prefer a subclassed layer for anything with state or that
    must be saved: a lambda is stored as Python bytecode, which loads only with
    ``safe_mode=False`` and only on the same Python version.

    Args:
        function: the callable.
        output_shape: output shape without batch axis, or a function of the input
            shape; inferred by tracing when omitted.
        mask: an output mask, or a function ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments for ``function``.
    """

    _compiled_call_ok = False  # runs the user's function eagerly, as written

    def __init__(
        self,
        function: Callable[..., Any],
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        self.supports_masking = mask is not None
        self.mask = mask
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_expects_training_arg = "training" in params
        self._fn_expects_mask_arg = "mask" in params
        self.built = True

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape is None:
            specs = _map_shapes(lambda s: KerasTensor(s, self.compute_dtype), input_shape)
            try:
                out = self._trace(specs)
            except Exception as e:
                raise NotImplementedError(
                    "We could not automatically infer the shape of the Lambda's output. "
                    "Please specify the `output_shape` argument for this Lambda layer."
                ) from e
            leaves, treedef = tree_flatten(out)
            return tree_unflatten(treedef, [tuple(t.shape) for t in leaves])
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = _first_dim(input_shape)
        return _map_shapes(lambda s: (batch, *s), self._output_shape)

    def _trace(self, inputs: Any) -> Any:
        with state.SymbolicScope():
            return compute_output_spec(self.call, inputs)

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if self._output_shape is None:
            return self._trace(args[0])
        leaves, treedef = tree_flatten(args[0])
        shapes = tree_unflatten(treedef, [tuple(t.shape) for t in leaves])
        out = self.compute_output_shape(shapes)
        return _map_shapes(lambda s: KerasTensor(s, self.compute_dtype), out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["function"] = serialize_function(self.function)
        if self._output_shape is not None:
            config["output_shape"] = (
                serialize_function(self._output_shape)
                if callable(self._output_shape)
                else self._output_shape
            )
        if self.mask is not None:
            config["mask"] = (
                serialize_function(self.mask)
                if callable(self.mask)
                else serialize_keras_object(self.mask)
            )
        config["arguments"] = serialize_keras_object(self.arguments)
        return config

    @classmethod
    def from_config(
        cls,
        config: dict[str, Any],
        custom_objects: dict[str, Any] | None = None,
        safe_mode: bool | None = None,
    ) -> Lambda:
        """Lambdas stored as bytecode load only outside safe mode; named functions
        resolve through the registry / ``custom_objects`` in any mode."""
        config = dict(config)

        def restore(key: str) -> Any:
            value = config[key]
            if is_lambda_config(value):
                return load_lambda(value, key, safe_mode)
            if isinstance(value, dict) and "class_name" in value:
                return deserialize_keras_object(value, custom_objects=custom_objects)
            return value

        config["function"] = restore("function")
        if "output_shape" in config:
            shape = restore("output_shape")
            if isinstance(shape, list) and all(v is None or isinstance(v, int) for v in shape):
                shape = tuple(shape)
            config["output_shape"] = shape
        if "mask" in config:
            config["mask"] = restore("mask")
        if isinstance(config.get("arguments"), dict):
            config["arguments"] = {
                k: deserialize_keras_object(v, custom_objects=custom_objects)
                if isinstance(v, dict) and "class_name" in v
                else v
                for k, v in config["arguments"].items()
            }
        return super().from_config(config)
