"""``kerasx.layers.Layer``: the base of every layer and model.

A layer owns variables (created in ``build`` with ``add_weight``), tracks the layers
and variables assigned to its attributes (also inside lists, tuples and dicts), and is
called eagerly on tensors or symbolically on KerasTensors (which records a graph node
for the Functional API).  Cross-cutting features (quantization, LoRA, distribution) are
composed from outside: this class only knows about variables, calls and configs.
"""

from __future__ import annotations

import inspect
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kerasx import _backend, ops
from kerasx import dtype_policies as _policies
from kerasx.backends.common import dtypes as _dt
from kerasx.engine import state
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.engine.operation import (
    Operation,
    any_symbolic,
    compute_output_spec,
    tree_flatten,
    tree_unflatten,
)
from kerasx.engine.variable import Variable
from kerasx.layers.input_spec import InputSpec, assert_input_compatibility
from kerasx.saving.registry import keras_export
from kerasx.utils.naming import auto_name, to_snake_case

_ctx = threading.local()
_layers_with_losses: weakref.WeakSet[Layer] = weakref.WeakSet()
_BASE_INIT_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim", "weights"}


def _call_context() -> list[Any]:
    stack = getattr(_ctx, "stack", None)
    if stack is None:
        stack = _ctx.stack = []
    return stack


class _CallSignature:
    """Per-class facts about ``call``'s signature, computed once."""

    def __init__(self, call: Callable[..., Any]) -> None:
        params = inspect.signature(call).parameters
        self.names = [n for n in params if n != "self"]
        self.has_training = "training" in params
        self.has_mask = "mask" in params
        self.training_default = params["training"].default if self.has_training else None
        if self.training_default is inspect.Parameter.empty:
            self.training_default = None
        self.var_kwargs = any(p.kind == p.VAR_KEYWORD for p in params.values())
        self.first_arg = self.names[0] if self.names else None


