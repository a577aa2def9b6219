"""AdditiveAttention: Bahdanau-style attention, scores = sum(scale * tanh(query + key))."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops
from kerasx.layers.attention.attention import Attention
from kerasx.saving.registry import keras_export

Shape = tuple[int | None, ...]


@keras_export("keras.layers.AdditiveAttention")
class AdditiveAttention(Attention):
    """Like :class:`Attention` but scores by a (learned, per-feature) weighted sum of
    ``tanh(query + key)``, which lets query and key interact nonlinearly.

    Args:
        use_scale: learn a ``scale`` vector of size ``dim`` weighting each feature.
        dropout: rate at which attention weights are dropped in training.
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Sequence[Shape]) -> None:
        self._validate_inputs(input_shape)
        self._validate_shapes([tuple(s) if s is not None else None for s in input_shape])
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale",
                shape=(input_shape[0][-1],),
                initializer="glorot_uniform",
                dtype=self.dtype,
                trainable=True,
            )
        self.built = True

    def _calculate_scores(self, query: Any, key: Any) -> Any:
        pairs = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.use_scale:
            pairs = ops.multiply(self.scale, pairs)
        return ops.sum(pairs, axis=-1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["score_mode"]
        return config
