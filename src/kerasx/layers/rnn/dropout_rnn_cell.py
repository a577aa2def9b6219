"""DropoutRNNCell: dropout masks that stay fixed across the time steps of one call.

A recurrent cell must drop the *same* units at every step (variational dropout), so
the masks are drawn once, cached on the cell, and cleared by the RNN layer after the
sequence.  The RNN draws them before the time loop, which keeps the loop body free of
random draws (and of seed-state updates) when it is traced by ``lax.scan`` /
``tf.while_loop``.
"""

from __future__ import annotations

from typing import Any

from kerasx import ops, random


class DropoutRNNCell:
    """Mixin for cells with ``dropout``, ``recurrent_dropout`` and ``seed_generator``.

    A cell may set ``dropout_mask_count`` (one mask per gate); otherwise one mask is
    shared by all gates.
    """

    dropout: float
    recurrent_dropout: float

    def _create_dropout_mask(self, step_input: Any, rate: float) -> Any:
        ones = ops.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return random.dropout(ones, rate, seed=self.seed_generator)
        return [random.dropout(ones, rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input: Any) -> Any:
        """The input-dropout mask(s) for this sequence (created on first use)."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input: Any) -> Any:
        """The state-dropout mask(s) for this sequence (created on first use)."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout
            )
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None
