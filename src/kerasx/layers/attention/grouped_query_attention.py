"""GroupQueryAttention: attention where groups of query heads share one key/value head."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from kerasx import constraints, initializers, ops, regularizers
from kerasx.layers.activations.softmax import Softmax
from kerasx.layers.attention import _attention_utils as U
from kerasx.layers.core.dropout import Dropout
from kerasx.layers.core_extra.einsum_dense import EinsumDense
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export

Shape = tuple[int | None, ...]


@keras_export("keras.layers.GroupQueryAttention", "keras.layers.GroupedQueryAttention")
class GroupedQueryAttention(Layer):
    """Multi-head attention with fewer key/value heads than query heads.

    Each of the ``num_key_value_heads`` key/value heads serves
    ``num_query_heads // num_key_value_heads`` query heads, which shrinks the key/value
    projections (and caches) while keeping many query heads.  Inputs are
    ``(batch, T, dim)``; query and value must share ``dim``.  Masks work as in
    :class:`MultiHeadAttention`.

    Args:
        head_dim: size of every head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key/value heads; must divide ``num_query_heads``.
        dropout: rate at which attention weights are dropped in training.
        use_bias: whether the projections have biases.
        sliding_window: if set, each query attends only keys closer than this.
        flash_attention: request the backend's fused attention kernel.
        use_gate: multiply the attention output by a sigmoid gate of the query.
        seed: seed of the dropout noise.
    """

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                "`num_query_heads` must be divisible by `num_key_value_heads`. Received: "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}"
            )
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        if sliding_window is not None and (
            not isinstance(sliding_window, int) or sliding_window <= 0
        ):
            raise ValueError(
                "`sliding_window` must be `None` or a positive integer. Received: "
                f"sliding_window={sliding_window}"
            )
        self.sliding_window = sliding_window
        self._flash_attention = bool(flash_attention)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        # Like Keras 3, the regularizer applies to this layer's output and to every
        # projection's output.
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))
        U.check_flash_attention(self._flash_attention, dropout=dropout)
        for attr in U.SUBLAYERS:
            setattr(self, attr, None)

    def _tracked_layers(self) -> Iterator[Layer]:
        """Private sublayers count too, in Keras 3 order (so weights line up)."""
        return U.layers_in_order(self, U.SUBLAYERS, super()._tracked_layers())

    # --------------------------------------------------------------- building
    def _shapes_for_build(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Shapes of query / value / key however they were passed (masks excluded)."""
        return U.qkv_build_shapes(args, kwargs)

    def _dense(
        self, equation: str, last_dims: tuple[int, ...], bias_axes: str, name: str, **kw: Any
    ) -> EinsumDense:
        return EinsumDense(
            equation,
            output_shape=(None, *last_dims),
            bias_axes=bias_axes if self.use_bias else None,
            name=name,
            **U.projection_kwargs(self, ""),
            **kw,
        )

    def build(self, query_shape: Shape, value_shape: Shape, key_shape: Shape | None = None) -> None:
        query_shape, value_shape, key_shape = U.qkv_shapes(query_shape, value_shape, key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        self.feature_dim = query_shape[-1]
        q_heads, kv_heads, h = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self._query_dense = self._dense("bqm,muh->bquh", (q_heads, h), "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._dense("bkm,mvh->bkvh", (kv_heads, h), "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._dense(
                "bqm,muh->bquh", (q_heads, h), "uh", "gate", activation="sigmoid"
            )
            self._gate_dense.build(query_shape)
        self._value_dense = self._dense("bkm,mvh->bkvh", (kv_heads, h), "vh", "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy, seed=self.seed)
        # Scores are (batch, heads, Tq, Tkv).
        self._dot_product_equation = "bquh,bkuh->buqk"
        self._combine_equation = "buqk,bkuh->bquh"
        self._output_dense = self._dense(
            "bquh,uhm->bqm", (self.feature_dim,), "m", "attention_output"
        )
        self._output_dense.build((None, None, q_heads, h))
        self._build_shapes = U.build_shapes_record(query_shape, value_shape, key_shape)
        self.built = True

    def _check_shapes(self, query_shape: Shape, value_shape: Shape, key_shape: Shape) -> None:
        for name, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"Layer '{self.name}' (GroupQueryAttention) expects `{name}` of rank 3 "
                    f"(batch, steps, features). Received: {name}_shape={tuple(shape)}"
                )
        q, v = query_shape[-1], value_shape[-1]
        if q is not None and v is not None and q != v:
            raise ValueError(
                f"Layer '{self.name}' (GroupQueryAttention): the last dimension of "
                f"`query_shape` and `value_shape` must be equal, but are {q}, {v}. "
                f"Received: query_shape={tuple(query_shape)}, value_shape={tuple(value_shape)}"
            )
        U.check_key_value_shapes(self, value_shape, key_shape)

    # ---------------------------------------------------------------- calling
    def _compute_attention(
        self,
        query: Any,
        key: Any,
        value: Any,
        attention_mask: Any = None,
        training: Any = None,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> tuple[Any, Any]:
        """Attention on projected, head-repeated tensors: ``(output, scores or None)``."""
        return U.compute_attention(
            query,
            key,
            value,
            scale=self._inverse_sqrt_head_dim,
            dot_product_equation=self._dot_product_equation,
            combine_equation=self._combine_equation,
            softmax=self._softmax,
            dropout_layer=self._dropout_layer,
            dropout=self.dropout,
            mask_axis=-3,
            attention_mask=attention_mask,
            training=training,
            return_attention_scores=return_attention_scores,
            use_causal_mask=use_causal_mask,
            flash_attention=self._flash_attention,
            query_first=True,
        )

    def call(
        self,
        query: Any,
        value: Any,
        key: Any = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: Any = None,
        use_causal_mask: bool = False,
    ) -> Any:
        if key is None:
            key = value
        U.check_call_shapes(self, self._build_shapes, self._check_shapes, query, value, key)
        attention_mask, causal_only = U.call_attention_mask(
            query,
            value,
            query_mask,
            value_mask,
            key_mask,
            attention_mask,
            use_causal_mask,
            self.sliding_window,
        )
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        v = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        output, scores = self._compute_attention(
            q,
            k,
            v,
            attention_mask=attention_mask,
            training=training,
            return_attention_scores=return_attention_scores,
            use_causal_mask=causal_only,
        )
        return U.finish_attention_output(
            output, scores, gate, self._output_dense, return_attention_scores
        )

    def compute_mask(self, query: Any, previous_mask: Any = None) -> Any:
        """The output keeps the query's padding mask."""
        return U.query_output_mask(previous_mask)

    # ---------------------------------------------------------------- shapes
    def compute_output_shape(
        self, query_shape: Shape, value_shape: Shape, key_shape: Shape | None = None
    ) -> Shape:
        query_shape, value_shape, key_shape = U.qkv_shapes(query_shape, value_shape, key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        return query_shape

    def _scores_shape(self, query_shape: Shape, key_shape: Shape) -> Shape:
        """Scores are ``(batch, query heads, Tq, Tkv)``."""
        return (query_shape[0], self.num_query_heads, query_shape[1], key_shape[1])

    def compute_output_spec(
        self,
        query: Any,
        value: Any,
        key: Any = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: Any = None,
        use_causal_mask: bool = False,
    ) -> Any:
        return U.attention_output_spec(
            self, query, value, key, return_attention_scores, self._scores_shape
        )

    # ---------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "head_dim": self.head_dim,
                "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads,
                "use_bias": self.use_bias,
                "use_gate": self.use_gate,
                "sliding_window": self.sliding_window,
                "dropout": self.dropout,
                **U.serialized_weight_options(self, ""),
                "seed": self.seed,
            }
        )
        return config
