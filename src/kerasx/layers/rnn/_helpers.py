"""Small utilities shared by the recurrent layers (shapes, nesting, sublayer builds)."""

from __future__ import annotations

from typing import Any

from kerasx import _backend, initializers, ops
from kerasx.engine.operation import tree_flatten


def is_nested(x: Any) -> bool:
    return isinstance(x, (list, tuple, dict))


def flatten(x: Any) -> list[Any]:
    return tree_flatten(x)[0]


def dim(x: Any, axis: int) -> Any:
    """Size of ``axis``: a Python int when static, else a scalar tensor (TF graphs)."""
    size = ops.shape(x)[axis]
    if size is None:
        size = _backend.B.dynamic_shape(x)[axis]
    return size


def swap_batch_time(x: Any) -> Any:
    """(batch, time, ...) <-> (time, batch, ...)."""
    rank = len(ops.shape(x))
    return ops.transpose(x, (1, 0, *range(2, rank)))


def build_sublayer(layer: Any, input_shape: Any) -> None:
    """Build a sublayer once, under its own name scope, remembering its build shape
    (so its config carries a ``build_config`` like Keras')."""
    if getattr(layer, "built", False):
        return
    if hasattr(layer, "build_from_config"):
        layer.build_from_config({"input_shape": input_shape})
    else:
        layer.build(input_shape)
    layer.built = True


def unit_forget_bias_initializer(base: Any, units: int) -> Any:
    """LSTM bias init: ``base`` for the input/cell/output gates, ones for the forget gate."""
    ones = initializers.get("ones")

    def init(shape: Any, dtype: Any = None) -> Any:
        return ops.concatenate(
            [
                ops.convert_to_tensor(base((units,), dtype=dtype), dtype=dtype),
                ops.convert_to_tensor(ones((units,), dtype=dtype), dtype=dtype),
                ops.convert_to_tensor(base((units * 2,), dtype=dtype), dtype=dtype),
            ],
            axis=0,
        )

    return init
