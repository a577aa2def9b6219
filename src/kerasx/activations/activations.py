"""The built-in activation functions of ``keras.activations``.

Each one is a thin composition of :mod:`kerasx.ops`, so it runs on every backend,
inside compiled functions and on symbolic KerasTensors alike.  Defaults follow
Keras 3's activation signatures (which differ from the ops in places, e.g. ``gelu``
is exact here and approximate in ``ops.gelu``).
"""

from __future__ import annotations

from typing import Any

from kerasx import _backend, ops
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.saving.registry import keras_export

Tensor = Any


def _tensor(x: Any) -> Any:
    """Backend tensor for array-likes; KerasTensors and tensors pass through."""
    if isinstance(x, KerasTensor) or _backend.B.is_tensor(x):
        return x
    return ops.convert_to_tensor(x)


def _remember_logits(output: Any, x: Any) -> Any:
    """Attach the pre-activation values so crossentropies can use them, where the
    tensor type accepts attributes (torch does; NumPy and JAX arrays do not)."""
    try:
        output._keras_logits = x
    except (AttributeError, TypeError):
        pass
    return output


@keras_export("keras.activations.relu")
def relu(
    x: Tensor, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Tensor:
    """Rectified linear unit with an optional leak, cap and threshold.

    ``f(x) = max_value`` above the cap, ``x`` above ``threshold`` and
    ``negative_slope * (x - threshold)`` otherwise.
    """
    x = _tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return ops.leaky_relu(x, negative_slope=negative_slope)
    leak = None
    if negative_slope != 0.0:
        leak = ops.relu(ops.subtract(threshold, x)) if threshold != 0 else ops.relu(ops.negative(x))
    clip_to_max = max_value is not None
    if threshold != 0:
        positive = ops.where(ops.greater(x, threshold), x, ops.zeros_like(x))
    elif max_value == 6:
        positive = ops.relu6(x)
        clip_to_max = False
    else:
        positive = ops.relu(x)
    if clip_to_max:
        positive = ops.clip(positive, 0.0, max_value)
    if leak is not None:
        positive = ops.subtract(positive, ops.multiply(leak, negative_slope))
    return positive


@keras_export("keras.activations.leaky_relu")
def leaky_relu(x: Tensor, negative_slope: float = 0.2) -> Tensor:
    """``x`` for positive inputs, ``negative_slope * x`` otherwise."""
    return ops.leaky_relu(_tensor(x), negative_slope=negative_slope)


@keras_export("keras.activations.relu6")
def relu6(x: Tensor) -> Tensor:
    """ReLU capped at 6."""
    return ops.relu6(_tensor(x))


@keras_export("keras.activations.softmax")
def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """Normalised exponentials along ``axis`` (probabilities summing to one)."""
    x = _tensor(x)
    return _remember_logits(ops.softmax(x, axis=axis), x)


@keras_export("keras.activations.elu")
def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: ``alpha * (exp(x) - 1)`` for negative inputs."""
    return ops.elu(_tensor(x), alpha=alpha)


@keras_export("keras.activations.selu")
def selu(x: Tensor) -> Tensor:
    """Scaled ELU with the self-normalising constants."""
    return ops.selu(_tensor(x))


@keras_export("keras.activations.softplus")
def softplus(x: Tensor) -> Tensor:
    """``log(exp(x) + 1)``, computed stably."""
    return ops.softplus(_tensor(x))


@keras_export("keras.activations.softsign")
def softsign(x: Tensor) -> Tensor:
    """``x / (abs(x) + 1)``."""
    return ops.softsign(_tensor(x))


@keras_export("keras.activations.soft_shrink")
def soft_shrink(x: Tensor, threshold: float = 0.5) -> Tensor:
    """Moves values toward zero by ``threshold``; zero inside the band."""
    return ops.soft_shrink(_tensor(x), threshold=threshold)


@keras_export("keras.activations.sparse_plus")
def sparse_plus(x: Tensor) -> Tensor:
    """0 below -1, ``(x + 1)**2 / 4`` on [-1, 1], ``x`` above 1."""
    return ops.sparse_plus(_tensor(x))


@keras_export("keras.activations.silu", "keras.activations.swish")
def silu(x: Tensor) -> Tensor:
    """``x * sigmoid(x)`` (also known as swish)."""
    return ops.silu(_tensor(x))


@keras_export("keras.activations.squareplus")
def squareplus(x: Tensor, b: float = 4) -> Tensor:
    """``(x + sqrt(x**2 + b)) / 2``: a smooth, algebraic ReLU."""
    return ops.squareplus(_tensor(x), b=b)


@keras_export("keras.activations.gelu")
def gelu(x: Tensor, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit (exact by default, tanh form if ``approximate``)."""
    return ops.gelu(_tensor(x), approximate=approximate)


@keras_export("keras.activations.celu")
def celu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """Continuously differentiable ELU."""
    return ops.celu(_tensor(x), alpha=alpha)


@keras_export("keras.activations.glu")
def glu(x: Tensor, axis: int = -1) -> Tensor:
    """Gated linear unit: first half times sigmoid of the second half along ``axis``."""
    return ops.glu(_tensor(x), axis=axis)


@keras_export("keras.activations.tanh")
def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return ops.tanh(_tensor(x))


@keras_export("keras.activations.tanh_shrink")
def tanh_shrink(x: Tensor) -> Tensor:
    """``x - tanh(x)``."""
    return ops.tanh_shrink(_tensor(x))


@keras_export("keras.activations.hard_tanh")
def hard_tanh(x: Tensor) -> Tensor:
    """``tanh`` replaced by a clip to [-1, 1]."""
    return ops.hard_tanh(_tensor(x))


@keras_export("keras.activations.hard_shrink")
def hard_shrink(x: Tensor, threshold: float = 0.5) -> Tensor:
    """Zero where ``abs(x) <= threshold``, ``x`` elsewhere."""
    return ops.hard_shrink(_tensor(x), threshold=threshold)


@keras_export("keras.activations.threshold")
def threshold(x: Tensor, threshold: float, default_value: float) -> Tensor:
    """``x`` where ``x > threshold``, ``default_value`` elsewhere."""
    return ops.threshold(_tensor(x), threshold, default_value)


@keras_export("keras.activations.sigmoid")
def sigmoid(x: Tensor) -> Tensor:
    """Logistic function ``1 / (1 + exp(-x))``."""
    x = _tensor(x)
    return _remember_logits(ops.sigmoid(x), x)


@keras_export("keras.activations.exponential")
def exponential(x: Tensor) -> Tensor:
    """``exp(x)``."""
    return ops.exp(_tensor(x))


@keras_export("keras.activations.hard_sigmoid")
def hard_sigmoid(x: Tensor) -> Tensor:
    """Piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)``."""
    return ops.hard_sigmoid(_tensor(x))


@keras_export("keras.activations.log_sigmoid")
def log_sigmoid(x: Tensor) -> Tensor:
    """``log(sigmoid(x))``, computed stably."""
    return ops.log_sigmoid(_tensor(x))


@keras_export("keras.activations.sparse_sigmoid")
def sparse_sigmoid(x: Tensor) -> Tensor:
    """0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above."""
    return ops.sparse_sigmoid(_tensor(x))


@keras_export("keras.activations.hard_silu", "keras.activations.hard_swish")
def hard_silu(x: Tensor) -> Tensor:
    """``x * hard_sigmoid(x)`` (also known as hard swish)."""
    return ops.hard_silu(_tensor(x))


@keras_export("keras.activations.linear")
def linear(x: Tensor) -> Tensor:
    """The identity: returns its input unchanged."""
    return x


@keras_export("keras.activations.mish")
def mish(x: Tensor) -> Tensor:
    """``x * tanh(softplus(x))``."""
    x = _tensor(x)
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


@keras_export("keras.activations.log_softmax")
def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """``log(softmax(x))`` along ``axis``, computed stably."""
    return ops.log_softmax(_tensor(x), axis=axis)


@keras_export("keras.activations.sparsemax")
def sparsemax(x: Tensor, axis: int = -1) -> Tensor:
    """Euclidean projection onto the simplex: a softmax with exact zeros."""
    return ops.sparsemax(_tensor(x), axis=axis)


ALL_FUNCTIONS = (
    celu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_tanh,
    leaky_relu, linear, log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu,
    soft_shrink, softmax, softplus, softsign, sparse_plus, sparse_sigmoid, sparsemax,
    squareplus, tanh, tanh_shrink, threshold,
)  # fmt: skip
