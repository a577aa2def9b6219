"""tf.keras ``K`` functions for layers and losses: products, activations, cross-entropies,
random tensors and padding.

The cross-entropies keep tf.keras' contract: ``binary_crossentropy`` is element-wise,
the categorical ones reduce over the class axis; neither averages over the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import floatx, image_data_format


def dot(x: Any, y: Any) -> Any:
    """``np.dot`` semantics: contracts the last axis of x with the second-to-last of y."""
    return ops.dot(x, y)


def _batch_dot_axes(x_ndim: int, y_ndim: int, axes: Any) -> tuple[int, int]:
    if axes is None:
        axes = (x_ndim - 1, y_ndim - 1 if y_ndim == 2 else y_ndim - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    a0, a1 = (int(a) for a in axes)
    a0, a1 = a0 % x_ndim, a1 % y_ndim
    if a0 == 0 or a1 == 0:
        raise ValueError(f"Cannot contract over the batch axis. Received: axes={axes}")
    return a0, a1


def batch_dot(x: Any, y: Any, axes: int | Sequence[int] | None = None) -> Any:
    """Per-sample ``tensordot(x[i], y[i])`` over ``axes``; a 1-D result gets a last axis of 1."""
    x_shape, y_shape = tuple(ops.shape(x)), tuple(ops.shape(y))
    if len(x_shape) < 2 or len(y_shape) < 2:
        raise ValueError(
            f"batch_dot needs tensors of rank >= 2. Received shapes {x_shape} and {y_shape}."
        )
    a0, a1 = _batch_dot_axes(len(x_shape), len(y_shape), axes)
    if x_shape[a0] != y_shape[a1]:
        raise ValueError(
            f"Cannot do batch_dot on inputs with shapes {x_shape} and {y_shape} with "
            f"axes={axes}: dimensions {x_shape[a0]} and {y_shape[a1]} differ."
        )
    xm = ops.moveaxis(x, a0, -1)  # (b, x_rest..., k)
    ym = ops.moveaxis(y, a1, 1)  # (b, k, y_rest...)
    x_rest = tuple(ops.shape(xm))[1:-1]
    y_rest = tuple(ops.shape(ym))[2:]
    batch, k = x_shape[0], x_shape[a0]
    b = -1 if batch is None else batch
    m = 1
    for d in x_rest:
        m *= d
    n = 1
    for d in y_rest:
        n *= d
    out = ops.matmul(ops.reshape(xm, (b, m, k)), ops.reshape(ym, (b, k, n)))
    out = ops.reshape(out, (b, *x_rest, *y_rest))
    if len(x_rest) + len(y_rest) == 0:
        out = ops.expand_dims(out, -1)
    return out


def relu(x: Any, alpha: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """tf.keras' generalised ReLU: ``alpha * (x - threshold)`` below the threshold,
    ``x`` above it, capped at ``max_value``."""
    below = ops.less(x, threshold)
    out = ops.where(below, ops.zeros_like(x), x)
    if alpha != 0.0:
        out = ops.add(out, ops.where(below, ops.multiply(ops.subtract(x, threshold), alpha), 0.0))
    if max_value is not None:
        out = ops.minimum(out, max_value)
    return out


def elu(x: Any, alpha: float = 1.0) -> Any:
    return ops.elu(x, alpha=alpha)


def sigmoid(x: Any) -> Any:
    return ops.sigmoid(x)


def hard_sigmoid(x: Any) -> Any:
    """tf.keras 2's piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``."""
    return ops.clip(ops.add(ops.multiply(x, 0.2), 0.5), 0.0, 1.0)


def softmax(x: Any, axis: int = -1) -> Any:
    return ops.softmax(x, axis=axis)


def softplus(x: Any) -> Any:
    return ops.softplus(x)


def softsign(x: Any) -> Any:
    return ops.softsign(x)


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Any:
    """Element-wise binary cross-entropy (probabilities are clipped by epsilon)."""
    return ops.binary_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Any:
    """Cross-entropy of one-hot ``target`` against ``output``, summed over ``axis``."""
    return ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(
    target: Any,
    output: Any,
    from_logits: bool = False,
    axis: int = -1,
    ignore_class: int | None = None,
) -> Any:
    """Cross-entropy of integer ``target`` against ``output``; ``ignore_class`` scores 0."""
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(
            target, output, from_logits=from_logits, axis=axis
        )
    target = ops.cast(target, "int32")
    keep = ops.not_equal(target, ignore_class)
    safe = ops.where(keep, target, ops.zeros_like(target))
    loss = ops.sparse_categorical_crossentropy(safe, output, from_logits=from_logits, axis=axis)
    return ops.where(keep, loss, ops.zeros_like(loss))


