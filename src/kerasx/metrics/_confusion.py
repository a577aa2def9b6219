"""Confusion-matrix accumulation at thresholds (for Precision, Recall, AUC...).

For each threshold ``t`` a prediction ``p`` counts as positive when ``p > t``.  Two
equivalent computations are used, as in Keras:

* any thresholds: compare every prediction with every threshold (``T x N`` booleans);
* evenly spaced thresholds: drop each prediction into the bucket of the highest
  threshold it exceeds, sum weights per bucket and take a reversed cumulative sum.
  This is ``O(N + T)`` and is what AUC's 200 default thresholds use.

Everything is tensor maths on static shapes, so it runs inside compiled steps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from kerasx import ops
from kerasx.backends.common.settings import epsilon
from kerasx.metrics._utils import broadcast_like, ndim, squeeze_or_expand_to_same_rank, to_list

TP, FP, TN, FN = "tp", "fp", "tn", "fn"
NEG_INF = -1e10


def parse_init_thresholds(thresholds: Any, default_threshold: float = 0.5) -> list[float]:
    """A list of thresholds in ``[0, 1]`` (``default_threshold`` when None)."""
    if thresholds is not None:
        bad = [t for t in to_list(thresholds) if t is None or t < 0 or t > 1]
        if bad:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed(thresholds: Sequence[float]) -> bool:
    """True for ``i / (n - 1)``, ``i = 0..n-1`` with at least three thresholds."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(np.asarray(thresholds, dtype=np.float64), even, atol=epsilon()))


def filter_top_k(x: Any, k: int) -> Any:
    """Keep the ``k`` largest entries of the last axis; the rest become ``NEG_INF``."""
    _, idx = ops.top_k(x, k)
    keep = ops.sum(ops.one_hot(idx, ops.shape(x)[-1], dtype=ops.dtype(x)), axis=-2)
    return ops.add(ops.multiply(x, keep), ops.multiply(NEG_INF, ops.subtract(1.0, keep)))


