"""MultiHeadAttention: scaled dot-product attention over several learned projections."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from kerasx import constraints, initializers, regularizers
from kerasx.layers.activations.softmax import Softmax
from kerasx.layers.attention import _attention_utils as U
from kerasx.layers.core.dropout import Dropout
from kerasx.layers.core_extra.einsum_dense import EinsumDense
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export

Shape = tuple[int | None, ...]
# Keras 3 saves these sublayers under their public property names.
_PUBLIC_ALIASES = {
    "_query_dense": "query_dense",
    "_key_dense": "key_dense",
    "_value_dense": "value_dense",
    "_output_dense": "output_dense",
}


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@keras_export("keras.layers.MultiHeadAttention")
class MultiHeadAttention(Layer):
    """Projects query, key and value into ``num_heads`` subspaces, attends in each,
    and projects the concatenated results back.

    Call with ``(query, value, key=None)``; the layer builds its projections from the
    shapes of the first call.  Masks: ``attention_mask`` (``(B, Tq, Tv)``, True =
    attend) combined with padding masks ``query_mask`` / ``value_mask`` / ``key_mask``
    (``(B, T)``), ``use_causal_mask`` and ``sliding_window``.

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value (defaults to ``key_dim``).
        dropout: rate at which attention weights are dropped in training.
        use_bias: whether the projections have biases.
        output_shape: output features (int or tuple); defaults to the query's last dim.
        attention_axes: axes attended over (defaults to all but batch, heads, features).
        sliding_window: if set, each query attends only keys closer than this.
        flash_attention: request the backend's fused attention kernel.
        use_gate: multiply the attention output by a sigmoid gate of the query.
        seed: seed of the dropout noise.
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: int | Sequence[int] | None = None,
        attention_axes: int | Sequence[int] | None = None,
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
        if not _positive_int(num_heads):
            raise ValueError(
                "Received an invalid value for argument `num_heads`, expected a positive "
                f"integer. Received: num_heads={num_heads}"
            )
        if not _positive_int(key_dim):
            raise ValueError(
                "Received an invalid value for argument `key_dim`, expected a positive "
                f"integer. Received: key_dim={key_dim}"
            )
        if value_dim is not None and not _positive_int(value_dim):
            raise ValueError(
                "Received an invalid value for argument `value_dim`, expected a positive "
                f"integer or `None`. Received: value_dim={value_dim}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            elif not isinstance(output_shape, (list, tuple)):
                raise ValueError(
                    f"Invalid `output_shape`: {output_shape}. When specified, the "
                    "`output_shape` should be of type tuple, list, or int."
                )
            output_shape = tuple(output_shape)
        self._output_shape = output_shape or None
        self._flash_attention = bool(flash_attention)
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                f"`attention_axes` must be an int, list, or tuple. Received: "
                f"attention_axes={attention_axes}"
            )
        self._attention_axes = tuple(attention_axes) if attention_axes else None
        if sliding_window is not None and not _positive_int(sliding_window):
            raise ValueError(
                "`sliding_window` must be `None` or a positive integer. Received: "
                f"sliding_window={sliding_window}"
            )
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        U.check_flash_attention(self._flash_attention, dropout=self._dropout)
        for attr in U.SUBLAYERS:
            setattr(self, attr, None)

    # ------------------------------------------------------------ properties
    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    def _tracked_layers(self) -> Iterator[Layer]:
        """Private sublayers count too, in Keras 3 order (so weights line up)."""
        return U.layers_in_order(self, U.SUBLAYERS, super()._tracked_layers())

    def _set_sublayer(self, attr: str, layer: Layer) -> None:
        setattr(self, attr, layer)
        if attr in _PUBLIC_ALIASES:
            # The .keras weights file addresses these by the public name (Keras 3
            # walks its read-only properties first), so expose the same name here.
            setattr(self, _PUBLIC_ALIASES[attr], layer)

    # --------------------------------------------------------------- building
    def _shapes_for_build(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Shapes of query / value / key however they were passed (masks excluded)."""
        return U.qkv_build_shapes(args, kwargs)

    def _projection(
        self, input_rank: int, bound: int, last_dims: Sequence[int], name: str, **kw: Any
    ) -> EinsumDense:
        equation, bias_axes, rank = U.projection_equation(input_rank - bound, bound, len(last_dims))
        return EinsumDense(
            equation,
            output_shape=U.partial_output_shape(rank - 1, last_dims),
            bias_axes=bias_axes if self._use_bias else None,
            name=name,
            **kw,
            **U.projection_kwargs(self, "_"),
        )

    def build(self, query_shape: Shape, value_shape: Shape, key_shape: Shape | None = None) -> None:
        query_shape, value_shape, key_shape = U.qkv_shapes(query_shape, value_shape, key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        heads = self._num_heads
        query_dense = self._projection(len(query_shape), 1, [heads, self._key_dim], "query")
        query_dense.build(query_shape)
        self._set_sublayer("_query_dense", query_dense)
        key_dense = self._projection(len(key_shape), 1, [heads, self._key_dim], "key")
        key_dense.build(key_shape)
        self._set_sublayer("_key_dense", key_dense)
        if self._use_gate:
            gate = self._projection(
                len(query_shape), 1, [heads, self._value_dim], "gate", activation="sigmoid"
            )
            gate.build(query_shape)
            self._set_sublayer("_gate_dense", gate)
        value_dense = self._projection(len(value_shape), 1, [heads, self._value_dim], "value")
        value_dense.build(value_shape)
        self._set_sublayer("_value_dense", value_dense)
        self._build_attention(len(value_shape) + 1)
        out_dims = self._output_shape or [query_shape[-1]]
        output_dense = self._projection(len(query_shape) + 1, 2, out_dims, "attention_output")
        projected = list(query_dense.compute_output_shape(query_shape))
        projected[-1] = self._value_dim
        output_dense.build(tuple(projected))
        self._set_sublayer("_output_dense", output_dense)
        self._build_shapes = U.build_shapes_record(query_shape, value_shape, key_shape)
        self.built = True

    def _check_shapes(self, query_shape: Shape, value_shape: Shape, key_shape: Shape) -> None:
        U.check_key_value_shapes(self, value_shape, key_shape)

    def _normalized_axes(self, rank: int) -> tuple[int, ...]:
        """Attention axes as non-negative indices of the projected ``rank``-D tensors."""
        if self._attention_axes is None:
            return tuple(range(1, rank - 2))
        return tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)

    def _build_attention(self, rank: int) -> None:
        self._attention_axes = self._normalized_axes(rank)
        self._dot_product_equation, self._combine_equation, scores_rank = U.attention_equations(
            rank, self._attention_axes
        )
        n = len(self._attention_axes)
        norm_axes = tuple(range(scores_rank - n, scores_rank))
        self._softmax = Softmax(axis=norm_axes, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy, seed=self.seed)

    # ---------------------------------------------------------------- calling
    def _mask_axis(self) -> int:
        return -len(self._attention_axes) * 2 - 1

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
        """Attention on projected tensors; returns ``(output, scores or None)``."""
        return U.compute_attention(
            query,
            key,
            value,
            scale=self._inverse_sqrt_key_dim,
            dot_product_equation=self._dot_product_equation,
            combine_equation=self._combine_equation,
            softmax=self._softmax,
            dropout_layer=self._dropout_layer,
            dropout=self._dropout,
            mask_axis=self._mask_axis(),
            attention_mask=attention_mask,
            training=training,
            return_attention_scores=return_attention_scores,
            use_causal_mask=use_causal_mask,
            flash_attention=self._flash_attention,
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
            self._sliding_window,
        )
        gate = self._gate_dense(query) if self._use_gate else None
        q = self._query_dense(query)
        k = self._key_dense(key)
        v = self._value_dense(value)
        output, scores = self._compute_attention(
            q,
            k,
            v,
            attention_mask,
            training,
            return_attention_scores,
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
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def _scores_shape(self, query_shape: Shape, key_shape: Shape) -> Shape:
        rank = len(query_shape) + 1
        axes = self._normalized_axes(rank)
        projected = (*query_shape[:-1], self._num_heads, self._key_dim)
        batch = [projected[i] for i in range(rank) if i not in axes and i != rank - 1]
        return (
            *batch,
            *(query_shape[i] for i in axes),
            *(key_shape[i] for i in axes),
        )

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
                "num_heads": self._num_heads,
                "key_dim": self._key_dim,
                "value_dim": self._value_dim,
                "dropout": self._dropout,
                "use_bias": self._use_bias,
                "use_gate": self._use_gate,
                "output_shape": self._output_shape,
                "attention_axes": self._attention_axes,
                "sliding_window": self._sliding_window,
                **U.serialized_weight_options(self, "_"),
                "seed": self.seed,
            }
        )
        return config
