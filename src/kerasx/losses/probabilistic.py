"""Crossentropy, focal, overlap (Dice/Tversky), circle and generalized-CE loss functions."""

from __future__ import annotations

import warnings
from typing import Any

from kerasx import ops
from kerasx.backends.common import settings
from kerasx.losses.loss import set_keras_mask, static_shape
from kerasx.saving.registry import keras_export


def _check_axis(axis: Any) -> None:
    if isinstance(axis, bool):
        raise ValueError(
            f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )


def _cast_pair(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = ops.convert_to_tensor(y_pred)
    return ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred)), y_pred


def _check_same_shape(name: str, y_true: Any, y_pred: Any) -> None:
    a, b = static_shape(y_true), static_shape(y_pred)
    if len(a) != len(b) or any(x is not None and y is not None and x != y for x, y in zip(a, b)):
        raise ValueError(
            f"In loss `{name}`, `y_true` and `y_pred` must have the same shape. Received: y_true.shape={a}, y_pred.shape={b}."
        )


def _warn_single_class(name: str, y_pred: Any) -> None:
    shape = static_shape(y_pred)
    if shape and shape[-1] == 1:
        warnings.warn(
            f"In loss {name}, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. "
            f"Received: y_pred.shape={shape}. Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _smooth_categorical(y_true: Any, label_smoothing: float, dtype: str) -> Any:
    """Mix one-hot targets with the uniform distribution over the classes."""
    num_classes = ops.cast(ops.shape(y_true)[-1], dtype)
    return ops.add(
        ops.multiply(y_true, 1.0 - label_smoothing), ops.divide(label_smoothing, num_classes)
    )


def _smooth_binary(y_true: Any, label_smoothing: float) -> Any:
    """Pull binary targets toward 0.5."""
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)


@keras_export("keras.losses.binary_crossentropy", "keras.losses.bce", "keras.losses.BCE")
def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Binary crossentropy averaged over ``axis``."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    _check_same_shape("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


