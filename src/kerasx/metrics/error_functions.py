"""Per-sample error functions that ``keras.metrics`` exposes (``mean_squared_error``...).

Each maps ``(y_true, y_pred)`` to one value per sample (the last axis is reduced).
They are the maths behind the mean-error metric classes.  They live here, not in
``kerasx.losses``, so the metrics package stands on its own.
"""

from __future__ import annotations

import math
from typing import Any

from kerasx import ops
from kerasx.backends.common.settings import epsilon
from kerasx.metrics._utils import l2_normalize, ndim, squeeze_or_expand_to_same_rank
from kerasx.saving.registry import keras_export


def _pair(y_true: Any, y_pred: Any, align: bool = True) -> tuple[Any, Any]:
    """Tensors in y_pred's (float) dtype, optionally rank-aligned."""
    y_pred = ops.convert_to_tensor(y_pred)
    if not _is_float(ops.dtype(y_pred)):
        from kerasx.backends.common.settings import floatx

        y_pred = ops.cast(y_pred, floatx())
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    if align:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def _is_float(dtype: str) -> bool:
    return dtype.startswith("float") or dtype == "bfloat16"


@keras_export("keras.metrics.mean_squared_error")
def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """Mean of squared differences over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


@keras_export("keras.metrics.mean_absolute_error")
def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """Mean of absolute differences over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


@keras_export("keras.metrics.mean_absolute_percentage_error")
def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon))`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    denom = ops.maximum(ops.abs(y_true), epsilon())
    return ops.multiply(
        100.0, ops.mean(ops.abs(ops.divide(ops.subtract(y_true, y_pred), denom)), axis=-1)
    )


@keras_export("keras.metrics.mean_squared_logarithmic_error")
def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """Mean squared difference of ``log(1 + max(y, epsilon))`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    log_pred = ops.log(ops.add(ops.maximum(y_pred, epsilon()), 1.0))
    log_true = ops.log(ops.add(ops.maximum(y_true, epsilon()), 1.0))
    return ops.mean(ops.square(ops.subtract(log_pred, log_true)), axis=-1)


@keras_export("keras.metrics.huber")
def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Quadratic for errors up to ``delta``, linear beyond; averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    delta = ops.cast(delta, ops.dtype(y_pred))
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = ops.multiply(0.5, ops.square(error))
    linear = ops.subtract(ops.multiply(delta, abs_error), ops.multiply(0.5, ops.square(delta)))
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


@keras_export("keras.metrics.log_cosh")
def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """Mean of ``log(cosh(y_pred - y_true))``, computed without overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = ops.subtract(y_pred, y_true)
    value = ops.subtract(ops.add(x, ops.softplus(ops.multiply(x, -2.0))), math.log(2.0))
    return ops.mean(value, axis=-1)


@keras_export("keras.metrics.kl_divergence")
def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """``sum(y_true * log(y_true / y_pred))`` with both clipped to ``[epsilon, 1]``."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true = ops.clip(y_true, epsilon(), 1.0)
    y_pred = ops.clip(y_pred, epsilon(), 1.0)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


@keras_export("keras.metrics.poisson")
def poisson(y_true: Any, y_pred: Any) -> Any:
    """Mean of ``y_pred - y_true * log(y_pred + epsilon)`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    return ops.mean(
        ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, epsilon())))), axis=-1
    )


def _hinge_labels(y_true: Any) -> Any:
    """Labels in {0, 1} become {-1, 1}; other label sets are used as given."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, ops.subtract(ops.multiply(2.0, y_true), 1.0), y_true)


@keras_export("keras.metrics.hinge")
def hinge(y_true: Any, y_pred: Any) -> Any:
    """Mean of ``max(1 - y_true * y_pred, 0)`` (0/1 labels are mapped to -1/1)."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true = _hinge_labels(y_true)
    return ops.mean(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0), axis=-1)


@keras_export("keras.metrics.squared_hinge")
def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """Mean of ``max(1 - y_true * y_pred, 0) ** 2`` (0/1 labels are mapped to -1/1)."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true = _hinge_labels(y_true)
    margin = ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)
    return ops.mean(ops.square(margin), axis=-1)


