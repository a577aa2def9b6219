"""MultiHeadAttention: scaled dot-product attention over several learned projections."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from kerasx import constraints, initializers, ops, regularizers
from kerasx.engine.keras_tensor import KerasTensor
from kerasx.layers.activations.softmax import Softmax
from kerasx.layers.attention import _attention_utils as U
from kerasx.layers.core.dropout import Dropout
from kerasx.layers.core_extra.einsum_dense import EinsumDense
from kerasx.layers.layer import Layer
from kerasx.saving.registry import keras_export
from kerasx.saving.serialization import serialize_keras_object

Shape = tuple[int | None, ...]
# Sublayers in Keras 3 creation order: the order of ``weights`` / ``get_weights``.
_SUBLAYERS = (
    "_query_dense",
    "_key_dense",
    "_gate_dense",
    "_value_dense",
    "_softmax",
    "_dropout_layer",
    "_output_dense",
)
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
        if self._flash_attention and self._dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set "
                "dropout to 0.0 to use flash attention."
            )
        for attr in _SUBLAYERS:
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
        return U.layers_in_order(self, _SUBLAYERS, super()._tracked_layers())

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

    def _common_sublayer_kwargs(self) -> dict[str, Any]:
        return {
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "activity_regularizer": self._activity_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "dtype": self.dtype_policy,
            "kernel_initializer": U.clone_initializer(self._kernel_initializer),
            "bias_initializer": U.clone_initializer(self._bias_initializer),
        }

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
            **self._common_sublayer_kwargs(),
        )

    def build(self, query_shape: Shape, value_shape: Shape, key_shape: Shape | None = None) -> None:
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        U.check_key_value_shapes(self, value_shape, key_shape)
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
        shapes = {"query_shape": query_shape, "value_shape": value_shape}
        if key_shape is not value_shape:
            shapes["key_shape"] = key_shape
        self._build_shapes = shapes
        self.built = True

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
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is "
                "enabled. Please disable flash attention to access attention scores."
            )
        fused = not (self._dropout > 0.0 or return_attention_scores or len(query.shape) != 4)
        if fused:
            # The backend's fused kernel; a fully masked row averages the values there,
            # exactly as in Keras 3's fused path.
            if attention_mask is not None:
                attention_mask = ops.cast(
                    U.expand_mask_to(attention_mask, 4, self._mask_axis()), "bool"
                )
            out = ops.dot_product_attention(
                query,
                key,
                value,
                mask=attention_mask,
                scale=self._inverse_sqrt_key_dim,
                is_causal=use_causal_mask,
                flash_attention=self._flash_attention or None,
            )
            return out, None
        if use_causal_mask:
            causal = U.causal_mask(ops.shape(query)[1], ops.shape(value)[1])
            attention_mask = (
                causal
                if attention_mask is None
                else ops.logical_and(ops.cast(attention_mask, "bool"), causal)
            )
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, ops.dtype(query)))
        scores = ops.einsum(self._dot_product_equation, key, query)
        if attention_mask is not None:
            attention_mask = U.expand_mask_to(attention_mask, len(scores.shape), self._mask_axis())
        scores = self._softmax(scores, mask=attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self._dropout > 0 else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

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
        if query_mask is None:
            query_mask = getattr(query, "_keras_mask", None)
        self._check_call_shapes(query, value, key)
        causal_only = (
            use_causal_mask
            and query_mask is None
            and value_mask is None
            and key_mask is None
            and attention_mask is None
            and self._sliding_window is None
        )
        if not causal_only:
            attention_mask = U.combined_attention_mask(
                query,
                value,
                query_mask=query_mask,
                value_mask=value_mask,
                key_mask=key_mask,
                attention_mask=attention_mask,
                use_causal_mask=use_causal_mask,
                sliding_window=self._sliding_window,
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
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _check_call_shapes(self, query: Any, value: Any, key: Any) -> None:
        shapes = {
            "query": U.static_shape(query),
            "value": U.static_shape(value),
            "key": U.static_shape(key),
        }
        U.check_key_value_shapes(self, shapes["value"], shapes["key"])
        built = dict(self._build_shapes or {})
        built.setdefault("key_shape", built.get("value_shape"))
        U.check_called_shapes(self, built, **shapes)

    def compute_mask(self, query: Any, previous_mask: Any = None) -> Any:
        """The output keeps the query's padding mask."""
        if isinstance(previous_mask, (list, tuple)):
            return previous_mask[0] if previous_mask else None
        return previous_mask

    # ---------------------------------------------------------------- shapes
    def compute_output_shape(
        self, query_shape: Shape, value_shape: Shape, key_shape: Shape | None = None
    ) -> Shape:
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        U.check_key_value_shapes(self, value_shape, key_shape)
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
        q, v = U.static_shape(query), U.static_shape(value)
        k = U.static_shape(key) if key is not None else None
        out = KerasTensor(self.compute_output_shape(q, v, k), dtype=self.compute_dtype)
        if not return_attention_scores:
            return out
        scores = self._scores_shape(q, k if k is not None else v)
        return out, KerasTensor(scores, dtype=self.compute_dtype)

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
                "kernel_initializer": serialize_keras_object(self._kernel_initializer),
                "bias_initializer": serialize_keras_object(self._bias_initializer),
                "kernel_regularizer": serialize_keras_object(self._kernel_regularizer),
                "bias_regularizer": serialize_keras_object(self._bias_regularizer),
                "activity_regularizer": serialize_keras_object(self._activity_regularizer),
                "kernel_constraint": serialize_keras_object(self._kernel_constraint),
                "bias_constraint": serialize_keras_object(self._bias_constraint),
                "seed": self.seed,
            }
        )
        return config