@keras_export("keras.layers.Layer", "keras.Layer")
class Layer(Operation):
    """Base class of layers: weights, sublayers, build-on-first-call, configs.

    Args:
        activity_regularizer: applied to the layer's output, added to ``losses``.
        trainable: whether the layer's weights are updated in training.
        dtype: a dtype or policy name (``"float32"``, ``"mixed_float16"``).
        autocast: cast float inputs to the compute dtype.
        name: unique name; defaults to the snake-cased class name.
    """

    _call_signature_cache: dict[type, _CallSignature] = {}

    def __new__(cls, *args: Any, **kwargs: Any) -> Layer:
        obj = super().__new__(cls)
        # Remember constructor arguments: the default get_config of custom layers
        # returns them, as Keras 3 does.
        try:
            bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
            obj._auto_config = {
                k: v for k, v in bound.arguments.items() if k not in ("self", "args", "kwargs")
            }
            obj._auto_config.update(bound.arguments.get("kwargs", {}))
        except TypeError:
            obj._auto_config = None
        return obj

    def __init__(
        self,
        *,
        activity_regularizer: Any = None,
        trainable: bool = True,
        dtype: Any = None,
        autocast: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        object.__setattr__(self, "_tracking", False)
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        input_dim = kwargs.pop("input_dim", None)
        self._initial_weights = kwargs.pop("weights", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(
                f"Argument `name` must be a string without '/'. Received: name={name!r}"
            )
        super().__init__(
            name=name if name is not None else auto_name(to_snake_case(type(self).__name__))
        )
        self._dtype_policy = _policies.get(dtype)
        self.autocast = autocast
        self._trainable = bool(trainable)
        self.built = False
        self._own_variables: list[Variable] = []
        self._losses: list[Any] = []
        self._build_shapes: Any = None
        self.input_spec: InputSpec | Sequence[InputSpec] | None = None
        if not hasattr(self, "supports_masking"):
            self.supports_masking = False
        from kerasx import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size, *tuple(input_shape))
        elif input_dim is not None:
            self._batch_input_shape = (batch_size, int(input_dim))
        else:
            self._batch_input_shape = None
        sig = Layer._call_signature_cache.get(type(self))
        if sig is None:
            sig = Layer._call_signature_cache[type(self)] = _CallSignature(type(self).call)
        self._call_sig = sig
        object.__setattr__(self, "_tracking", True)

    # ------------------------------------------------------------------ tracking
    def __setattr__(self, name: str, value: Any) -> None:
        if name == "trainable" and hasattr(type(self), "trainable"):
            object.__setattr__(self, name, value)
            return
        if (
            getattr(self, "_tracking", False)
            and isinstance(value, Variable)
            and not name.startswith("_")
        ):
            if not any(v is value for v in self._own_variables):
                self._own_variables.append(value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        value = getattr(self, name, None)
        if isinstance(value, Variable):
            self._own_variables = [v for v in self._own_variables if v is not value]
        object.__delattr__(self, name)

    def _tracked_layers(self) -> Iterator[Layer]:
        """Direct sublayers, in attribute order, found in attributes and containers."""
        seen: set[int] = set()

        def walk(value: Any, depth: int) -> Iterator[Layer]:
            if isinstance(value, Layer):
                if id(value) not in seen and value is not self:
                    seen.add(id(value))
                    yield value
            elif depth < 4 and isinstance(value, (list, tuple)):
                for v in value:
                    yield from walk(v, depth + 1)
            elif depth < 4 and isinstance(value, dict):
                for v in value.values():
                    yield from walk(v, depth + 1)

        for key, value in self.__dict__.items():
            if key.startswith("_") and key not in ("_layers",):
                continue
            yield from walk(value, 0)

    @property
    def _layers(self) -> list[Layer]:
        return list(self._tracked_layers())

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list[Layer]:
        out: list[Layer] = [self] if include_self else []
        seen = {id(self)}
        stack = list(self._tracked_layers())
        order: list[Layer] = []
        while stack:
            layer = stack.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            order.append(layer)
            if recursive:
                stack = list(layer._tracked_layers()) + stack
        return out + order

    # -------------------------------------------------------------- weights
    def _all_own_variables(self) -> list[Variable]:
        found = list(self._own_variables)
        for key, value in self.__dict__.items():
            if key.startswith("_"):
                continue
            if isinstance(value, (list, tuple)):
                found.extend(v for v in value if isinstance(v, Variable))
            elif isinstance(value, dict):
                found.extend(v for v in value.values() if isinstance(v, Variable))
        out, seen = [], set()
        for v in found:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    @property
    def weights(self) -> list[Variable]:
        """All variables: own trainable, own non-trainable, then sublayers'."""
        own = self._all_own_variables()
        out = [v for v in own if v.trainable] + [v for v in own if not v.trainable]
        seen = {id(v) for v in out}
        for layer in self._tracked_layers():
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    def _seed_states(self) -> list[Variable]:
        """State variables of SeedGenerators held by this layer and its sublayers.

        They are part of ``variables`` (so compiled stateless steps thread them and a new
        dropout mask is drawn each step) but not of ``weights`` (they are not saved), as
        in Keras."""
        from kerasx.random.seed_generator import SeedGenerator

        out: list[Variable] = []
        for layer in self._flatten_layers():
            for value in layer.__dict__.values():
                if isinstance(value, SeedGenerator) and all(v is not value.state for v in out):
                    out.append(value.state)
        return out

    @property
    def variables(self) -> list[Variable]:
        """All state: the weights plus random-seed states."""
        return self.weights + self._seed_states()

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        own = [v for v in self._all_own_variables() if v.trainable]
        seen = {id(v) for v in own}
        for layer in self._tracked_layers():
            for v in layer.trainable_weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    own.append(v)
        return own

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list[Variable]:
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    @property
    def non_trainable_variables(self) -> list[Variable]:
        return self.non_trainable_weights + self._seed_states()

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        for layer in self._flatten_layers():
            object.__setattr__(layer, "_trainable", value)

    def add_weight(
        self,
        shape: Sequence[int] | None = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
    ) -> Variable:
        """Create a variable owned by this layer (path ``<layer name>/<name>``)."""
        from kerasx import constraints, initializers, regularizers

        shape = () if shape is None else tuple(shape)
        dtype = _dt.standardize_dtype(dtype) if dtype is not None else self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if _dt.is_float(dtype) else "zeros"
        init = initializers.get(initializer)
        inside_own_scope = state.current_path().split("/")[-1] == self.name
        with state.name_scope(self.name) if not inside_own_scope else _null():
            var = Variable(
                init,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name,
            )
        var.regularizer = regularizers.get(regularizer)
        var.constraint = constraints.get(constraint)
        var.overwrite_with_gradient = overwrite_with_gradient
        self._own_variables.append(var)
        return var

    def add_variable(
        self,
        shape: Sequence[int],
        initializer: Any,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        name: str | None = None,
    ) -> Variable:
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    def get_weights(self) -> list[Any]:
        """Weights as NumPy arrays, in the order of :attr:`weights`."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        targets = self.weights
        if len(targets) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of length "
                f"{len(weights)}, but the layer was expecting {len(targets)} weights."
            )
        for var, value in zip(targets, weights):
            if tuple(var.shape) != tuple(getattr(value, "shape", ())):
                raise ValueError(
                    f"Layer {self.name} weight shape {var.shape} is not compatible with provided weight shape "
                    f"{tuple(getattr(value, 'shape', ()))}."
                )
            var.assign(value)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. Build it first."
            )
        return int(sum(v.size for v in self.weights))

    # -------------------------------------------------------------- dtypes
    @property
    def dtype_policy(self) -> _policies.DTypePolicy:
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        self._dtype_policy = _policies.get(value)

    @property
    def dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    # -------------------------------------------------------------- losses
    def add_loss(self, loss: Any) -> None:
        """Add a scalar loss tensor computed in ``call`` (reported by ``losses``)."""
        self._losses.append(loss)
        _layers_with_losses.add(self)

    @property
    def losses(self) -> list[Any]:
        """Losses from ``add_loss`` in the last call, plus weight regularization."""
        out: list[Any] = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for v in layer._all_own_variables():
                if v.regularizer is not None and v.trainable:
                    out.append(v.regularizer(v.value))
        return out

    def _clear_losses(self) -> None:
        for layer in list(_layers_with_losses):
            layer._losses = []
        _layers_with_losses.clear()

    # ------------------------------------------------------------- building
    def build(self, input_shape: Any = None) -> None:
        """Create weights for inputs of ``input_shape``; the default creates none."""
        self.built = True

    def _maybe_build(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if self.built:
            return
        shapes = self._shapes_for_build(args, kwargs)
        with state.name_scope(self.name):
            build_params = [p for p in inspect.signature(self.build).parameters if p != "self"]
            if len(build_params) > 1 and all(p.endswith("_shape") for p in build_params):
                self.build(**shapes)
            else:
                self.build(next(iter(shapes.values())) if shapes else None)
        self._build_shapes = shapes
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _shapes_for_build(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        names = self._call_sig.names
        shapes: dict[str, Any] = {}
        for i, value in enumerate(args):
            key = names[i] if i < len(names) else f"arg{i}"
            if key in ("training", "mask"):
                continue
            shapes[f"{key}_shape"] = _shape_tree(value)
            if i == 0:
                break
        for key, value in kwargs.items():
            if key in ("training", "mask") or value is None:
                continue
            shape = _shape_tree(value)
            if shape is not None and f"{key}_shape" not in shapes:
                shapes[f"{key}_shape"] = shape
        return shapes

    def get_build_config(self) -> dict[str, Any] | None:
        if self._build_shapes:
            if len(self._build_shapes) == 1:
                return {"input_shape": next(iter(self._build_shapes.values()))}
            return {"shapes_dict": self._build_shapes}
        return None

    def build_from_config(self, config: dict[str, Any]) -> None:
        if not config:
            return
        if "input_shape" in config:
            shape = config["input_shape"]
            with state.name_scope(self.name):
                self.build(_to_shape(shape))
            self._build_shapes = {"input_shape": _to_shape(shape)}
        elif "shapes_dict" in config:
            shapes = {k: _to_shape(v) for k, v in config["shapes_dict"].items()}
            with state.name_scope(self.name):
                self.build(**shapes)
            self._build_shapes = shapes
        self.built = True

    # --------------------------------------------------------------- calling
    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `call()` method implemented."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        sig = self._call_sig
        if "training" in kwargs and not sig.has_training and not sig.var_kwargs:
            # Like Keras: `training=` reaches nested layers through the call context even
            # when this layer's own call() does not take it.
            explicit_training = kwargs.pop("training")
            if explicit_training is not None:
                stack = _call_context()
                stack.append(explicit_training)
                try:
                    return self.__call__(*args, **kwargs)
                finally:
                    stack.pop()
        if kwargs or len(args) != 1 or isinstance(args[0], (list, tuple, dict)):
            symbolic = any_symbolic(args, kwargs)
        else:  # the common `layer(x)`: no tree to walk
            symbolic = isinstance(args[0], KerasTensor)
        if symbolic:
            return self.symbolic_call(*args, **kwargs)
        if args:
            first = self._convert_input(args[0])
            if first is not args[0]:
                args = (first, *args[1:])
        elif sig.first_arg in kwargs:
            kwargs[sig.first_arg] = self._convert_input(kwargs[sig.first_arg])
        stack = _call_context()
        outermost = not stack
        if outermost and _layers_with_losses:
            self._clear_losses()
        training = kwargs.get("training") if sig.has_training else None
        if training is None:
            training = stack[-1] if stack else None
            if sig.has_training and training is not None:
                kwargs["training"] = training
        if not self.built:
            self._maybe_build(args, kwargs)
        if self.input_spec is not None:
            assert_input_compatibility(
                self.input_spec, args[0] if args else kwargs.get(sig.first_arg), self.name
            )
        stack.append(training)
        try:
            if self.autocast and self.compute_dtype != self.variable_dtype:
                with state.AutocastScope(self.compute_dtype):
                    outputs = self.call(*args, **kwargs)
            else:
                outputs = self.call(*args, **kwargs)
        finally:
            stack.pop()
        if self.activity_regularizer is not None:
            for out in tree_flatten(outputs)[0]:
                if out is not None:
                    # Keras reports the penalty per sample: divided by the batch size.
                    penalty = self.activity_regularizer(out)
                    batch = _backend.B.dynamic_shape(out)[0] if len(out.shape) else 1
                    self.add_loss(penalty / ops.cast(batch, penalty.dtype))
        return outputs

    def _convert_input(self, x: Any) -> Any:
        """Array-likes become backend tensors; float inputs are cast to the compute dtype."""
        B = _backend.B
        if isinstance(x, (list, tuple, dict)):
            leaves, tdef = tree_flatten(x)
            conv = [self._convert_input(v) if v is not None else None for v in leaves]
            return tree_unflatten(tdef, conv)
        if x is None or isinstance(x, KerasTensor):
            return x
        if isinstance(x, Variable):
            x = x.value
        if getattr(getattr(x, "dtype", None), "kind", "") in ("U", "S", "O"):
            return x  # host strings, for the text preprocessing layers
        if not B.is_tensor(x):
            if not hasattr(x, "shape") and not isinstance(x, (int, float, bool)):
                return x
            x = B.convert_to_tensor(x)
        if self.autocast:
            d = B.dtype(x)
            if d != self.compute_dtype and _dt.is_float(d):
                x = B.cast(x, self.compute_dtype)
        return x

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        if not self.built:
            self._maybe_build(args, kwargs)
        if self.input_spec is not None:
            assert_input_compatibility(
                self.input_spec,
                args[0] if args else kwargs.get(self._call_sig.first_arg),
                self.name,
            )
        return super().symbolic_call(*args, **kwargs)

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = self.compute_output_shape(*[_shape_tree(a) for a in args[:1]])
            return _spec_tree(shapes, self.compute_dtype)
        kwargs = dict(kwargs)
        if self._call_sig.has_training and kwargs.get("training") is None:
            kwargs["training"] = False
        with state.SymbolicScope():
            return compute_output_spec(self.__call__, *args, **kwargs)

    def compute_output_shape(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"Layer {self.name} ({type(self).__name__}) should implement `compute_output_shape()`."
        )

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        """The output mask; by default the input mask passes through when the layer
        supports masking, and is dropped otherwise."""
        if not self.supports_masking:
            return None
        return previous_mask

    def stateless_call(
        self,
        trainable_variables: Sequence[Any],
        non_trainable_variables: Sequence[Any],
        *args: Any,
        return_losses: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Call with explicit variable values; returns ``(outputs, non_trainable_values)``
        (plus losses) and leaves the layer's variables untouched."""
        trainable, non_trainable = self.trainable_variables, self.non_trainable_variables
        if len(trainable) != len(trainable_variables) or len(non_trainable) != len(
            non_trainable_variables
        ):
            raise ValueError(
                "Argument `trainable_variables` / `non_trainable_variables` must list as many values as the layer "
                f"has variables ({len(trainable)} trainable, {len(non_trainable)} non-trainable). Received: "
                f"{len(trainable_variables)} and {len(non_trainable_variables)}."
            )
        mapping = list(zip(trainable, trainable_variables)) + list(
            zip(non_trainable, non_trainable_variables)
        )
        with state.StatelessScope(mapping) as scope:
            outputs = self(*args, **kwargs)
            losses = self.losses if return_losses else None
        new_non_trainable = [
            scope.updated_value(v, val) for v, val in zip(non_trainable, non_trainable_variables)
        ]
        if return_losses:
            return outputs, new_non_trainable, losses
        return outputs, new_non_trainable

    # ------------------------------------------------------- graph accessors
    def _node_tensor(self, attr: str) -> Any:
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name} has never been called and thus has no defined {attr}."
            )
        node = self._inbound_nodes[0]
        tensors = node.input_tensors if attr == "input" else node.outputs
        return tensors[0] if len(tensors) == 1 else tensors

    @property
    def input(self) -> Any:
        return self._node_tensor("input")

    @property
    def output(self) -> Any:
        return self._node_tensor("output")

    # ---------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        from kerasx.saving.serialization import serialize_keras_object

        config: dict[str, Any] = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": serialize_keras_object(self._dtype_policy),
        }
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = self._batch_input_shape
        if type(self).get_config is Layer.get_config and not _is_builtin(type(self)):
            extra = self._auto_config or {}
            unknown = {
                k: v
                for k, v in extra.items()
                if k not in config and k not in ("name", "trainable", "dtype")
            }
            if unknown and not all(_jsonable(v) for v in unknown.values()):
                raise NotImplementedError(
                    f"Layer {type(self).__name__} was created with arguments that cannot be serialized automatically; "
                    "implement `get_config()` (and `from_config()` if needed)."
                )
            config.update(unknown)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        config = dict(config)
        if "dtype" in config and isinstance(config["dtype"], dict):
            config["dtype"] = _policies.get(config["dtype"])
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\nException encountered: {e}"
            ) from e

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def _is_builtin(cls: type) -> bool:
    return cls.__module__.startswith("kerasx.")


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str, list, tuple, dict))


def _shape_tree(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return type(value)(_shape_tree(v) for v in value)
    if isinstance(value, dict):
        return {k: _shape_tree(v) for k, v in value.items()}
    shape = getattr(value, "shape", None)
    if shape is None:
        return None
    return tuple(None if d is None else int(d) for d in shape)


def _to_shape(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and all(v is None or isinstance(v, int) for v in value):
        return tuple(value)
    if isinstance(value, (list, tuple)):
        return [_to_shape(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_shape(v) for k, v in value.items()}
    return value


def _spec_tree(shapes: Any, dtype: str) -> Any:
    if isinstance(shapes, tuple) and all(v is None or isinstance(v, int) for v in shapes):
        return KerasTensor(shapes, dtype)
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_spec_tree(s, dtype) for s in shapes)
    if isinstance(shapes, dict):
        return {k: _spec_tree(v, dtype) for k, v in shapes.items()}
    return KerasTensor(tuple(shapes), dtype)
