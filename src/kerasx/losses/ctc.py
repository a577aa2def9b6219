"""Connectionist Temporal Classification loss, written with portable ops.

The forward (alpha) recursion runs in log space over the extended label sequence
``blank, l1, blank, l2, ..., blank``; the time loop is unrolled in Python, so it works
eagerly and under every backend's compiler and is differentiable end to end.
"""

from __future__ import annotations

from typing import Any

from kerasx import ops
from kerasx.losses.loss import static_shape
from kerasx.saving.registry import keras_export

_NEG = -1e30  # log(0) stand-in that keeps gradients finite


def ctc_negative_log_likelihood(labels: Any, logits: Any, label_length: Any, blank: int = 0) -> Any:
    """``-log p(labels | logits)`` per batch entry.

    Args:
        labels: int ``(batch, max_label_length)``, left-aligned, padded with anything
            past ``label_length``.
        logits: ``(batch, time, classes)`` unnormalised scores; every step is used.
        label_length: int ``(batch,)`` number of real labels per entry.
        blank: index of the blank class.
    """
    logits = ops.convert_to_tensor(logits)
    dtype = ops.dtype(logits)
    if dtype not in ("float32", "float64"):
        logits = ops.cast(logits, "float32")
    log_probs = ops.log_softmax(logits, axis=-1)
    _, steps, classes = static_shape(log_probs)
    labels = ops.cast(ops.convert_to_tensor(labels), "int32")
    max_len = static_shape(labels)[1]
    if steps is None or max_len is None or classes is None:
        raise ValueError(
            f"CTC needs static time, label and class dimensions. Received: logits.shape={static_shape(log_probs)}, labels.shape={static_shape(labels)}"
        )
    width = 2 * max_len + 1
    # Extended sequence: blanks at even positions, labels at odd ones.  Every array is
    # derived from the inputs, so an unknown batch size is fine.
    blanks = ops.add(ops.zeros_like(labels), blank)
    interleaved = ops.reshape(ops.stack([blanks, labels], axis=-1), (-1, 2 * max_len))
    extended = ops.concatenate([interleaved, blanks[:, :1]], axis=1)
    # A label may follow the label two positions back when it differs from it.
    previous = ops.concatenate([blanks[:, :1], blanks[:, :1], extended[:, :-2]], axis=1)
    position = ops.arange(width, dtype="int32")
    can_skip = ops.logical_and(
        ops.equal(ops.mod(position, 2), 1), ops.not_equal(extended, previous)
    )
    can_skip = ops.logical_and(can_skip, ops.greater_equal(position, 2))
    # Emission log-probabilities of each extended position at each step: (batch, time, width).
    one_hot = ops.one_hot(extended, classes, dtype=ops.dtype(log_probs))
    emit = ops.matmul(log_probs, ops.transpose(one_hot, (0, 2, 1)))
    steps_emit = ops.unstack(emit, num=steps, axis=1)
    neg = ops.add(ops.zeros_like(steps_emit[0]), _NEG)
    pad1, pad2 = neg[:, :1], neg[:, :2]
    alpha = ops.where(ops.expand_dims(ops.less(position, 2), 0), steps_emit[0], neg)
    for emit_t in steps_emit[1:]:
        stay_or_advance = ops.logaddexp(alpha, ops.concatenate([pad1, alpha[:, :-1]], axis=1))
        skip = ops.where(can_skip, ops.concatenate([pad2, alpha[:, :-2]], axis=1), neg)
        alpha = ops.add(ops.logaddexp(stay_or_advance, skip), emit_t)
    last = ops.expand_dims(2 * ops.cast(label_length, "int32"), 1)
    is_end = ops.logical_or(ops.equal(position, last), ops.equal(position, ops.subtract(last, 1)))
    result = ops.negative(ops.logsumexp(ops.where(is_end, alpha, neg), axis=1))
    return ops.cast(result, dtype) if dtype != ops.dtype(result) else result


@keras_export("keras.losses.ctc")
def ctc(y_true: Any, y_pred: Any) -> Any:
    """CTC loss for integer targets ``(batch, max_length)`` padded with 0 (also the blank
    index) and logits ``(batch, time, num_classes)``."""
    true_shape, pred_shape = static_shape(y_true), static_shape(y_pred)
    if len(true_shape) != 2:
        raise ValueError(
            f"Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in integer format. Received: y_true.shape={true_shape}"
        )
    if len(pred_shape) != 3:
        raise ValueError(
            f"Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, num_classes)`. Received: y_pred.shape={pred_shape}"
        )
    labels = ops.cast(y_true, "int32")
    label_length = ops.sum(ops.cast(ops.not_equal(labels, 0), "int32"), axis=-1)
    return ctc_negative_log_likelihood(labels, y_pred, label_length, blank=0)