@keras_export("keras.losses.binary_focal_crossentropy")
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
    """Binary crossentropy down-weighted by ``(1 - p_t) ** gamma`` for easy examples."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    _check_same_shape("binary_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
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


@keras_export("keras.losses.categorical_crossentropy")
def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Crossentropy between one-hot (or soft) targets and predicted class probabilities."""
    _check_axis(axis)
    y_true, y_pred = _cast_pair(y_true, y_pred)
    _check_same_shape("categorical_crossentropy", y_true, y_pred)
    _warn_single_class("categorical_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, ops.dtype(y_pred))
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@keras_export("keras.losses.categorical_focal_crossentropy")
def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Categorical crossentropy scaled by ``alpha * (1 - p) ** gamma`` per class."""
    _check_axis(axis)
    y_true, y_pred = _cast_pair(y_true, y_pred)
    _check_same_shape("categorical_focal_crossentropy", y_true, y_pred)
    _warn_single_class("categorical_focal_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, ops.dtype(y_pred))
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    eps = settings.epsilon()
    probs = ops.clip(ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True)), eps, 1.0 - eps)
    ce = ops.multiply(ops.negative(y_true), ops.log(probs))
    weight = ops.multiply(ops.power(ops.subtract(1.0, probs), gamma), alpha)
    return ops.sum(ops.multiply(weight, ce), axis=axis)


def sparse_crossentropy_with_mask(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> tuple[Any, Any]:
    """Sparse categorical crossentropy and its validity mask (None without ``ignore_class``)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    true_shape, pred_shape = static_shape(y_true), static_shape(y_pred)
    if len(true_shape) == len(pred_shape) and true_shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
        true_shape = static_shape(y_true)
    class_axis = axis % len(pred_shape)
    expected = tuple(d for i, d in enumerate(pred_shape) if i != class_axis)
    if len(true_shape) != len(expected) or any(
        a is not None and b is not None and a != b for a, b in zip(true_shape, expected)
    ):
        raise ValueError(
            "In loss `sparse_categorical_crossentropy`, `y_true` must hold one class index per "
            f"prediction: expected y_true.shape={expected} (or with a trailing 1). "
            f"Received: y_true.shape={static_shape(y_true)}, y_pred.shape={pred_shape}."
        )
    valid = None
    if ignore_class is not None:
        valid = ops.not_equal(y_true, ops.convert_to_tensor(ignore_class, dtype=ops.dtype(y_true)))
        y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
        y_pred = ops.where(ops.expand_dims(valid, class_axis), y_pred, ops.ones_like(y_pred))
    result = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if valid is not None:
        result = ops.where(valid, result, ops.zeros_like(result))
    return result, valid


@keras_export("keras.losses.sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Any:
    """Categorical crossentropy with integer class targets.

    Entries whose target equals ``ignore_class`` contribute 0 (and are masked out of
    the mean when used through :class:`SparseCategoricalCrossentropy`).
    """
    result, valid = sparse_crossentropy_with_mask(y_true, y_pred, from_logits, ignore_class, axis)
    if valid is not None:
        set_keras_mask(result, valid)
    return result


@keras_export("keras.losses.dice")
def dice(y_true: Any, y_pred: Any, axis: Any = None) -> Any:
    """``1 - 2 * |y_true * y_pred| / (|y_true| + |y_pred|)`` reduced over ``axis``."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    total = ops.add(
        ops.add(ops.sum(y_true, axis=axis), ops.sum(y_pred, axis=axis)), settings.epsilon()
    )
    return ops.subtract(1.0, ops.divide(ops.multiply(intersection, 2.0), total))


@keras_export("keras.losses.tversky")
def tversky(
    y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Any = None
) -> Any:
    """Dice generalised with separate weights for false positives (``alpha``) and
    false negatives (``beta``)."""
    y_true, y_pred = _cast_pair(y_true, y_pred)
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    false_pos = ops.sum(ops.multiply(ops.subtract(1.0, y_pred), y_true), axis=axis)
    false_neg = ops.sum(ops.multiply(y_pred, ops.subtract(1.0, y_true)), axis=axis)
    denominator = ops.add(
        ops.add(
            ops.add(intersection, ops.multiply(false_pos, alpha)), ops.multiply(false_neg, beta)
        ),
        settings.epsilon(),
    )
    return ops.subtract(1.0, ops.divide(intersection, denominator))


def _pos_neg_masks(labels: Any, ref_labels: Any, remove_diagonal: bool) -> tuple[Any, Any]:
    """Same-label (positive) and different-label (negative) pair masks.

    With ``remove_diagonal`` each query is not its own positive (pairs ``i == j``);
    indices come from cumulative sums so unknown batch sizes work too.
    """
    query = ops.reshape(labels, (-1, 1))
    keys = ops.reshape(ref_labels, (1, -1))
    positive = ops.equal(query, keys)
    negative = ops.logical_not(positive)
    if remove_diagonal:
        row = ops.cumsum(ops.ones_like(query), axis=0)
        col = ops.cumsum(ops.ones_like(keys), axis=1)
        positive = ops.logical_and(positive, ops.not_equal(row, col))
    return positive, negative


def circle_with_mask(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any = None,
    ref_embeddings: Any = None,
    remove_diagonal: bool = True,
    gamma: float = 80,
    margin: float = 0.4,
) -> tuple[Any, Any]:
    """Circle loss per query embedding, and the mask of queries with a positive loss."""
    y_pred = ops.convert_to_tensor(y_pred)
    labels = ops.cast(ops.convert_to_tensor(y_true), "int32")
    refs = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings)
    ref_labels = (
        labels if ref_labels is None else ops.cast(ops.convert_to_tensor(ref_labels), "int32")
    )
    distances = ops.maximum(ops.subtract(1.0, ops.matmul(y_pred, ops.transpose(refs))), 0.0)
    positive, negative = _pos_neg_masks(labels, ref_labels, remove_diagonal)
    dtype = ops.dtype(distances)
    pos_weight = ops.maximum(
        ops.multiply(ops.add(distances, margin), ops.cast(positive, dtype)), 0.0
    )
    neg_weight = ops.maximum(
        ops.multiply(ops.subtract(1.0 + margin, distances), ops.cast(negative, dtype)), 0.0
    )
    pos_logits = ops.multiply(
        ops.multiply(pos_weight, ops.subtract(margin, distances)), -float(gamma)
    )
    neg_logits = ops.multiply(
        ops.multiply(neg_weight, ops.subtract(1.0 - margin, distances)), float(gamma)
    )
    neg_inf = ops.full_like(distances, float("-inf"))
    pos_term = ops.logsumexp(ops.where(positive, pos_logits, neg_inf), axis=1)
    neg_term = ops.logsumexp(ops.where(negative, neg_logits, neg_inf), axis=1)
    loss = ops.softplus(ops.add(pos_term, neg_term))
    return loss, ops.greater(loss, 0.0)


@keras_export("keras.losses.circle")
def circle(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any = None,
    ref_embeddings: Any = None,
    remove_diagonal: bool = True,
    gamma: float = 80,
    margin: float = 0.4,
) -> Any:
    """Circle loss for metric learning: pulls same-label embeddings together and pushes
    others apart, each pair weighted by how far it is from its optimum."""
    loss, mask = circle_with_mask(
        y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin
    )
    set_keras_mask(loss, mask)
    return loss


@keras_export("keras.losses.categorical_generalized_cross_entropy")
def categorical_generalized_cross_entropy(y_true: Any, y_pred: Any, q: float) -> Any:
    """``(1 - p_true ** q) / q``: between crossentropy (q -> 0) and MAE (q = 1), robust
    to noisy labels.  ``y_true`` holds integer classes, ``y_pred`` probabilities."""
    y_pred = ops.convert_to_tensor(y_pred)
    num_classes = static_shape(y_pred)[-1]
    one_hot = ops.cast(
        ops.one_hot(ops.cast(ops.convert_to_tensor(y_true), "int32"), num_classes),
        ops.dtype(y_pred),
    )
    p = ops.sum(ops.multiply(y_pred, one_hot), axis=-1)
    return ops.divide(ops.subtract(1.0, ops.power(p, q)), q)