def bias_add(x: Any, bias: Any, data_format: str | None = None) -> Any:
    """Add ``bias`` along the channel axis (last, or first after batch for channels_first)."""
    data_format = data_format or image_data_format()
    if data_format == "channels_first" and len(ops.shape(x)) > 2:
        bias = ops.reshape(bias, (1, -1) + (1,) * (len(ops.shape(x)) - 2))
    return ops.add(x, bias)


def batch_normalization(
    x: Any, mean: Any, var: Any, beta: Any, gamma: Any, axis: int = -1, epsilon: float = 1e-3
) -> Any:
    return ops.batch_normalization(
        x, mean, var, axis=axis, offset=beta, scale=gamma, epsilon=epsilon
    )


def in_top_k(predictions: Any, targets: Any, k: int) -> Any:
    return ops.in_top_k(targets, predictions, k)


def random_uniform(
    shape: Sequence[int],
    minval: float = 0.0,
    maxval: float = 1.0,
    dtype: Any = None,
    seed: Any = None,
) -> Any:
    from kerasx import random

    return random.uniform(
        tuple(shape), minval=minval, maxval=maxval, dtype=dtype or floatx(), seed=seed
    )


def random_normal(
    shape: Sequence[int],
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: Any = None,
) -> Any:
    from kerasx import random

    return random.normal(tuple(shape), mean=mean, stddev=stddev, dtype=dtype or floatx(), seed=seed)


def truncated_normal(
    shape: Sequence[int],
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: Any = None,
) -> Any:
    from kerasx import random

    return random.truncated_normal(
        tuple(shape), mean=mean, stddev=stddev, dtype=dtype or floatx(), seed=seed
    )


def random_bernoulli(
    shape: Sequence[int], p: float = 0.0, dtype: Any = None, seed: Any = None
) -> Any:
    """1 with probability ``p``, else 0."""
    draws = random_uniform(shape, dtype=dtype, seed=seed)
    return ops.cast(ops.less(draws, p), dtype or floatx())


def random_uniform_variable(
    shape: Sequence[int],
    low: float,
    high: float,
    dtype: Any = None,
    name: str | None = None,
    seed: Any = None,
) -> Any:
    from kerasx.backend._session import variable

    return variable(
        random_uniform(shape, low, high, dtype=dtype, seed=seed), dtype=dtype, name=name
    )


def random_normal_variable(
    shape: Sequence[int],
    mean: float,
    scale: float,
    dtype: Any = None,
    name: str | None = None,
    seed: Any = None,
) -> Any:
    from kerasx.backend._session import variable

    return variable(
        random_normal(shape, mean, scale, dtype=dtype, seed=seed), dtype=dtype, name=name
    )


def dropout(
    x: Any, level: float, noise_shape: Sequence[int] | None = None, seed: Any = None
) -> Any:
    """Zero a ``level`` fraction of ``x`` and rescale the rest by ``1 / (1 - level)``."""
    from kerasx import random

    return random.dropout(x, level, noise_shape=noise_shape, seed=seed)


def temporal_padding(x: Any, padding: tuple[int, int] = (1, 1)) -> Any:
    """Zero-pad the time axis of ``(batch, time, features)``."""
    return ops.pad(x, [(0, 0), tuple(padding), (0, 0)])


def spatial_2d_padding(
    x: Any,
    padding: tuple[tuple[int, int], tuple[int, int]] = ((1, 1), (1, 1)),
    data_format: str | None = None,
) -> Any:
    """Zero-pad the two spatial axes of a 4-D image batch."""
    data_format = data_format or image_data_format()
    rows, cols = tuple(padding[0]), tuple(padding[1])
    if data_format == "channels_first":
        return ops.pad(x, [(0, 0), (0, 0), rows, cols])
    return ops.pad(x, [(0, 0), rows, cols, (0, 0)])
