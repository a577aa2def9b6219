"""ONNX translations of the Keras activation functions.

Each entry writes the same formula kerasx computes, using native ONNX operators where
one exists (Relu, Sigmoid, Elu, Softmax ...) and small compositions otherwise (gelu,
swish, mish).  Layers with an ``activation`` argument and the ``Activation`` layer
both go through :func:`emit_activation`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from kerasx.export.onnx_builder import OnnxGraphBuilder

Emit = Callable[[OnnxGraphBuilder, str, Any], str]


def _gelu_exact(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    # 0.5 * x * (1 + erf(x / sqrt(2)))
    erf = b.op("Erf", [b.op("Mul", [x, b.scalar(1.0 / math.sqrt(2.0), dt)])])
    one_plus = b.op("Add", [erf, b.scalar(1.0, dt)])
    return b.op("Mul", [b.op("Mul", [x, b.scalar(0.5, dt)]), one_plus], name="gelu")


def _gelu_tanh(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    # 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
    cube = b.op("Mul", [b.op("Mul", [x, x]), x])
    inner = b.op("Add", [x, b.op("Mul", [cube, b.scalar(0.044715, dt)])])
    t = b.op("Tanh", [b.op("Mul", [inner, b.scalar(math.sqrt(2.0 / math.pi), dt)])])
    one_plus = b.op("Add", [t, b.scalar(1.0, dt)])
    return b.op("Mul", [b.op("Mul", [x, b.scalar(0.5, dt)]), one_plus], name="gelu")


def _silu(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    return b.op("Mul", [x, b.op("Sigmoid", [x])], name="silu")


def _mish(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    return b.op("Mul", [x, b.op("Tanh", [b.op("Softplus", [x])])], name="mish")


def _relu6(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    return b.op("Clip", [x, b.scalar(0.0, dt), b.scalar(6.0, dt)], name="relu6")


def _hard_sigmoid(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    # Keras 3: relu6(x + 3) / 6
    shifted = b.op("Add", [x, b.scalar(3.0, dt)])
    return b.op("Div", [_relu6(b, shifted, dt), b.scalar(6.0, dt)], name="hard_sigmoid")


def _hard_silu(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    return b.op("Mul", [x, _hard_sigmoid(b, x, dt)], name="hard_silu")


def _softsign(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    return b.op("Softsign", [x])


def _log_sigmoid(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
    # log(sigmoid(x)) = -softplus(-x)
    return b.op("Neg", [b.op("Softplus", [b.op("Neg", [x])])], name="log_sigmoid")


def _simple(op_type: str, **attrs: Any) -> Emit:
    def emit(b: OnnxGraphBuilder, x: str, dt: Any) -> str:
        return b.op(op_type, [x], **attrs)

    return emit


ACTIVATIONS: dict[str, Emit] = {
    "linear": lambda b, x, dt: x,
    "relu": _simple("Relu"),
    "relu6": _relu6,
    "sigmoid": _simple("Sigmoid"),
    "tanh": _simple("Tanh"),
    "softmax": _simple("Softmax", axis=-1),
    "log_softmax": _simple("LogSoftmax", axis=-1),
    "elu": _simple("Elu", alpha=1.0),
    "selu": _simple("Selu", alpha=1.6732632423543772, gamma=1.0507009873554805),
    "softplus": _simple("Softplus"),
    "softsign": _softsign,
    "silu": _silu,
    "swish": _silu,
    "gelu": _gelu_exact,
    "exponential": _simple("Exp"),
    "leaky_relu": _simple("LeakyRelu", alpha=0.2),
    "hard_sigmoid": _hard_sigmoid,
    "hard_silu": _hard_silu,
    "hard_swish": _hard_silu,
    "mish": _mish,
    "log_sigmoid": _log_sigmoid,
}


def activation_name(fn: Any) -> str:
    """The Keras name of an activation callable ("relu", "linear", ...)."""
    if fn is None:
        return "linear"
    if isinstance(fn, str):
        return fn
    return getattr(fn, "__name__", type(fn).__name__)


def emit_activation(b: OnnxGraphBuilder, x: str, fn: Any, dtype: Any, owner: str) -> str:
    """Apply the activation ``fn`` to tensor ``x``; ``owner`` names the layer in errors."""
    name = activation_name(fn)
    if name not in ACTIVATIONS:
        raise ValueError(
            f"ONNX export does not support the activation {name!r} (used by layer '{owner}'). "
            f"Supported activations: {sorted(ACTIVATIONS)}."
        )
    return ACTIVATIONS[name](b, x, np.dtype(dtype))


def emit_gelu(b: OnnxGraphBuilder, x: str, dtype: Any, approximate: bool) -> str:
    """GELU in its exact (erf) or tanh-approximate form."""
    return (_gelu_tanh if approximate else _gelu_exact)(b, x, np.dtype(dtype))


__all__ = ["ACTIVATIONS", "activation_name", "emit_activation", "emit_gelu"]