def update_confusion_variables(
    variables: dict[str, Any],
    y_true: Any,
    y_pred: Any,
    thresholds: Sequence[float],
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: Any = None,
    multi_label: bool = False,
    label_weights: Any = None,
    thresholds_distributed_evenly: bool = False,
) -> None:
    """Add this batch's TP/FP/TN/FN counts (per threshold) to ``variables``.

    Args:
        variables: maps ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"`` to the variables to update.
        thresholds: Python floats; one count per threshold.
        top_k: only the ``top_k`` highest predictions per sample may be positive.
        class_id: restrict to one class (the last axis of ``y_pred`` indexes classes).
        multi_label: keep a separate count per label (last axis) instead of flattening.
        label_weights: per-label weights (only when ``multi_label`` is False).
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_variables` when `multi_label` is True."
        )
    unknown = [k for k in variables if k not in (TP, FP, TN, FN)]
    if unknown or not variables:
        raise ValueError(
            f"Invalid confusion matrix keys: {unknown or list(variables)}. Valid keys are tp, fp, tn, fn."
        )
    dtype = next(iter(variables.values())).dtype
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(
            ops.cast(ops.convert_to_tensor(sample_weight), dtype), axis=-1
        )
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if ndim(y_pred) == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {ops.shape(y_pred)}"
            )
        y_true = ops.expand_dims(ops.take(y_true, class_id, axis=-1), -1)
        y_pred = ops.expand_dims(ops.take(y_pred, class_id, axis=-1), -1)
    weights = None
    if sample_weight is not None:
        weights = broadcast_like(sample_weight, y_pred)
    if label_weights is not None:
        lw = broadcast_like(ops.expand_dims(ops.cast(label_weights, dtype), 0), y_pred)
        weights = lw if weights is None else ops.multiply(weights, lw)
    if thresholds_distributed_evenly:
        counts = _bucketed_counts(
            y_true, y_pred, thresholds, weights, multi_label, dtype, variables
        )
    else:
        counts = _compared_counts(
            y_true, y_pred, thresholds, weights, multi_label, dtype, variables
        )
    for key, var in variables.items():
        var.assign(ops.add(var, counts[key]))


def _compared_counts(
    y_true: Any,
    y_pred: Any,
    thresholds: Sequence[float],
    weights: Any,
    multi_label: bool,
    dtype: str,
    wanted: dict[str, Any],
) -> dict[str, Any]:
    """Counts by comparing each prediction with each threshold."""
    thr = ops.convert_to_tensor(np.asarray(thresholds, dtype=np.float64), dtype=dtype)
    labels = ops.cast(y_true, "bool")
    if multi_label:
        # (T, N, labels...): one count per threshold and label.
        thr = ops.reshape(thr, (len(thresholds),) + (1,) * ndim(y_pred))
        preds = ops.expand_dims(y_pred, 0)
        labels = ops.expand_dims(labels, 0)
        w = None if weights is None else ops.expand_dims(weights, 0)
    else:
        thr = ops.reshape(thr, (len(thresholds), 1))
        preds = ops.reshape(y_pred, (1, -1))
        labels = ops.reshape(labels, (1, -1))
        w = None if weights is None else ops.reshape(weights, (1, -1))
    pred_pos = ops.greater(preds, thr)
    pred_neg = ops.logical_not(pred_pos)
    label_neg = ops.logical_not(labels)

    def count(label: Any, pred: Any) -> Any:
        hit = ops.logical_and(label, pred)
        values = (
            ops.cast(hit, dtype)
            if w is None
            else ops.where(hit, ops.cast(w, dtype), ops.zeros((), dtype=dtype))
        )
        return ops.sum(values, axis=1)

    cells = {
        TP: (labels, pred_pos),
        FP: (label_neg, pred_pos),
        TN: (label_neg, pred_neg),
        FN: (labels, pred_neg),
    }
    return {key: count(*cells[key]) for key in wanted}


def _bucketed_counts(
    y_true: Any,
    y_pred: Any,
    thresholds: Sequence[float],
    weights: Any,
    multi_label: bool,
    dtype: str,
    wanted: dict[str, Any],
) -> dict[str, Any]:
    """Counts for evenly spaced thresholds via per-bucket sums and a reversed cumsum."""
    n = len(thresholds)
    with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    y_pred = ops.clip(y_pred, 0.0, 1.0)
    y_true = ops.cast(ops.cast(y_true, "bool"), dtype)
    w = ops.ones((), dtype=dtype) if weights is None else ops.cast(weights, dtype)
    pos = ops.multiply(y_true, w)
    neg = ops.multiply(ops.subtract(1.0, y_true), w)
    bucket = ops.subtract(ops.ceil(ops.multiply(y_pred, float(n - 1))), 1.0)
    if with_epsilon:
        bucket = ops.maximum(bucket, 0.0)
    bucket = ops.cast(bucket, "int32")
    # Predictions at or below the first threshold (bucket -1) are never positive.
    valid = None if with_epsilon else ops.greater_equal(bucket, 0)
    bucket = ops.maximum(bucket, 0)
    if multi_label:
        # Labels get their own run of n segments: id = label * n + bucket.
        label_shape = tuple(ops.shape(y_pred)[1:])
        num_labels = math.prod(label_shape)

        def flat(t: Any) -> Any:
            return ops.reshape(broadcast_like(t, y_pred), (-1, num_labels))

        offsets = ops.expand_dims(ops.multiply(ops.arange(num_labels, dtype="int32"), n), 0)
        bucket = ops.add(flat(bucket), offsets)
        segments = n * num_labels
    else:
        label_shape = ()

        def flat(t: Any) -> Any:
            return ops.reshape(broadcast_like(t, y_pred), (-1,))

        bucket = flat(bucket)
        segments = n
    pos, neg = flat(pos), flat(neg)
    if valid is not None:
        valid = flat(valid)
    ids = ops.reshape(bucket, (-1,))

    def per_threshold(values: Any) -> Any:
        if valid is not None:
            values = ops.where(valid, values, ops.zeros_like(values))
        sums = ops.segment_sum(ops.reshape(values, (-1,)), ids, num_segments=segments)
        if multi_label:
            sums = ops.transpose(ops.reshape(sums, (-1, n)))  # (n, labels)
        above = ops.flip(ops.cumsum(ops.flip(sums, axis=0), axis=0), axis=0)
        return ops.reshape(above, (n, *label_shape))

    out: dict[str, Any] = {}
    tp = per_threshold(pos) if (TP in wanted or FN in wanted) else None
    fp = per_threshold(neg) if (FP in wanted or TN in wanted) else None
    axis = 0 if multi_label else None
    if TP in wanted:
        out[TP] = tp
    if FP in wanted:
        out[FP] = fp
    if TN in wanted:
        total_neg = ops.reshape(ops.sum(neg, axis=axis), label_shape)
        out[TN] = ops.subtract(total_neg, fp)
    if FN in wanted:
        total_pos = ops.reshape(ops.sum(pos, axis=axis), label_shape)
        out[FN] = ops.subtract(total_pos, tp)
    return out


def confusion_matrix(
    labels: Any, predictions: Any, num_classes: int, weights: Any = None, dtype: str = "int32"
) -> Any:
    """``(num_classes, num_classes)`` matrix: rows are labels, columns predictions."""
    labels = ops.cast(ops.convert_to_tensor(labels), dtype)
    predictions = ops.cast(ops.convert_to_tensor(predictions), dtype)
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    indices = ops.cast(ops.stack([labels, predictions], axis=1), "int32")
    values = (
        ops.ones_like(predictions, dtype=dtype) if weights is None else ops.cast(weights, dtype)
    )
    n = int(num_classes)
    return ops.scatter(indices, values, (n, n))