@keras_export("keras.metrics.categorical_hinge")
def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """``max(max_wrong - true_score + 1, 0)`` for one-hot ``y_true``."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)


def _smooth_categorical(y_true: Any, label_smoothing: float) -> Any:
    if not label_smoothing:
        return y_true
    num_classes = ops.shape(y_true)[-1]
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / num_classes)


@keras_export("keras.metrics.categorical_crossentropy")
def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Cross-entropy between one-hot (or soft) labels and class probabilities."""
    if isinstance(axis, bool):
        raise ValueError(
            f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true = _smooth_categorical(y_true, label_smoothing)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@keras_export("keras.metrics.categorical_focal_crossentropy")
def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Categorical cross-entropy down-weighted on well-classified examples."""
    if isinstance(axis, bool):
        raise ValueError(
            f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true = _smooth_categorical(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    probs = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    probs = ops.clip(probs, epsilon(), 1.0 - epsilon())
    cce = ops.multiply(ops.negative(y_true), ops.log(probs))
    factor = ops.multiply(ops.power(ops.subtract(1.0, probs), gamma), alpha)
    return ops.sum(ops.multiply(factor, cce), axis=axis)


def sparse_categorical_crossentropy_and_mask(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> tuple[Any, Any]:
    """Per-sample sparse cross-entropy and the validity mask (None without ``ignore_class``)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if ndim(y_true) == ndim(y_pred) and ops.shape(y_true)[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    valid = None
    if ignore_class is not None:
        rank = ndim(y_pred)
        class_axis = axis % rank
        out_shape = tuple(d for i, d in enumerate(ops.shape(y_pred)) if i != class_axis)
        valid = ops.not_equal(
            ops.cast(y_true, ops.dtype(y_pred)), ops.cast(ignore_class, ops.dtype(y_pred))
        )
        y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
        # Ignored rows get a harmless uniform row (their loss is zeroed below anyway).
        y_pred = ops.where(ops.expand_dims(valid, axis), y_pred, ops.ones_like(y_pred))
    values = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if valid is not None:
        valid = ops.reshape(valid, out_shape)
        values = ops.where(valid, values, ops.zeros_like(values))
    return values, valid


@keras_export("keras.metrics.sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Any:
    """Cross-entropy between integer labels and class probabilities."""
    values, _ = sparse_categorical_crossentropy_and_mask(
        y_true, y_pred, from_logits=from_logits, ignore_class=ignore_class, axis=axis
    )
    return values


def _smooth_binary(y_true: Any, label_smoothing: float) -> Any:
    if not label_smoothing:
        return y_true
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)


@keras_export("keras.metrics.binary_crossentropy")
def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Element-wise binary cross-entropy averaged over ``axis``."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true = _smooth_binary(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


@keras_export("keras.metrics.binary_focal_crossentropy")
def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma`` to focus on hard examples."""
    y_true, y_pred = _pair(y_true, y_pred, align=False)
    y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = ops.add(
        ops.multiply(y_true, y_pred),
        ops.multiply(ops.subtract(1.0, y_true), ops.subtract(1.0, y_pred)),
    )
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        weight = ops.add(
            ops.multiply(y_true, alpha), ops.multiply(ops.subtract(1.0, y_true), 1.0 - alpha)
        )
        focal = ops.multiply(weight, focal)
    return ops.mean(focal, axis=axis)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Cosine of the angle between ``y_true`` and ``y_pred`` along ``axis`` (1 = aligned)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.sum(
        ops.multiply(l2_normalize(y_true, axis=axis), l2_normalize(y_pred, axis=axis)), axis=axis
    )
