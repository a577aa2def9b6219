"""Regression, margin and divergence loss functions (per-sample values, no reduction)."""

from __future__ import annotations

import math
from typing import Any

from kerasx import ops
from kerasx.backends.common import settings
from kerasx.losses.loss import squeeze_or_expand_to_same_rank, static_shape
from kerasx.saving.registry import keras_export


def check_broadcastable(name: str, y_true: Any, y_pred: Any) -> None:
    """ValueError naming both shapes when they cannot be broadcast together."""
    a, b = static_shape(y_true), static_shape(y_pred)
    for da, db in zip(reversed(a), reversed(b)):
        if da is not None and db is not None and da != db and da != 1 and db != 1:
            raise ValueError(
                f"In loss `{name}`, `y_true` and `y_pred` have incompatible shapes: y_true.shape={a}, y_pred.shape={b}."
            )


def prepare(name: str, y_true: Any, y_pred: Any, squeeze: bool = True) -> tuple[Any, Any]:
    """Tensors with ``y_true`` in ``y_pred``'s dtype, ranks reconciled and shapes checked."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=ops.dtype(y_pred))
    if squeeze:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(name, y_true, y_pred)
    return y_true, y_pred


def _eps(like: Any) -> Any:
    return ops.convert_to_tensor(settings.epsilon(), dtype=ops.dtype(like))


@keras_export("keras.losses.mean_squared_error", "keras.losses.mse", "keras.losses.MSE")
def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """Mean over the last axis of ``(y_true - y_pred) ** 2``."""
    y_true, y_pred = prepare("mean_squared_error", y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


@keras_export("keras.losses.mean_absolute_error", "keras.losses.mae", "keras.losses.MAE")
def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """Mean over the last axis of ``abs(y_true - y_pred)``."""
    y_true, y_pred = prepare("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


@keras_export(
    "keras.losses.mean_absolute_percentage_error", "keras.losses.mape", "keras.losses.MAPE"
)
def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)))``."""
    y_true, y_pred = prepare("mean_absolute_percentage_error", y_true, y_pred)
    ratio = ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), _eps(y_pred)))
    return ops.multiply(ops.mean(ops.abs(ratio), axis=-1), 100.0)


@keras_export(
    "keras.losses.mean_squared_logarithmic_error", "keras.losses.msle", "keras.losses.MSLE"
)
def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """Mean squared difference of ``log(1 + max(y, epsilon))``."""
    y_true, y_pred = prepare("mean_squared_logarithmic_error", y_true, y_pred)
    eps = _eps(y_pred)
    log_pred = ops.log(ops.add(ops.maximum(y_pred, eps), 1.0))
    log_true = ops.log(ops.add(ops.maximum(y_true, eps), 1.0))
    return ops.mean(ops.square(ops.subtract(log_pred, log_true)), axis=-1)


@keras_export("keras.losses.cosine_similarity")
def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Negative cosine similarity along ``axis`` (-1 for identical directions)."""
    y_true, y_pred = prepare("cosine_similarity", y_true, y_pred)
    return ops.negative(
        ops.sum(
            ops.multiply(ops.normalize(y_true, axis=axis), ops.normalize(y_pred, axis=axis)),
            axis=axis,
        )
    )


@keras_export("keras.losses.huber")
def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Quadratic for errors up to ``delta``, linear beyond; mean over the last axis."""
    y_true, y_pred = prepare("huber", y_true, y_pred)
    dtype = ops.dtype(y_pred)
    delta = ops.convert_to_tensor(delta, dtype=dtype)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = ops.multiply(ops.square(error), 0.5)
    linear = ops.subtract(ops.multiply(delta, abs_error), ops.multiply(ops.square(delta), 0.5))
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


@keras_export("keras.losses.log_cosh", "keras.losses.logcosh")
def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """Mean of ``log(cosh(y_pred - y_true))``, computed without overflow."""
    y_true, y_pred = prepare("log_cosh", y_true, y_pred)
    x = ops.subtract(y_pred, y_true)
    value = ops.subtract(
        ops.add(x, ops.softplus(ops.multiply(x, -2.0))),
        ops.convert_to_tensor(math.log(2.0), dtype=ops.dtype(x)),
    )
    return ops.mean(value, axis=-1)


def _to_signed_labels(y_true: Any) -> Any:
    """Map {0, 1} labels to {-1, 1}; labels already in another form are kept."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, ops.subtract(ops.multiply(y_true, 2.0), 1.0), y_true)


@keras_export("keras.losses.hinge")
def hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(max(1 - y_true * y_pred, 0))`` with labels in {-1, 1} (or {0, 1})."""
    y_true, y_pred = prepare("hinge", y_true, y_pred, squeeze=False)
    margin = ops.subtract(1.0, ops.multiply(_to_signed_labels(y_true), y_pred))
    return ops.mean(ops.maximum(margin, 0.0), axis=-1)


@keras_export("keras.losses.squared_hinge")
def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(max(1 - y_true * y_pred, 0) ** 2)`` with labels in {-1, 1} (or {0, 1})."""
    y_true, y_pred = prepare("squared_hinge", y_true, y_pred, squeeze=False)
    margin = ops.subtract(1.0, ops.multiply(_to_signed_labels(y_true), y_pred))
    return ops.mean(ops.square(ops.maximum(margin, 0.0)), axis=-1)


@keras_export("keras.losses.categorical_hinge")
def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """``max(0, 1 + max_wrong_score - true_score)`` for one-hot ``y_true``."""
    y_true, y_pred = prepare("categorical_hinge", y_true, y_pred, squeeze=False)
    positive = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    negative = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(negative, positive), 1.0), 0.0)


@keras_export(
    "keras.losses.kl_divergence",
    "keras.losses.kld",
    "keras.losses.KLD",
    "keras.losses.kullback_leibler_divergence",
)
def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """``sum(y_true * log(y_true / y_pred))`` over the last axis, inputs clipped to [eps, 1]."""
    y_true, y_pred = prepare("kl_divergence", y_true, y_pred, squeeze=False)
    eps = settings.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


@keras_export("keras.losses.poisson")
def poisson(y_true: Any, y_pred: Any) -> Any:
    """``mean(y_pred - y_true * log(y_pred + epsilon))`` over the last axis."""
    y_true, y_pred = prepare("poisson", y_true, y_pred, squeeze=False)
    return ops.mean(
        ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, _eps(y_pred))))), axis=-1
    )
