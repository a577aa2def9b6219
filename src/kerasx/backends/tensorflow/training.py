"""In-place training support for the trainer's stateful step (TensorFlow).

Under ``tf.function`` the trainer's step reads variables through ``tf.Variable``
handles, so a ``GradientTape`` can differentiate with respect to them directly and the
optimizer can update them in place: no values need threading through the step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf


class TrainingMixin:
    def stateful_value_and_grad(
        self, fn: Callable[[], Any], handles: Sequence[Any], has_aux: bool = False
    ) -> tuple[Any, list[Any]]:
        """``fn()`` and the gradients of its scalar result w.r.t. ``handles`` (tf.Variables)."""
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            for h in handles:
                tape.watch(h)
            out = fn()
        loss, aux = out if has_aux else (out, None)
        grads = tape.gradient(
            loss, list(handles), unconnected_gradients=tf.UnconnectedGradients.ZERO
        )
        grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads]
        return ((loss, aux) if has_aux else loss), grads
