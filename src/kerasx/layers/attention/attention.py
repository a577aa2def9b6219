"""Attention: Luong-style (dot-product or concat-score) attention over [query, value, key]."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kerasx import ops, random
from kerasx.backends.common import dtypes as _dt
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.layers.attention._attention_utils import causal_mask, static_shape
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export

Shape = tuple[int | None, ...]


@keras_export("keras.layers.Attention")
class Attention(Layer):
    """Attends each query step to the value steps, weighted by query-key scores.

    Inputs are ``[query, value]`` or ``[query, value, key]`` (key defaults to value),
    shapes ``(batch, Tq, dim)`` / ``(batch, Tv, dim)``.  ``score_mode="dot"`` scores by
    ``query . key``; ``"concat"`` by ``sum(tanh(query + key))``.  The optional ``mask``
    list ``[query_mask, value_mask]``: masked value steps get no weight, masked query
    steps produce zeros, and the query mask is the output mask.

    Args:
        use_scale: learn a scalar ``scale`` multiplying the scores.
        score_mode: ``"dot"`` or ``"concat"``.
        dropout: rate at which attention weights are dropped in training.
        seed: seed of the dropout noise.
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )
        self.supports_masking = True
        self.scale = None
        self.concat_score_weight = None

    # ------------------------------------------------------------ validation
    def _validate_inputs(self, inputs: Any, mask: Any = None) -> None:
        name = type(self).__name__
        # A bare shape (a tuple of ints) also means a single input.
        if not isinstance(inputs, (list, tuple)) or any(
            d is None or isinstance(d, int) for d in inputs
        ):
            raise ValueError(
                f"{name} layer '{self.name}' must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received: inputs={inputs}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer '{self.name}' accepts inputs list of length 2 or 3, namely "
                f"[query, value] or [query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(
                    f"{name} layer '{self.name}' mask must be a list, namely "
                    f"[query_mask, value_mask]. Received: mask={mask}."
                )
            if not 2 <= len(mask) <= 3:
                raise ValueError(
                    f"{name} layer '{self.name}' accepts mask list of length 2 or 3. "
                    f"Received: inputs={inputs}, mask={mask}."
                )

    def _validate_shapes(self, shapes: Sequence[Shape | None]) -> None:
        """Scores need matching query/key features and value/key steps."""
        q, v = shapes[0], shapes[1]
        k = shapes[2] if len(shapes) > 2 and shapes[2] is not None else v
        if q is None or v is None or k is None:
            return

        def clash(a: int | None, b: int | None) -> bool:
            return a is not None and b is not None and a != b

        received = f"Received: query.shape={tuple(q)}, value.shape={tuple(v)}" + (
            f", key.shape={tuple(k)}" if k is not v else ""
        )
        if len(q) < 2 or len(v) < 2 or len(k) < 2:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects query, value and key "
                f"of rank >= 2 (batch, steps, dim). {received}"
            )
        if clash(q[-1], k[-1]):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}): the last dimension of `query` "
                f"({q[-1]}) must equal the last dimension of `key` ({k[-1]}). {received}"
            )
        if clash(v[-2], k[-2]):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}): `value` and `key` must have "
                f"the same number of steps ({v[-2]} vs {k[-2]}). {received}"
            )

    # ------------------------------------------------------------------ build
    def build(self, input_shape: Sequence[Shape]) -> None:
        self._validate_inputs(input_shape)
        self._validate_shapes([tuple(s) if s is not None else None for s in input_shape])
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(), initializer="ones", dtype=self.dtype, trainable=True
            )
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight",
                shape=(),
                initializer="ones",
                dtype=self.dtype,
                trainable=True,
            )
        self.built = True

    # ----------------------------------------------------------------- maths
    def _calculate_scores(self, query: Any, key: Any) -> Any:
        """``(batch, Tq, Tv)`` scores of every query step against every key step."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = ops.multiply(scores, self.scale)
            return scores
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            pairs = ops.multiply(self.scale, pairs)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(pairs), axis=-1))

    def _score_mask(self, scores: Any, value_mask: Any, use_causal_mask: bool) -> Any:
        if not use_causal_mask:
            return value_mask
        shape = ops.shape(scores)
        mask = causal_mask(shape[-2], shape[-1])
        if value_mask is not None:
            mask = ops.logical_and(ops.expand_dims(ops.cast(value_mask, "bool"), -2), mask)
        return mask

    def _apply_scores(
        self, scores: Any, value: Any, scores_mask: Any = None, training: Any = False
    ) -> tuple[Any, Any]:
        """Softmax the (masked) scores, drop some in training, then mix the values."""
        if scores_mask is not None:
            padding = ops.logical_not(ops.cast(scores_mask, "bool"))
            if len(padding.shape) == 2:
                padding = ops.expand_dims(padding, -2)
            big = 65504.0 if _dt.standardize_dtype(ops.dtype(scores)) == "float16" else 1.0e9
            scores = ops.where(padding, ops.subtract(scores, big), scores)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def call(
        self,
        inputs: Sequence[Any],
        mask: Sequence[Any] | None = None,
        training: Any = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        self._validate_inputs(inputs, mask)
        self._validate_shapes([static_shape(x) for x in inputs])
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._score_mask(scores, value_mask, use_causal_mask)
        output, weights = self._apply_scores(scores, value, scores_mask, training)
        if query_mask is not None:
            keep = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
            output = ops.where(keep, output, ops.zeros_like(output))
        if return_attention_scores:
            return output, weights
        return output

    # ------------------------------------------------------------ shapes/masks
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape: Sequence[Shape]) -> Shape:
        return (*tuple(input_shape[0])[:-1], tuple(input_shape[1])[-1])

    def compute_output_spec(
        self,
        inputs: Sequence[Any],
        mask: Any = None,
        training: Any = None,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        self._validate_inputs(inputs, mask)
        shapes = [static_shape(x) for x in inputs]
        self._validate_shapes(shapes)
        out = KerasTensor(self.compute_output_shape(shapes), dtype=self.compute_dtype)
        if not return_attention_scores:
            return out
        key_shape = shapes[2] if len(shapes) > 2 else shapes[1]
        scores = KerasTensor((*shapes[0][:-1], key_shape[-2]), dtype=self.compute_dtype)
        return out, scores

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "use_scale": self.use_scale,
                "score_mode": self.score_mode,
                "dropout": self.dropout,
                "seed": self.seed,
            }
        )
        return config
